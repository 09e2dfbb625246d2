import AgeKit
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
///
/// Every byte is read once. Before writing, each bundle's structure, tag files and signature
/// are checked (small files); its payload is hashed in the same pass that copies it into the
/// archive, and the bundle is checked again with those digests. So what is checked is exactly
/// what is archived, even if a file changes on disk meanwhile. When a bundle fails that second
/// check, the partial archive is dropped, every remaining bundle is verified in full, the bad
/// ones are refused and the archive is written again without them.
public struct Packer {
    /// The station's key, which signs `batch.txt`.
    public let key: SignifySecretKey
    /// The station's name.
    public let station: String
    /// Threads for zstd compression (the calling thread reads and hashes meanwhile).
    public var jobs: Int
    /// Who can read the archive: when set, the tar.zst is encrypted to these age recipients
    /// while it is written, so only ciphertext reaches the disk (`day.tar.zst.age`).
    public var recipients: [AgeRecipient]?
    private let trust: TrustStore
    /// Called with a bundle's directory just before its files are copied into the archive,
    /// after it was checked: lets tests change a bundle in that window.
    var willCopy: ((String) -> Void)?
    /// How much tar stream a zstd frame holds at least before it ends after a bundle (tests
    /// set it small to get a frame per bundle).
    var frameSize = ArchiveWriter.defaultFrameSize

    /// Creates a packer.
    /// - Parameters:
    ///   - key: The station's secret key.
    ///   - station: The station's name.
    ///   - extraTrust: Other keys whose bundles this station may pack.
    ///   - jobs: Threads for compression; every core by default.
    public init(key: SignifySecretKey, station: String, extraTrust: TrustStore? = nil, jobs: Int = Parallel.processorCount) throws {
        self.key = key
        self.station = station
        self.jobs = jobs
        var trust = extraTrust ?? TrustStore()
        try trust.add(key.publicKey(comment: station), name: station, source: "the packing key")
        self.trust = trust
    }

    /// A bundle accepted for packing.
    private struct Candidate {
        let source: String
        let name: String
        /// Listed and tag files read; payload digests absent until the bundle is written.
        var inventory: BagInventory
        let digest: String
        var bytes: Int64 {
            inventory.payload.values.reduce(0) { $0 + $1.size } + inventory.tagFiles.values.reduce(0) { $0 + $1.size }
        }
    }

    /// How one attempt at writing the archive ended.
    private enum Attempt {
        case written(bytes: Int64)
        /// The bundle at this index did not survive hashing; nothing was committed.
        case bundleChanged(index: Int, problems: [Diagnostic])
    }

