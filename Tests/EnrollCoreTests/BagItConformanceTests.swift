import Foundation
import Testing

@testable import EnrollCore

/// A bag described in memory and written byte for byte, so a conformance case states exactly
/// what it keeps or breaks.
struct ConformanceBag {
    /// The declared version.
    var version = "1.0"
    /// The declared `Tag-File-Character-Encoding` and how tag-file text is turned into bytes.
    var encoding = TagTextEncoder.utf8
    /// Payload files (paths relative to the bag, under `data/`).
    var payload: [String: [UInt8]] = ["data/hello.txt": Array("hello\n".utf8), "data/sub/二.txt": Array("二\n".utf8)]
    /// Extra metadata lines after `Payload-Oxum` (text before encoding).
    var infoLines = ["Source-Organization: Test"]
    /// The payload and tag manifest algorithms.
    var algorithms: [ChecksumAlgorithm] = [.sha256]
    var tagAlgorithms: [ChecksumAlgorithm] = [.sha256]
    /// Whether `data/` exists (it is created even with no payload).
    var hasPayloadDirectory = true
    /// Changes to the bag's files before the tag manifests are computed.
    var edit: (inout [String: [UInt8]]) -> Void = { _ in }
    /// Changes after the tag manifests are computed (to break them).
    var editAfterTagging: (inout [String: [UInt8]]) -> Void = { _ in }

    /// The metadata file this version uses.
    var infoFile: String { BagItVersion(version).map(\.metadataFile) ?? "bag-info.txt" }

    /// Every file of the bag.
    func files() -> [String: [UInt8]] {
        var files = payload
        files["bagit.txt"] = Array("BagIt-Version: \(version)\nTag-File-Character-Encoding: \(encoding.name)\n".utf8)
        for algorithm in algorithms {
            var text = ""
            for path in payload.keys.sorted() {
                text += "\(Self.digest(payload[path]!, algorithm))  \(BagPath.encode(path))\n"
            }
            files["manifest-\(algorithm.rawValue).txt"] = encoding.encode(text)
        }
        let octets = payload.values.reduce(0) { $0 + $1.count }
        files[infoFile] = encoding.encode((["Payload-Oxum: \(octets).\(payload.count)"] + infoLines).map { $0 + "\n" }.joined())
        edit(&files)
        let tagNames = files.keys.filter { !$0.hasPrefix("data/") }.sorted()
        for algorithm in tagAlgorithms {
            let text = tagNames.map { "\(Self.digest(files[$0]!, algorithm))  \($0)\n" }.joined()
            files["tagmanifest-\(algorithm.rawValue).txt"] = encoding.encode(text)
        }
        editAfterTagging(&files)
        return files
    }

    /// Writes the bag under `root` (with an empty `data/` even when there is no payload).
    func write(to root: String) throws {
        let files = files()
        if hasPayloadDirectory {
            try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true)
        }
        for (path, bytes) in files { try EnrollCoreTests.write(root + "/" + path, bytes) }
    }

    static func digest(_ bytes: [UInt8], _ algorithm: ChecksumAlgorithm) -> String {
        var hasher = MultiHasher([algorithm])
        bytes.withUnsafeBytes { hasher.update($0) }
        return hasher.finalize()[algorithm]!
    }
}

/// Turns tag-file text into bytes of a declared encoding, independently of the decoder under
/// test: UTF-16 through Swift's code units, legacy encodings through a table of the only
/// non-ASCII words the cases use (bytes checked against Python's codecs).
struct TagTextEncoder: Sendable {
    var name: String
    var encode: @Sendable (String) -> [UInt8]

    static let utf8 = TagTextEncoder(name: "UTF-8") { Array($0.utf8) }

    static func utf16(name: String, bigEndian: Bool, byteOrderMark: Bool) -> TagTextEncoder {
        TagTextEncoder(name: name) { text in
            let units = (byteOrderMark ? [0xFEFF] : []) + Array(text.utf16)
            return units.flatMap { unit in
                bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            }
        }
    }

    /// An ASCII-compatible encoding where `word` is written as `bytes`.
    static func legacy(name: String, word: String, bytes: [UInt8]) -> TagTextEncoder {
        TagTextEncoder(name: name) { text in
            var out: [UInt8] = []
            let parts = text.components(separatedBy: word)
            for (index, part) in parts.enumerated() {
                precondition(part.unicodeScalars.allSatisfy(\.isASCII), "\(name) case text must be ASCII besides \(word)")
                out += Array(part.utf8)
                if index < parts.count - 1 { out += bytes }
            }
            return out
        }
    }
}

