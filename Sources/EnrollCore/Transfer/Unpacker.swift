import ArchiveKit
import Foundation

/// Restores the bundles of a transfer archive as directories, byte for byte.
///
/// The archive is scanned first (integrity, and signatures when a trust store is given); if
/// anything is wrong nothing is written. Extraction then goes into a staging directory and each
/// bundle is moved to `<destination>/<name>`; a refused unpack leaves nothing behind.
public struct Unpacker: Sendable {
    /// The keys signatures must come from; nil checks integrity only.
    public var trust: TrustStore?
    /// The limits against hostile archives.
    public var limits: ArchiveLimits

    /// Creates an unpacker.
    public init(trust: TrustStore?, limits: ArchiveLimits = .default) {
        self.trust = trust
        self.limits = limits
    }

    /// Unpacks an archive.
    /// - Returns: The bundle directories written.
    /// - Throws: `EnrollError` with every problem if anything is wrong; nothing is written then.
    public func unpack(_ archive: String, to destination: String) throws -> [String] {
        var problems: [Diagnostic] = []
        var names: [String] = []
        let scan = ArchiveScanner(trust: trust, limits: limits).scan(archive) { name, result in
            problems += result.diagnostics.errors
            names.append(String(name.dropFirst("bundles/".count)))
        }
        problems = scan.diagnostics.errors + problems
        guard problems.isEmpty, let root = scan.root else {
            throw EnrollError(problems.isEmpty ? [.error("archive.corrupt", Location(file: archive), zh: "归档为空。", en: "The archive is empty.")] : problems)
        }
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in names where DirectoryWalker.kind(of: destination + "/" + name) != nil {
            throw EnrollError.io(
                "io.exists", Location(file: destination + "/" + name),
                zh: "目标目录中已有同名申请包，不会覆盖。请换一个目标目录。",
                en: "A bundle of that name already exists in the destination and will not be overwritten. Choose another destination.")
        }
        let staging = destination + "/.enroll-unpack-\(UUID().uuidString)"
        defer { try? fileManager.removeItem(atPath: staging) }
        do {
            try ArchiveExtractor.extract(from: archive, to: staging, limits: limits, root: .named(root))
        } catch {
            throw error.enrollError(archive: archive)
        }
        var written: [String] = []
        for name in names {
            let target = destination + "/" + name
            guard rename(staging + "/" + root + "/bundles/" + name, target) == 0 else {
                for path in written { try? fileManager.removeItem(atPath: path) }
                throw FileIO.ioError(errno, target, verb: ("写入", "write"))
            }
            written.append(target)
        }
        return written
    }
}
