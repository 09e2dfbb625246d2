import Crypto
@testable import EnrollCore

/// BagIt tag files: `bagit.txt`, `bag-info.txt`, manifests and tag manifests, parsed and
/// checked as a whole bag held in memory. The input is split at NUL bytes into, in order,
/// bagit.txt, bag-info.txt, manifest-sha256.txt, tagmanifest-sha256.txt, manifest-md5.txt
/// and fetch.txt (a missing part is a missing file); the payload is one fixed file.
enum BagItTarget {
    static let target = FuzzTarget(name: "bagit", summary: "bagit.txt / bag-info.txt / manifests, checked as one in-memory bag") { input in
        let parts = Array(input).split(separator: 0, maxSplits: 5, omittingEmptySubsequences: false).map(Array.init)
        var inventory = BagInventory()
        inventory.hasPayloadDirectory = true
        for (index, name) in names.enumerated() where index < parts.count {
            inventory.tagContents[name] = parts[index]
            inventory.tagFiles[name] = file(name, parts[index])
        }
        inventory.payload[payload.path] = payload
        let report = BagValidator().check(inventory, root: "fuzz-bag")
        for diagnostic in report.diagnostics { _ = diagnostic.rendered(in: .zh) }

        // Each parser on its own too, under the two rule sets that differ most.
        let whole = Array(input)
        _ = BagValidator.readDeclaration(whole, file: "bagit.txt")
        for version in [BagItVersion.rfc8493, BagItVersion(0, 97)] {
            let text = TagFileText(bytes: whole, file: "bag-info.txt", encoding: .utf8, byteOrderMark: .warning)
            _ = BagInfo.parse(text, file: "bag-info.txt", version: version)
            _ = Manifest(text: text, file: "manifest-sha256.txt", algorithm: .sha256, isTagManifest: false, version: version)
        }
        if let utf16 = TagFileEncoding(ianaName: "UTF-16") {
            _ = TagFileText(bytes: whole, file: "bag-info.txt", encoding: utf16, byteOrderMark: .warning)
        }
    }

    static let names = ["bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt", "manifest-md5.txt", "fetch.txt"]

    static let payloadBytes = Array(#"{"student":{"name":"测试"}}"#.utf8)

    static let payload = BagInventory.File(
        path: "data/form.json", size: Int64(payloadBytes.count),
        digests: [.sha256: hex(SHA256.hash(data: payloadBytes)), .md5: hex(Insecure.MD5.hash(data: payloadBytes))])

    static func file(_ name: String, _ bytes: [UInt8]) -> BagInventory.File {
        BagInventory.File(
            path: name, size: Int64(bytes.count),
            digests: [.sha256: hex(SHA256.hash(data: bytes)), .md5: hex(Insecure.MD5.hash(data: bytes))])
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        Hex.encode(digest)
    }
}