/// One clause of RFC 8493 or of the 0.97 draft, with a bag that keeps it and one that breaks it.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
    /// The clause, as `<spec>-<section>-<must|should>-<what>`.
    var clause: String
    /// The bag that keeps the clause.
    var valid: @Sendable () -> ConformanceBag
    /// The bag that breaks it.
    var invalid: @Sendable () -> ConformanceBag
    /// The code the broken bag must raise.
    var code: DiagnosticCode
    /// Whether the code is a warning (a SHOULD, or what an older version allowed): the broken
    /// bag stays valid.
    var isWarning = false

    var testDescription: String { clause }
}

private func bag(_ change: (inout ConformanceBag) -> Void = { _ in }) -> ConformanceBag {
    var bag = ConformanceBag()
    change(&bag)
    return bag
}

private func replacing(_ file: String, _ old: String, _ new: String) -> (inout [String: [UInt8]]) -> Void {
    { files in
        let text = String(decoding: files[file]!, as: UTF8.self)
        precondition(text.contains(old), "\(file) lacks \(old)")
        files[file] = Array(text.replacingOccurrences(of: old, with: new).utf8)
    }
}

private let zeros = String(repeating: "0", count: 64)

/// The default payload under ASCII names, for bags whose tag files use a legacy encoding.
private let asciiPayload: [String: [UInt8]] = ["data/hello.txt": Array("hello\n".utf8), "data/sub/two.txt": Array("二\n".utf8)]