    /// Packs bundles into an archive.
    /// - Parameters:
    ///   - bundles: Bundle directories.
    ///   - output: The archive to create; it must not exist.
    ///   - format: tar.zst, tar.gz or zip.
    ///   - progress: Called with bytes written so far and the total.
    /// - Returns: What was packed and refused.
    /// - Throws: `EnrollError` if the archive cannot be written, or if no bundle could be packed;
    ///   a usage error when ``recipients`` are set for another format than tar.zst.
    public func pack(
        bundles: [String], to output: String, format: TransferFormat = .tarZstd,
        progress: ((Int64, Int64) -> Void)? = nil
    ) throws -> PackResult {
        if recipients != nil && format != .tarZstd {
            throw EnrollError.usage(
                .usageEncryption, Location(file: output),
                zh: "加密归档只支持 tar.zst 格式。请去掉 --format，或用 --no-encrypt。",
                en: "Encrypted archives are tar.zst only. Drop --format, or use --no-encrypt.")
        }
        var result = PackResult(archive: nil, packed: [], refused: [], bytes: 0)
        var accepted: [Candidate] = []
        var names: Set<String> = []
        let verifier = BundleVerifier(trust: trust)
        for source in bundles {
            let inventory = try BagInventory.gather(directory: source, hashingPayload: false)
            let verification = verifier.verify(inventory: inventory, root: source)
            let name = PathName(source).lastComponent
            var problems = refusals(verification, source: source)
            if problems.isEmpty, !names.insert(name.lowercased()).inserted {
                problems.append(.error(
                    .archiveDuplicateBundle, Location(file: source),
                    zh: "已有同名申请包“\(name)”在此归档中。请把其中一个改名后单独打包。",
                    en: "A bundle named \"\(name)\" is already in this archive. Rename one of them and pack it separately."))
            }
            if problems.isEmpty, let digest = verification.tagManifestDigest {
                accepted.append(Candidate(source: source, name: name, inventory: inventory, digest: digest))
            } else {
                result.refused.append((source, problems))
            }
        }

        var verifiedInFull = false
        while true {
            guard !accepted.isEmpty else {
                throw EnrollError(
                    [.error(.archiveNothingToPack, Location(file: output),
                            zh: "没有可打包的申请包（全部被拒绝或未提供）。未写出归档。",
                            en: "There is no bundle to pack (all were refused or none was given). No archive was written.")]
                    + result.refused.flatMap(\.problems))
            }
            switch try write(accepted, to: output, format: format, verifier: verifier, progress: progress) {
            case .written(let bytes):
                result.bytes = bytes
                result.packed = accepted.map { ($0.source, BatchManifest.Entry(digest: $0.digest, path: "bundles/\($0.name)")) }
                result.archive = output
                return result
            case .bundleChanged(let index, let problems):
                result.refused.append((accepted[index].source, problems))
                accepted.remove(at: index)
                guard !verifiedInFull else { continue }
                // Something is wrong on this disk: read everything once before trying again,
                // so several bad bundles cost one extra pass, not one each.
                verifiedInFull = true
                accepted = accepted.filter { candidate in
                    let problems: [Diagnostic]
                    do {
                        problems = refusals(try verifier.verify(directory: candidate.source), source: candidate.source)
                    } catch {
                        problems = (error as? EnrollError)?.diagnostics ?? []
                    }
                    if problems.isEmpty { return true }
                    result.refused.append((candidate.source, problems))
                    return false
                }
            }
        }
    }

    /// Why a verified bundle cannot be packed (empty when it can).
    private func refusals(_ verification: BundleVerification, source: String) -> [Diagnostic] {
        var problems = verification.diagnostics.errors
        if !verification.isSigned, !problems.contains(where: { $0.code == .sigMissing }) {
            problems.append(.error(
                .sigMissing, Location(file: source),
                zh: "未签名的草稿不能打包。请先用 enroll sign 签名。", en: "An unsigned draft cannot be packed. Sign it first with enroll sign."))
        }
        return problems
    }

    /// Writes the archive in one pass, hashing each payload file as it is copied.
    private func write(
        _ bundles: [Candidate], to output: String, format: TransferFormat, verifier: BundleVerifier,
        progress: ((Int64, Int64) -> Void)?
    ) throws -> Attempt {
        let root = TransferFormat.batchName(for: output)
        let manifest = BatchManifest(
            station: station, keyID: key.keyID.description, created: ISO8601DateFormatter().string(from: Date()),
            entries: bundles.map { BatchManifest.Entry(digest: $0.digest, path: "bundles/\($0.name)") })
        let batchBytes = manifest.rendered()
        let signature = try key.sign(batchBytes).fileContents(publicKeyName: station + ".pub")
        let total = bundles.reduce(Int64(0)) { $0 + $1.bytes }
        let archiveFormat: ArchiveFormat = switch format {
        case .tarZstd: .tarZstd
        case .tarGzip: .tarGzip
        case .zip: .zip
        }

        var bytes: Int64 = 0
        let writer: ArchiveWriter
        do {
            writer = try ArchiveWriter(
                creatingAt: output, format: archiveFormat, compressionThreads: jobs, frameSize: frameSize,
                encoding: recipients.map { ArchiveEncryption.encoding(to: $0) }
            ) { written in
                progress?(written, total)
            }
            try writer.addDirectory(root)
            try writer.addData(root + "/batch.txt", batchBytes)
            try writer.addData(root + "/batch.txt.sig", signature)
            try writer.addDirectory(root + "/bundles")
        } catch {
            throw error.enrollError(archive: output)
        }
        for (index, bundle) in bundles.enumerated() {
            var inventory = bundle.inventory
            let prefix = root + "/bundles/" + bundle.name
            willCopy?(bundle.source)
            do {
                try writer.addDirectory(prefix)
                try writeTagFiles(of: &inventory, source: bundle.source, prefix: prefix, into: writer)
                try writePayload(of: &inventory, source: bundle.source, prefix: prefix, into: writer)
                // A zstd frame may end after a bundle, so unpack can extract parts in parallel.
                try writer.markSplitPoint()
            } catch {
                guard let problems = Self.sourceProblems(error, bundle: bundle.source) else {
                    throw (error as? ArchiveError)?.enrollError(archive: output) ?? error
                }
                writer.cancel()
                return .bundleChanged(index: index, problems: problems)
            }
            let problems = refusals(verifier.verify(inventory: inventory, root: bundle.source), source: bundle.source)
            if !problems.isEmpty {
                writer.cancel()
                return .bundleChanged(index: index, problems: problems)
            }
            bytes += bundle.bytes
        }
        do {
            try writer.commit()
        } catch {
            throw error.enrollError(archive: output)
        }
        return .written(bytes: bytes)
    }

