import ArchiveKit
import Foundation

/// What `pack` did.
public struct PackResult: Sendable {
    /// The archive written (nil when nothing could be packed).
    public var archive: String?
    /// The bundles packed: their source path and their line in `batch.txt`.
    public var packed: [(source: String, entry: BatchManifest.Entry)]
    /// Why bundles were refused.
    public var refused: [(source: String, problems: [Diagnostic])]
    /// Payload and tag bytes written into the archive (before compression).
    public var bytes: Int64
}

/// Packs a day's signed bundles into one transfer archive for a USB stick (DESIGN §6).
///
/// Only intact bundles signed by the packing station's key (or a key in `extraTrust`) go in;
/// the others are named and refused. The archive is written to a temporary file beside the
/// target, fsynced and renamed, so a stick pulled out mid-write never holds a complete-looking
/// archive. Within each bundle the tag files come before the payload, so the district can
/// verify while streaming.
public struct Packer {
    /// The station's key, which signs `batch.txt`.
    public let key: SignifySecretKey
    /// The station's name.
    public let station: String
    private let trust: TrustStore

    /// Creates a packer.
    /// - Parameters:
    ///   - key: The station's secret key.
    ///   - station: The station's name.
    ///   - extraTrust: Other keys whose bundles this station may pack.
    public init(key: SignifySecretKey, station: String, extraTrust: TrustStore? = nil) throws {
        self.key = key
        self.station = station
        var trust = extraTrust ?? TrustStore()
        try trust.add(key.publicKey(comment: station), name: station, source: "the packing key")
        self.trust = trust
    }

    /// Packs bundles into an archive.
    /// - Parameters:
    ///   - bundles: Bundle directories.
    ///   - output: The archive to create; it must not exist.
    ///   - format: tar.zst, tar.gz or zip.
    ///   - progress: Called with bytes written so far and the total.
    /// - Returns: What was packed and refused.
    /// - Throws: `EnrollError` if the archive cannot be written, or if no bundle could be packed.
    public func pack(
        bundles: [String], to output: String, format: TransferFormat = .tarZstd,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> PackResult {
        var result = PackResult(archive: nil, packed: [], refused: [], bytes: 0)
        var accepted: [(source: String, name: String, verification: BundleVerification)] = []
        var names: Set<String> = []
        let verifier = BundleVerifier(trust: trust)
        for source in bundles {
            let verification = try verifier.verify(directory: source)
            let name = (source as NSString).lastPathComponent
            var problems = verification.diagnostics.errors
            if !verification.isSigned, !problems.contains(where: { $0.code == "sig.missing" }) {
                problems.append(.error(
                    "sig.missing", Location(file: source),
                    zh: "未签名的草稿不能打包。请先用 enroll sign 签名。", en: "An unsigned draft cannot be packed. Sign it first with enroll sign."))
            }
            if problems.isEmpty, !names.insert(name.lowercased()).inserted {
                problems.append(.error(
                    "archive.duplicate-bundle", Location(file: source),
                    zh: "已有同名申请包“\(name)”在此归档中。请把其中一个改名后单独打包。",
                    en: "A bundle named \"\(name)\" is already in this archive. Rename one of them and pack it separately."))
            }
            if problems.isEmpty {
                accepted.append((source, name, verification))
            } else {
                result.refused.append((source, problems))
            }
        }
        guard !accepted.isEmpty else {
            throw EnrollError(
                [.error("archive.nothing-to-pack", Location(file: output),
                        zh: "没有可打包的申请包（全部被拒绝或未提供）。未写出归档。",
                        en: "There is no bundle to pack (all were refused or none was given). No archive was written.")]
                + result.refused.flatMap(\.problems))
        }

        let root = TransferFormat.batchName(for: output)
        let created = ISO8601DateFormatter().string(from: Date())
        let manifest = BatchManifest(
            station: station, keyID: key.keyID.description, created: created,
            entries: accepted.map { BatchManifest.Entry(digest: $0.verification.tagManifestDigest!, path: "bundles/\($0.name)") })
        let batchBytes = manifest.rendered()
        let signature = try key.sign(batchBytes).fileContents(publicKeyName: station + ".pub")
        let total = accepted.reduce(Int64(0)) { sum, bundle in
            sum + bundle.verification.bag.inventory.payload.values.reduce(0) { $0 + $1.size }
                + bundle.verification.bag.inventory.tagFiles.values.reduce(0) { $0 + $1.size }
        }

        let archiveFormat: ArchiveFormat = switch format {
        case .tarZstd: .tarZstd
        case .tarGzip: .tarGzip
        case .zip: .zip
        }
        do {
            let writer = try ArchiveWriter(creatingAt: output, format: archiveFormat) { written in progress?(written, total) }
            try writer.addDirectory(root)
            try writer.addData(root + "/batch.txt", batchBytes)
            try writer.addData(root + "/batch.txt.sig", signature)
            try writer.addDirectory(root + "/bundles")
            for bundle in accepted {
                let prefix = root + "/bundles/" + bundle.name
                try writer.addDirectory(prefix)
                let inventory = bundle.verification.bag.inventory
                let standard = BundleLayout.tagFiles.filter { inventory.tagFiles[$0] != nil }
                let others = inventory.tagFiles.keys.filter { !standard.contains($0) }.sorted()
                for path in standard + others {
                    try writer.addFile(prefix + "/" + path, contentsOf: bundle.source + "/" + path, mode: 0o644)
                }
                var directories: Set<String> = []
                for path in inventory.payload.values.map(\.path).sorted() {
                    var components = path.split(separator: "/").dropLast().map(String.init)
                    var pending: [String] = []
                    while !components.isEmpty {
                        let directory = components.joined(separator: "/")
                        if directories.contains(directory) { break }
                        pending.append(directory)
                        components.removeLast()
                    }
                    for directory in pending.reversed() {
                        directories.insert(directory)
                        try writer.addDirectory(prefix + "/" + directory)
                    }
                    try writer.addFile(prefix + "/" + path, contentsOf: bundle.source + "/" + path, mode: 0o644)
                }
                result.bytes += inventory.payload.values.reduce(0) { $0 + $1.size } + inventory.tagFiles.values.reduce(0) { $0 + $1.size }
                result.packed.append((bundle.source, BatchManifest.Entry(digest: bundle.verification.tagManifestDigest!, path: "bundles/\(bundle.name)")))
            }
            try writer.commit()
        } catch {
            throw error.enrollError(archive: output)
        }
        result.archive = output
        return result
    }
}