/// The conformance set: every MUST and SHOULD enroll checks, from RFC 8493 and the 0.97 draft.
let conformanceCases: [ConformanceCase] = [
    // RFC 8493 §2.1.1 (and 0.97 §2.1.1): the bag declaration.
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-bagit-txt-utf8",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["bagit.txt"] = TagTextEncoder.utf16(name: "", bigEndian: false, byteOrderMark: true).encode("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n") } } },
        code: "bag.declaration-encoding"),
    ConformanceCase(
        clause: "bagit097-2.1.1-must-bagit-txt-utf8",
        valid: { bag { $0.version = "0.97" } },
        invalid: { bag { $0.version = "0.97"; $0.edit = { $0["bagit.txt"] = TagTextEncoder.utf16(name: "", bigEndian: true, byteOrderMark: false).encode("BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n") } } },
        code: "bag.declaration-encoding"),
    ConformanceCase(
        clause: "bagit096-2.1.1-utf16-bagit-txt-tolerated",
        valid: { bag { $0.version = "0.96" } },
        invalid: { bag { $0.version = "0.96"; $0.edit = { $0["bagit.txt"] = TagTextEncoder.utf16(name: "", bigEndian: false, byteOrderMark: true).encode("BagIt-Version: 0.96\nTag-File-Character-Encoding: UTF-8\n") } } },
        code: "bag.declaration-encoding", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-not-bom",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["bagit.txt"] = [0xEF, 0xBB, 0xBF] + $0["bagit.txt"]! } } },
        code: "bag.bom"),
    ConformanceCase(
        clause: "bagit097-2.1.1-must-not-bom",
        valid: { bag { $0.version = "0.97" } },
        invalid: { bag { $0.version = "0.97"; $0.edit = { $0["bagit.txt"] = [0xEF, 0xBB, 0xBF] + $0["bagit.txt"]! } } },
        code: "bag.bom"),
    ConformanceCase(
        clause: "bagit095-2.1.1-bom-tolerated",
        valid: { bag { $0.version = "0.95" } },
        invalid: { bag { $0.version = "0.95"; $0.edit = { $0["bagit.txt"] = [0xEF, 0xBB, 0xBF] + $0["bagit.txt"]! } } },
        code: "bag.bom-ignored", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-two-lines-in-order",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["bagit.txt"] = Array("Tag-File-Character-Encoding: UTF-8\nBagIt-Version: 1.0\n".utf8) } } },
        code: "bag.declaration-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-version-m-n",
        valid: { bag() },
        invalid: { bag { $0.edit = replacing("bagit.txt", "BagIt-Version: 1.0", "BagIt-Version: one") } },
        code: "bag.version-unsupported"),
    ConformanceCase(
        clause: "rfc8493-2.1.1-should-encoding-utf8",
        valid: { bag() },
        invalid: { bag { $0.payload = asciiPayload; $0.encoding = .legacy(name: "ISO-8859-1", word: "café", bytes: [0x63, 0x61, 0x66, 0xE9]) } },
        code: "bag.encoding-not-utf8", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-encoding-iana-name",
        valid: { bag { $0.payload = asciiPayload; $0.encoding = .legacy(name: "GB18030", word: "文件", bytes: [0xCE, 0xC4, 0xBC, 0xFE]) } },
        invalid: { bag { $0.encoding = TagTextEncoder(name: "X-NO-SUCH-CHARSET") { Array($0.utf8) } } },
        code: "bag.encoding-unsupported"),
    ConformanceCase(
        clause: "rfc8493-2.1.1-must-tag-files-in-declared-encoding",
        valid: { bag { $0.payload = asciiPayload; $0.encoding = .legacy(name: "Shift_JIS", word: "ファイル", bytes: [0x83, 0x74, 0x83, 0x40, 0x83, 0x43, 0x83, 0x8B]) } },
        invalid: { bag { $0.payload = asciiPayload; $0.encoding = .legacy(name: "Shift_JIS", word: "ファイル", bytes: [0x85, 0x40]); $0.infoLines = ["Contact-Name: ファイル"] } },
        code: "bag.encoding"),
    // §2.1.2: the payload directory.
    ConformanceCase(
        clause: "rfc8493-2.1.2-must-payload-directory",
        valid: { bag { $0.payload = [:] } },
        invalid: { bag { $0.payload = [:]; $0.hasPayloadDirectory = false } },
        code: "bag.payload-missing"),
    // §2.1.3: payload manifests.
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-payload-manifest",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0.removeValue(forKey: "manifest-sha256.txt") } } },
        code: "bag.manifest-missing"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-list-every-payload-file",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["data/extra.txt"] = Array("x".utf8) } } },
        code: "bag.file-unlisted"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-checksum-match",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["data/hello.txt"] = Array("hellO\n".utf8) } } },
        code: "bag.checksum-mismatch"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-checksum-hex-of-algorithm-length",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["manifest-sha256.txt"]! += Array("abc  data/hello.txt\n".utf8) } } },
        code: "bag.manifest-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-paths-in-payload",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["manifest-sha256.txt"]! += Array("\(zeros)  bagit.txt\n".utf8) } } },
        code: "bag.manifest-path-outside-payload"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-percent-encode-cr-lf",
        valid: { bag { $0.payload = ["data/line\nbreak.txt": Array("y".utf8)] } },
        invalid: { bag { $0.payload = ["data/line\nbreak.txt": Array("y".utf8)]; $0.edit = replacing("manifest-sha256.txt", "%0A", "\n") } },
        code: "bag.manifest-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.1.3-must-not-list-twice",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["manifest-sha256.txt"]! += Array("\(ConformanceBag.digest(Array("hello\n".utf8), .sha256))  data/hello.txt\n".utf8) } } },
        code: "bag.manifest-duplicate"),
    ConformanceCase(
        clause: "bagit097-2.1.3-repeated-entry-tolerated",
        valid: { bag { $0.version = "0.97" } },
        invalid: { bag { $0.version = "0.97"; $0.edit = { $0["manifest-sha256.txt"]! += Array("\(ConformanceBag.digest(Array("hello\n".utf8), .sha256))  data/hello.txt\n".utf8) } } },
        code: "bag.manifest-repeated", isWarning: true),
    // §2.2.1: tag manifests.
    ConformanceCase(
        clause: "rfc8493-2.2.1-must-tag-checksum-match",
        valid: { bag() },
        invalid: { bag { $0.editAfterTagging = { $0["bag-info.txt"]! += Array("Contact-Name: Mallory\n".utf8) } } },
        code: "bag.tag-checksum-mismatch"),
    ConformanceCase(
        clause: "bagit096-2.2.1-tag-manifest-optional",
        valid: { bag { $0.version = "0.96" } },
        invalid: { bag { $0.version = "0.96"; $0.editAfterTagging = { $0["bag-info.txt"]! += Array("Contact-Name: Mallory\n".utf8) } } },
        code: "bag.tag-checksum-mismatch", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.2.1-must-not-list-payload",
        valid: { bag() },
        invalid: { bag { $0.editAfterTagging = { $0["tagmanifest-sha256.txt"]! += Array("\(zeros)  data/hello.txt\n".utf8) } } },
        code: "bag.tagmanifest-lists-payload"),
    ConformanceCase(
        clause: "rfc8493-2.2.1-must-list-existing-tag-files",
        valid: { bag() },
        invalid: { bag { $0.editAfterTagging = { $0["tagmanifest-sha256.txt"]! += Array("\(zeros)  missing-tag.txt\n".utf8) } } },
        code: "bag.tag-file-missing"),
    // §2.2.2: bag-info.txt.
    ConformanceCase(
        clause: "rfc8493-2.2.2-must-label-colon-value",
        valid: { bag() },
        invalid: { bag { $0.infoLines = ["Source-Organization Test"] } },
        code: "bag.info-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.2.2-must-whitespace-after-colon",
        valid: { bag { $0.infoLines = ["Source-Organization:\tTest"] } },
        invalid: { bag { $0.infoLines = ["Source-Organization:Test"] } },
        code: "bag.info-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.2.2-must-not-label-trailing-whitespace",
        valid: { bag() },
        invalid: { bag { $0.infoLines = ["Source-Organization : Test"] } },
        code: "bag.info-malformed"),
    ConformanceCase(
        clause: "bagit097-2.2.2-label-whitespace-tolerated",
        valid: { bag { $0.version = "0.97"; $0.infoLines = ["Source-Organization:Test"] } },
        invalid: { bag { $0.version = "0.97"; $0.infoLines = ["Source-Organization : Test"] } },
        code: "bag.info-label-whitespace", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.2.2-must-continuation-follow-a-field",
        valid: { bag { $0.infoLines = ["Source-Organization: A long", "  name"] } },
        invalid: { bag { $0.edit = { $0["bag-info.txt"] = Array("  continued\n".utf8) + $0["bag-info.txt"]! } } },
        code: "bag.info-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.2.2-payload-oxum-must-match",
        valid: { bag() },
        invalid: { bag { $0.edit = replacing("bag-info.txt", "Payload-Oxum: 10.2", "Payload-Oxum: 11.2") } },
        code: "bag.oxum-mismatch"),
    ConformanceCase(
        clause: "bagit095-2.2.2-package-info-oxum-must-match",
        valid: { bag { $0.version = "0.95" } },
        invalid: { bag { $0.version = "0.95"; $0.edit = replacing("package-info.txt", "Payload-Oxum: 10.2", "Payload-Oxum: 10.3") } },
        code: "bag.oxum-mismatch"),
    // §2.2.3: fetch.txt.
    ConformanceCase(
        clause: "rfc8493-2.2.3-must-fetch-url-length-path",
        valid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/h 6 data/hello.txt\n".utf8) } } },
        invalid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/h six data/hello.txt\n".utf8) } } },
        code: "bag.fetch-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.2.3-must-not-fetch-tag-files",
        valid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/h - data/hello.txt\n".utf8) } } },
        invalid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/b 10 bag-info.txt\n".utf8) } } },
        code: "bag.fetch-malformed"),
    ConformanceCase(
        clause: "rfc8493-2.2.3-must-fetched-file-in-every-manifest",
        valid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/h 6 data/hello.txt\n".utf8) } } },
        invalid: { bag { $0.edit = { $0["fetch.txt"] = Array("https://example.invalid/n 6 data/not-listed.txt\n".utf8) } } },
        code: "bag.fetch-unlisted"),
    // §2.4: algorithms.
    ConformanceCase(
        clause: "rfc8493-2.4-should-not-md5-sha1",
        valid: { bag { $0.algorithms = [.sha512]; $0.tagAlgorithms = [.sha512] } },
        invalid: { bag { $0.algorithms = [.md5]; $0.tagAlgorithms = [.sha1] } },
        code: "bag.algorithm-weak", isWarning: true),
    ConformanceCase(
        clause: "rfc8493-2.4-must-known-algorithm",
        valid: { bag { $0.algorithms = [.sha224, .sha384]; $0.tagAlgorithms = [.sha224] } },
        invalid: { bag { $0.edit = { $0["manifest-whirlpool.txt"] = Array("\(zeros)  data/hello.txt\n".utf8) } } },
        code: "bag.algorithm-unsupported"),
    // §4.2 (security): paths stay inside the bag.
    ConformanceCase(
        clause: "rfc8493-4.2-must-not-escape-the-bag",
        valid: { bag() },
        invalid: { bag { $0.edit = { $0["manifest-sha256.txt"]! += Array("\(zeros)  data/../../etc/passwd\n".utf8) } } },
        code: "bag.path-unsafe"),
]

