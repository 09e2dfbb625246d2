import AgeKit
import ArchiveKit
import Foundation

/// Restores the bundles of a transfer archive as directories, byte for byte.
///
/// The archive is extracted once into a staging directory beside the destination (hostile
/// entries refused), and every bundle is verified from the bytes on disk — integrity, and
/// signatures when a trust store is given — together with `batch.txt`. The bytes are hashed
/// as they are written (`ExtractionChecker`), and each bundle is verified as soon as
/// extraction has moved past it, so nothing is read back. An archive packed by enroll is
/// extracted in parts, one thread per core, each hashing its own part; an archive of one
/// zstd frame (another tool's) is extracted by one thread and hashed on another core. Only
/// if everything checks are the bundles moved to `<destination>/<name>`; otherwise nothing
/// is left behind.
public struct Unpacker: Sendable {
    /// The keys signatures must come from; nil checks integrity only.
    public var trust: TrustStore?
    /// The limits against hostile archives.
    public var limits: ArchiveLimits
    /// Threads for extraction and verification.
    public var jobs: Int
    /// The keys that decrypt an encrypted (age) archive while it is extracted.
    public var identities: [AgeIdentity]?

    /// Creates an unpacker.
    public init(
        trust: TrustStore?, limits: ArchiveLimits = .default, jobs: Int = Parallel.processorCount, identities: [AgeIdentity]? = nil
    ) {
        self.trust = trust
        self.limits = limits
        self.jobs = jobs
        self.identities = identities
    }

    /// Unpacks an archive.
    /// - Returns: The bundle directories written.
    /// - Throws: `EnrollError` with every problem if anything is wrong; nothing is written then.
    public func unpack(_ archive: String, to destination: String) throws -> [String] {
        let fileManager = FileManager.default
        let destinationExisted = fileManager.fileExists(atPath: destination)
        try fileManager.createDirectory(atPath: destination, withIntermediateDirectories: true)
        func giveUp() {
            if !destinationExisted, (try? fileManager.contentsOfDirectory(atPath: destination))?.isEmpty == true {
                try? fileManager.removeItem(atPath: destination)
            }
        }
        let verifier = BundleVerifier(trust: trust)
        var checkers: [ExtractionChecker] = []
        let batch: ExtractedBatch
        do {
            batch = try ExtractedBatch(archive, in: destination, limits: limits, parts: jobs, observing: { staging, parts in
                for abandoned in checkers { _ = abandoned.finish() }
                // One part: hash on the other core. Several: every core extracts, each hashes its own part.
                checkers = (0..<parts).map { _ in ExtractionChecker(verifier: verifier, staging: staging, inline: parts > 1) }
                return checkers
            }, identities: identities)
        } catch {
            for checker in checkers { _ = checker.finish() }
            giveUp()
            throw error
        }
        defer { batch.remove() }

        // Bundles the checkers could not follow (none, for enroll's own archives) are read back.
        var checked = ExtractionChecker.merge(checkers)
        let leftOver = batch.bundles.filter { checked[$0] == nil }
        Parallel.forEach(count: leftOver.count, jobs: jobs, { index -> ExtractionChecker.Checked in
            let name = leftOver[index]
            do {
                let result = try verifier.verify(directory: batch.directory(of: name))
                return .init(name: name, errors: result.diagnostics.errors, digest: result.tagManifestDigest)
            } catch {
                return .init(name: name, errors: (error as? EnrollError)?.diagnostics ?? [], digest: nil)
            }
        }, deliver: { _, result in checked[result.name] = result })
        var problems: [Diagnostic] = []
        var found: [String: String] = [:]
        for name in batch.bundles {
            guard let result = checked[name] else { continue }
            problems += batch.relocate(result.errors, bundle: name)
            found[name] = result.digest ?? ""
        }
        problems = batch.batchDiagnostics(found: found, trust: trust).errors + problems
        if batch.bundles.isEmpty {
            problems.append(.error(.archiveCorrupt, Location(file: archive), zh: "归档中没有申请包。", en: "The archive holds no bundle."))
        }
        for name in batch.bundles where DirectoryWalker.kind(of: destination + "/" + name) != nil {
            problems.append(.error(
                .ioExists, Location(file: destination + "/" + name),
                zh: "目标目录中已有同名申请包，不会覆盖。请换一个目标目录。",
                en: "A bundle of that name already exists in the destination and will not be overwritten. Choose another destination."))
        }
        guard problems.isEmpty else {
            batch.remove()
            giveUp()
            throw EnrollError(problems, exitStatus: problems.allSatisfy { $0.code == .ioExists } ? .usageOrIO : .invalid)
        }
        var written: [String] = []
        for name in batch.bundles {
            let target = destination + "/" + name
            guard rename(batch.directory(of: name), target) == 0 else {
                let code = errno
                for path in written { try? fileManager.removeItem(atPath: path) }
                throw FileIO.ioError(code, target, verb: ("写入", "write"))
            }
            written.append(target)
        }
        return written
    }
}