    /// Writes the tag files, standard ones first. Those the checks read were read and hashed
    /// before writing, and are written from those very bytes; any other is hashed as copied.
    private func writeTagFiles(of inventory: inout BagInventory, source: String, prefix: String, into writer: ArchiveWriter) throws {
        let standard = BundleLayout.tagFiles.filter { inventory.tagFiles[$0] != nil }
        let others = inventory.tagFiles.keys.filter { !standard.contains($0) }.sorted()
        let algorithms = BagInventory.algorithms(in: inventory.tagFiles.keys, prefix: "tagmanifest-")
        for path in standard + others {
            if let bytes = inventory.tagContents[path] {
                try writer.addData(prefix + "/" + path, bytes, mode: 0o644)
            } else {
                try copy(path, from: source, into: writer, prefix: prefix, algorithms: algorithms, file: &inventory.tagFiles[path]!)
            }
        }
    }

    /// Writes the payload in path order, each directory entry before its first file.
    private func writePayload(of inventory: inout BagInventory, source: String, prefix: String, into writer: ArchiveWriter) throws {
        let algorithms = BagInventory.algorithms(in: inventory.tagFiles.keys, prefix: "manifest-")
        var directories: Set<String> = []
        for (key, file) in inventory.payload.sorted(by: { $0.value.path < $1.value.path }) {
            let path = file.path
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
            try copy(path, from: source, into: writer, prefix: prefix, algorithms: algorithms, file: &inventory.payload[key]!)
        }
    }

    /// Copies one file into the archive, recording the digests of the bytes archived with the
    /// algorithms the bag's manifests name (its tag manifests, for a tag file).
    private func copy(
        _ path: String, from source: String, into writer: ArchiveWriter, prefix: String,
        algorithms: [ChecksumAlgorithm], file: inout BagInventory.File
    ) throws {
        var hasher = MultiHasher(algorithms)
        var size: Int64 = 0
        try writer.addFile(prefix + "/" + path, contentsOf: source + "/" + path, mode: 0o644) { block in
            hasher.update(block)
            size += Int64(block.count)
        }
        file.size = size
        file.digests = hasher.finalize()
    }

    /// The problems of a bundle whose files could not be copied (changed size, vanished,
    /// became a link), or nil when the error is the archive's own (disk full, libarchive).
    private static func sourceProblems(_ error: any Error, bundle: String) -> [Diagnostic]? {
        guard let error = error as? ArchiveError else { return nil }
        let file: String
        switch error {
        case .sourceSizeChanged(let entry, _, _):
            file = entry.split(separator: "/").dropFirst(3).joined(separator: "/")
        case .sourceNotRegularFile(let path) where path.hasPrefix(bundle + "/"):
            file = String(path.dropFirst(bundle.count + 1))
        case .io(_, let path, _) where path.hasPrefix(bundle + "/"):
            file = String(path.dropFirst(bundle.count + 1))
        default:
            return nil
        }
        return [.error(
            .bagChangedWhilePacking, Location(file: bundle + "/" + file),
            zh: "打包时该文件无法按检查时的样子读取（大小改变、被删除、被替换或读取出错：\(error)）。请确认无人在修改该申请包、存储设备正常后重新打包。",
            en: "The file could not be read as it was when checked (its size changed, it was removed or replaced, or reading failed: \(error)). Make sure nothing is modifying the bundle and the storage is healthy, then pack it again.")]
    }
}