@Suite("BagIt conformance: RFC 8493 and the 0.97 draft, clause by clause")
struct BagItConformanceTests {
    @Test(arguments: conformanceCases)
    func clause(_ rule: ConformanceCase) throws {
        let dir = TemporaryDirectory()
        try rule.valid().write(to: dir("valid"))
        let kept = try BagValidator().validate(directory: dir("valid"))
        #expect(kept.isValid, "\(rule.clause) valid: \(kept.diagnostics)")
        #expect(!kept.diagnostics.contains { $0.code == rule.code }, "\(rule.clause) valid raised \(rule.code)")

        try rule.invalid().write(to: dir("invalid"))
        let broken = try BagValidator().validate(directory: dir("invalid"))
        let raised = broken.diagnostics.filter { $0.code == rule.code }
        #expect(!raised.isEmpty, "\(rule.clause): expected \(rule.code), got \(broken.diagnostics.map(\.code))")
        if rule.isWarning {
            #expect(raised.allSatisfy { $0.severity == .warning }, "\(rule.clause): \(raised)")
            #expect(broken.isValid, "\(rule.clause): \(broken.diagnostics)")
        } else {
            #expect(raised.contains { $0.severity == .error }, "\(rule.clause): \(raised)")
            #expect(!broken.isValid)
        }
    }

