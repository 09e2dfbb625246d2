import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// The content-addressed object store beside a district database: every distinct file of
/// every stored revision once, under its SHA-256 (`objects/ab/abcd…`), read-only.
///
/// Objects are written and fsynced before the transaction that names them commits, so a
/// killed import never leaves a row without its bytes; an object without a row is harmless and
/// reused by the next import of the same file. Shared by every backend: a city's PostgreSQL
/// store keeps its objects on a shared directory the same way.
public struct ObjectStore: Sendable {
    /// The directory holding the objects.
    public let directory: String
    /// A private staging directory on the same file system (for temporary files and archive
    /// extraction), emptied when an import takes the store's lock.
    public let temporaryDirectory: String

    /// Opens (and creates) an object store.
    /// - Parameters:
    ///   - directory: The objects directory.
    ///   - temporaryDirectory: The staging directory, on the same file system.
    /// - Throws: `store.unavailable` if either cannot be created.
    public init(directory: String, temporaryDirectory: String) throws {
        self.directory = directory
        self.temporaryDirectory = temporaryDirectory
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: temporaryDirectory, withIntermediateDirectories: true)
        } catch {
            throw EnrollError.io(
                .storeUnavailable, Location(file: directory),
                zh: "无法创建数据库目录：\(error.localizedDescription)", en: "Cannot create the store directory: \(error.localizedDescription)")
        }
    }

    /// Where an object lives.
    public func path(of digest: String) -> String {
        directory + "/" + digest.prefix(2) + "/" + digest
    }

    /// Where a new object goes, its directory made; nil when the object is already stored.
    private func newObjectPath(_ digest: String) throws -> String? {
        let target = path(of: digest)
        if FileManager.default.fileExists(atPath: target) { return nil }
        try FileManager.default.createDirectory(atPath: directory + "/" + digest.prefix(2), withIntermediateDirectories: true)
        return target
    }

    /// Copies a file into the store under its SHA-256 (known from the bag's manifest and
    /// checked again while copying), durably: temporary file, fsync, rename. An object already
    /// present is left as it is.
    /// - Parameters:
    ///   - source: The file to copy.
    ///   - digest: Its SHA-256.
    /// - Throws: `import.object-changed` if its content no longer matches; I/O errors.
    public func store(from source: String, digest: String) throws {
        guard let target = try newObjectPath(digest) else { return }
        let temporary = temporaryDirectory + "/" + UUID().uuidString
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard output >= 0 else { throw FileIO.ioError(errno, temporary, verb: ("创建", "create")) }
        var hasher = MultiHasher([.sha256])
        do {
            defer { close(output) }
            try FileIO.stream(source) { chunk in
                hasher.update(chunk)
                try FileIO.writeAll(FileDescriptor(rawValue: output), chunk, path: temporary)
            }
            guard fsync(output) == 0 else { throw FileIO.ioError(errno, temporary, verb: ("写入", "write")) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard hasher.finalize()[.sha256] == digest else {
            unlink(temporary)
            throw EnrollError.invalid(
                .importObjectChanged, Location(file: source),
                zh: "文件在导入过程中被改动（SHA-256 与清单不符），未导入。", en: "The file changed during the import (its SHA-256 no longer matches the manifest); it was not imported.")
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileIO.ioError(code, target, verb: ("写入", "write"))
        }
    }

    /// Moves a file of an import's own archive extraction (in ``temporaryDirectory``, written
    /// and hashed by the verification before this call) into the store: read-only, fsync,
    /// rename. An object already present is left as it is (the file stays behind and goes with
    /// the staging directory).
    /// - Throws: I/O errors.
    public func adopt(at source: String, digest: String) throws {
        guard let target = try newObjectPath(digest) else { return }
        let file = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { throw FileIO.ioError(errno, source, verb: ("读取", "read")) }
        defer { close(file) }
        guard fchmod(file, 0o444) == 0, fsync(file) == 0 else { throw FileIO.ioError(errno, source, verb: ("写入", "write")) }
        guard rename(source, target) == 0 else { throw FileIO.ioError(errno, target, verb: ("写入", "write")) }
    }

    /// Empties the staging directory (what a killed run left: nothing committed refers to it).
    func clearTemporaryFiles() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? [] {
            try? FileManager.default.removeItem(atPath: temporaryDirectory + "/" + name)
        }
    }
}

/// The import lock of a store: an exclusive `flock` on a lock file, held while one import
/// runs. Readers and reviewers do not take it.
///
/// Not `Sendable`: it owns a file descriptor; release it from the task that took it.
public final class ImportLock {
    private var descriptor: Int32

    /// Takes the lock without waiting.
    /// - Parameters:
    ///   - path: The lock file (created if missing).
    ///   - shared: Take it shared (`LOCK_SH`: imports that may run side by side, as on a
    ///     PostgreSQL store) rather than exclusive.
    /// - Throws: `import.store-busy` when another import holds it.
    init(path: String, shared: Bool = false) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileIO.ioError(errno, path, verb: ("打开", "open")) }
        guard flock(descriptor, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(descriptor)
            throw EnrollError.io(
                .importStoreBusy, Location(file: path),
                zh: "另一个导入正在写入此数据库。请等它结束后再导入（查看、审核和导出不受影响）。",
                en: "Another import is writing to this store. Wait for it to finish before importing (viewing, reviewing and exporting are not affected).")
        }
        self.descriptor = descriptor
    }

    /// Releases the lock (also done on deinit).
    public func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
