import ArchiveKit
import Foundation

/// Restores the bundles of a transfer archive as directories, byte for byte.
///
/// The archive is extracted once into a staging directory beside the destination (hostile
/// entries refused), then every bundle is verified from the bytes on disk — integrity, and
/// signatures when a trust store is given — together with `batch.txt`. Only if everything checks
/// are the bundles moved to `<destination>/<name>`; otherwise nothing is left behind.
public struct Unpacker: Sendable {
    /// The keys signatures must come from; nil checks integrity only.
    public var trust: TrustStore?
    /// The limits against hostile archives.
    public var limits: ArchiveLimits
    /// Worker threads for verification.
    public var jobs: Int

    /// Creates an unpacker.
    public init(trust: TrustStore?, limits: ArchiveLimits = .default, jobs: Int = Parallel.processorCount) {
        self.trust = trust
        self.limits = limits
        self.jobs = jobs
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
        let batch: ExtractedBatch
        do {
            batch = try ExtractedBatch(archive, in: destination, limits: limits)
        } catch {
            giveUp()
            throw error
        }
        defer { batch.remove() }

        let verifier = BundleVerifier(trust: trust)
        var problems: [Diagnostic] = []
        var found: [String: String] = [:]
        Parallel.forEach(count: batch.bundles.count, jobs: jobs, { index -> (String, [Diagnostic], String?) in
            let name = batch.bundles[index]
            do {
                let result = try verifier.verify(directory: batch.directory(of: name))
                return (name, batch.relocate(result.diagnostics.errors, bundle: name), result.tagManifestDigest)
            } catch {
                return (name, (error as? EnrollError)?.diagnostics ?? [], nil)
            }
        }, deliver: { _, result in
            problems += result.1
            found[result.0] = result.2 ?? ""
        })
        problems = batch.batchDiagnostics(found: found, trust: trust).errors + problems
        if batch.bundles.isEmpty {
            problems.append(.error("archive.corrupt", Location(file: archive), zh: "归档中没有申请包。", en: "The archive holds no bundle."))
        }
        for name in batch.bundles where DirectoryWalker.kind(of: destination + "/" + name) != nil {
            problems.append(.error(
                "io.exists", Location(file: destination + "/" + name),
                zh: "目标目录中已有同名申请包，不会覆盖。请换一个目标目录。",
                en: "A bundle of that name already exists in the destination and will not be overwritten. Choose another destination."))
        }
        guard problems.isEmpty else {
            batch.remove()
            giveUp()
            throw EnrollError(problems, isUsageOrIO: problems.allSatisfy { $0.code == "io.exists" })
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