    /// Each encoding: a bag whose manifest names a non-ASCII file and whose metadata holds the
    /// same word, decoded back to the same text.
    static let encodings: [(TagTextEncoder, String)] = [
        (.utf16(name: "UTF-16", bigEndian: false, byteOrderMark: true), "二"),
        (.utf16(name: "UTF-16", bigEndian: true, byteOrderMark: true), "二"),
        (.utf16(name: "UTF-16", bigEndian: true, byteOrderMark: false), "二"),
        (.utf16(name: "UTF-16LE", bigEndian: false, byteOrderMark: false), "二"),
        (.utf16(name: "UTF-16BE", bigEndian: true, byteOrderMark: false), "二"),
        (.legacy(name: "ISO-8859-1", word: "café", bytes: [0x63, 0x61, 0x66, 0xE9]), "café"),
        (.legacy(name: "windows-1252", word: "café €", bytes: [0x63, 0x61, 0x66, 0xE9, 0x20, 0x80]), "café €"),
        (.legacy(name: "GB18030", word: "文件", bytes: [0xCE, 0xC4, 0xBC, 0xFE]), "文件"),
        (.legacy(name: "GBK", word: "文件", bytes: [0xCE, 0xC4, 0xBC, 0xFE]), "文件"),
        (.legacy(name: "Shift_JIS", word: "ファイル", bytes: [0x83, 0x74, 0x83, 0x40, 0x83, 0x43, 0x83, 0x8B]), "ファイル"),
        (.legacy(name: "EUC-KR", word: "파일", bytes: [0xC6, 0xC4, 0xC0, 0xCF]), "파일"),
        (.legacy(name: "Big5", word: "檔案", bytes: [0xC0, 0xC9, 0xAE, 0xD7]), "檔案"),
        (.legacy(name: "KOI8-R", word: "файл", bytes: [0xC6, 0xC1, 0xCA, 0xCC]), "файл"),
    ]

    @Test(arguments: 0..<encodings.count)
    func declaredEncodingIsDecoded(_ index: Int) throws {
        let (encoder, word) = Self.encodings[index]
        let dir = TemporaryDirectory()
        var bag = ConformanceBag()
        bag.version = "0.97"
        bag.encoding = encoder
        bag.payload = ["data/\(word).txt": Array("x\n".utf8)]
        bag.infoLines = ["Contact-Name: \(word)"]
        try bag.write(to: dir("bag"))
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(encoder.name): \(report.diagnostics)")
        #expect(report.diagnostics.isEmpty, "\(encoder.name): \(report.diagnostics)")
        #expect(report.info["Contact-Name"] == word, "\(encoder.name)")
        #expect(report.encoding == encoder.name)
        #expect(report.payloadFileCount == 1)
    }

    @Test func bytesInvalidInTheDeclaredEncodingAreAnError() throws {
        let cases: [(String, [UInt8])] = [
            ("GB18030", [0xFF]), ("Shift_JIS", [0x85, 0x40]), ("EUC-KR", [0xFF, 0xFF]), ("UTF-16LE", [0x00, 0xD8, 0x41]),
        ]
        for (name, bad) in cases {
            let dir = TemporaryDirectory()
            var bag = ConformanceBag()
            bag.payload = asciiPayload
            bag.encoding = name.hasPrefix("UTF-16")
                ? .utf16(name: name, bigEndian: false, byteOrderMark: false)
                : .legacy(name: name, word: "@@", bytes: bad)
            bag.infoLines = ["Contact-Name: @@"]
            if name.hasPrefix("UTF-16") { bag.edit = { $0["bag-info.txt"]! += bad } }
            try bag.write(to: dir("bag"))
            let report = try BagValidator().validate(directory: dir("bag"))
            let problems = report.diagnostics.filter { $0.code == "bag.encoding" }
            #expect(problems.count == 1, "\(name): \(report.diagnostics)")
            #expect(problems.first?.location.file == dir("bag/bag-info.txt"))
            #expect(problems.first?.message.en.contains(name) == true)
        }
    }

    @Test func aUTF8ByteOrderMarkOutsideBagitTxtIsAWarning() throws {
        let dir = TemporaryDirectory()
        var bag = ConformanceBag()
        bag.edit = { $0["bag-info.txt"] = [0xEF, 0xBB, 0xBF] + $0["bag-info.txt"]! }
        try bag.write(to: dir("bag"))
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.warningCodes == ["bag.bom-ignored"])
        #expect(report.info["Source-Organization"] == "Test")
    }

    @Test func everyAlgorithmIsComputedAndATamperedSHA224IsCaught() throws {
        let dir = TemporaryDirectory()
        var bag = ConformanceBag()
        bag.algorithms = ChecksumAlgorithm.allCases
        bag.tagAlgorithms = [.sha224, .sha384]
        try bag.write(to: dir("bag"))
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.payloadAlgorithms == [.md5, .sha1, .sha224, .sha256, .sha384, .sha512])
        #expect(report.warningCodes == ["bag.algorithm-weak", "bag.algorithm-weak"])
        // The SHA-224 of "abc" (FIPS 180-4) through the hasher the validator uses.
        #expect(ConformanceBag.digest(Array("abc".utf8), .sha224) == "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7")

        var tampered = bag
        tampered.edit = { files in
            let text = String(decoding: files["manifest-sha224.txt"]!, as: UTF8.self)
            let flipped = (text.first == "0" ? "1" : "0") + text.dropFirst()
            files["manifest-sha224.txt"] = Array(flipped.utf8)
        }
        try tampered.write(to: dir("tampered"))
        let broken = try BagValidator().validate(directory: dir("tampered"))
        #expect(broken.codes == ["bag.checksum-mismatch"])
        #expect(broken.diagnostics.errors.first?.message.en.contains("manifest-sha224.txt") == true)
    }

    @Test func lineEndingsLFCRAndCRLFAreReadInEveryVersion() throws {
        for version in ["0.93", "0.96", "0.97", "1.0"] {
            for ending in ["\n", "\r", "\r\n"] {
                let dir = TemporaryDirectory()
                var bag = ConformanceBag()
                bag.version = version
                bag.infoLines = ["Source-Organization: Test", "Contact-Name: A", "  B"]
                bag.edit = { files in
                    for name in files.keys where !name.hasPrefix("data/") {
                        files[name] = Array(String(decoding: files[name]!, as: UTF8.self).replacingOccurrences(of: "\n", with: ending).utf8)
                    }
                }
                try bag.write(to: dir("bag"))
                let report = try BagValidator().validate(directory: dir("bag"))
                #expect(report.isValid, "\(version) \(ending.debugDescription): \(report.diagnostics)")
                #expect(report.info["Contact-Name"] == "A B")
                #expect(report.version == version)
            }
        }
    }
}

@Suite("Bags written by bagit-python, every algorithm and option")
struct BagitPythonAlgorithmTests {
    private func makePayload(_ root: String) throws {
        try write(root + "/a.txt", "alpha\n")
        try write(root + "/子目录/b.txt", "beta\n")
        try write(root + "/100%.txt", "percent\n")
    }

    @Test(arguments: ChecksumAlgorithm.allCases)
    func eachAlgorithmAlone(_ algorithm: ChecksumAlgorithm) throws {
        let dir = TemporaryDirectory()
        try makePayload(dir("bag"))
        let made = try runProcess("python3", ["-m", "bagit", "--quiet", "--\(algorithm.rawValue)", dir("bag")])
        #expect(made.status == 0, "\(made.stderr)")
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(algorithm): \(report.diagnostics)")
        #expect(report.version == "0.97")
        #expect(report.payloadAlgorithms == [algorithm])
        #expect(report.tagAlgorithms == [algorithm])
        #expect(report.payloadFileCount == 3)
        #expect(report.warningCodes == (algorithm.isWeak ? ["bag.algorithm-weak", "bag.algorithm-weak"] : []))
        // Changing one payload byte is caught by that algorithm alone.
        try write(dir("bag/data/a.txt"), "alphA\n")
        #expect(try BagValidator().validate(directory: dir("bag")).codes == ["bag.checksum-mismatch"])
    }

    @Test func allAlgorithmsWithParallelProcesses() throws {
        let dir = TemporaryDirectory()
        try makePayload(dir("bag"))
        for index in 0..<20 { try write(dir("bag/many/\(index).txt"), String(repeating: "\(index)", count: index + 1)) }
        let made = try runProcess("python3", [
            "-m", "bagit", "--quiet", "--processes", "4", "--md5", "--sha1", "--sha224", "--sha256", "--sha384", "--sha512",
            "--source-organization", "测试学校", "--contact-name", "Test", "--external-description", "A bag", dir("bag"),
        ])
        #expect(made.status == 0, "\(made.stderr)")
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.payloadAlgorithms == [.md5, .sha1, .sha224, .sha256, .sha384, .sha512])
        #expect(report.payloadFileCount == 23)
        #expect(report.info["Source-Organization"] == "测试学校")
        let python = try runProcess("python3", ["-m", "bagit", "--validate", "--processes", "4", dir("bag")])
        #expect(python.status == 0, "\(python.stderr)")
    }

    /// bagit-python keeps a bag's declared encoding when it saves it again: manifests and tag
    /// manifests are rewritten in it (its bag-info.txt stays UTF-8, so that holds ASCII only).
    @Test(arguments: [("GB18030", "文件"), ("Shift_JIS", "ファイル"), ("EUC-KR", "파일"), ("ISO-8859-1", "café"), ("Big5", "檔案")])
    func declaredEncodingsSavedByBagitPython(_ encoding: String, _ word: String) throws {
        let dir = TemporaryDirectory()
        try write(dir("bag/plain.txt"), "y\n")
        // The non-ASCII file joins after the encoding is declared: bagit-python reads the
        // existing (UTF-8) manifests in the new encoding before it rewrites them.
        let script = """
            import sys, bagit
            path, encoding, word = sys.argv[1], sys.argv[2], sys.argv[3]
            bagit.make_bag(path, checksums=['sha256', 'sha512'])
            with open(path + '/bagit.txt', 'w') as f:
                f.write('BagIt-Version: 0.97\\nTag-File-Character-Encoding: %s\\n' % encoding)
            with open(path + '/data/' + word + '.txt', 'w') as f:
                f.write('x\\n')
            bagit.Bag(path).save(manifests=True)
            bagit.Bag(path).validate()
            """
        let made = try runProcess("python3", ["-c", script, dir("bag"), encoding, word])
        #expect(made.status == 0, "\(made.stderr)")
        let manifest = try FileIO.readAll(dir("bag/manifest-sha256.txt"))
        #expect(!manifest.starts(with: Array("x".utf8)) && String(validating: manifest, as: UTF8.self) == nil,
                "\(encoding): the manifest should not be UTF-8")
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(encoding): \(report.diagnostics)")
        #expect(report.encoding == encoding)
        #expect(report.payloadFileCount == 2)
        #expect(report.inventory.payload["data/\(word).txt"] != nil)
    }
}
