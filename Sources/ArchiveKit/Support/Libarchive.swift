import CArchive
import CLinuxShims
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Internal helpers shared by the wrappers around `struct archive *`.
enum Libarchive {
    /// Builds a ``LibarchiveFailure`` from the handle's current error state
    /// (`archive_error_string`, `archive_errno`).
    static func failure(_ handle: OpaquePointer, function: String, code: Int32) -> LibarchiveFailure {
        let message = archive_error_string(handle).map { String(cString: $0) } ?? "no message from libarchive"
        return LibarchiveFailure(function: function, code: code, message: message, errno: archive_errno(handle))
    }

    /// Throws ``ArchiveError/libarchive(_:entry:)`` unless `code` is `ARCHIVE_OK`.
    /// `ARCHIVE_WARN` counts as failure here: during setup a warning means an option was
    /// not applied.
    static func check(
        _ code: Int32, _ handle: OpaquePointer, _ function: String, entry: String? = nil
    ) throws(ArchiveError) {
        guard code != ARCHIVE_OK else { return }
        throw .libarchive(failure(handle, function: function, code: code), entry: entry)
    }

    /// The current `errno`.
    static var errno: Int32 { Glibc.errno }
}

/// POSIX helpers used by the writer and the extractor.
///
/// Reads and writes go through swift-system's `FileDescriptor`, which retries a call
/// interrupted by a signal (EINTR) and reports failures as `Errno`; these helpers only turn
/// an `Errno` into ``ArchiveError/io(operation:path:errno:)``.
enum POSIX {
    /// Writes all of `buffer` to `descriptor` (swift-system's `FileDescriptor.writeAll`,
    /// write(2) until every byte is written, retrying on EINTR).
    static func writeAll(_ descriptor: FileDescriptor, _ buffer: UnsafeRawBufferPointer, path: String) throws(ArchiveError) {
        do {
            _ = try descriptor.writeAll(buffer)
        } catch {
            throw .io(operation: "write", path: path, errno: errnoValue(error))
        }
    }

    /// Reads up to `buffer.count` bytes at the descriptor's position (read(2) through
    /// `FileDescriptor.read(into:retryOnInterrupt:)`, retrying on EINTR).
    /// - Returns: The number of bytes read, 0 at the end of the file.
    static func read(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(ArchiveError) -> Int {
        do {
            return try descriptor.read(into: buffer, retryOnInterrupt: true)
        } catch {
            throw .io(operation: "read", path: path, errno: errnoValue(error))
        }
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the descriptor's position
    /// (pread(2) through `FileDescriptor.read(fromAbsoluteOffset:into:retryOnInterrupt:)`,
    /// retrying on EINTR).
    /// - Returns: The number of bytes read, 0 at the end of the file.
    static func read(
        _ descriptor: FileDescriptor, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer, path: String
    ) throws(ArchiveError) -> Int {
        do {
            return try descriptor.read(fromAbsoluteOffset: offset, into: buffer, retryOnInterrupt: true)
        } catch {
            throw .io(operation: "read", path: path, errno: errnoValue(error))
        }
    }

    /// The `errno` an error from swift-system carries (`Errno.rawValue`); EIO for anything
    /// else, which swift-system does not throw.
    static func errnoValue(_ error: any Error) -> Int32 {
        (error as? Errno)?.rawValue ?? EIO
    }

    /// fsyncs the directory at `path` so a rename or creation inside it is durable.
    /// EINVAL (file systems that cannot sync directories) is ignored.
    static func syncDirectory(_ path: String) throws(ArchiveError) {
        let directory: FileDescriptor
        do {
            directory = try FileDescriptor.open(FilePath(path), .readOnly, options: [.directory, .closeOnExec])
        } catch {
            throw .io(operation: "open directory", path: path, errno: errnoValue(error))
        }
        defer { try? directory.close() }
        if Glibc.fsync(directory.rawValue) != 0 && Glibc.errno != EINVAL {
            throw .io(operation: "fsync directory", path: path, errno: Glibc.errno)
        }
    }

    /// Renames `from` to `to` without ever replacing an existing `to`.
    ///
    /// Uses renameat2(RENAME_NOREPLACE) (through CLinuxShims' `enroll_rename_noreplace`). Where
    /// the kernel or file system lacks it (ENOSYS/EINVAL), falls back to checking with
    /// `lstat` and then calling rename(2), which leaves a small race window.
    static func renameNoReplace(_ from: String, _ to: String) throws(ArchiveError) {
        if enroll_rename_noreplace(from, to) == 0 { return }
        let code = Glibc.errno
        if code == EEXIST || code == ENOTEMPTY { throw .io(operation: "rename onto", path: to, errno: EEXIST) }
        guard code == ENOSYS || code == EINVAL else { throw .io(operation: "rename onto", path: to, errno: code) }
        var info = stat()
        if lstat(to, &info) == 0 { throw .io(operation: "rename onto", path: to, errno: EEXIST) }
        if Glibc.rename(from, to) != 0 { throw .io(operation: "rename onto", path: to, errno: Glibc.errno) }
    }

    /// `path` without trailing slashes (but `/` stays `/`).
    static func trimmingTrailingSlashes(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }

    /// The directory part of `path` (`"."` when there is none).
    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of `path`.
    static func baseName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Whether anything (including a dangling symlink) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Removes `path` and, if it is a directory, everything below it, without following
    /// symlinks. Errors are ignored: this is cleanup after a failure.
    static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            // Make sure we may list and modify it even if an archive gave it a strict mode.
            _ = chmod(path, 0o700)
            if let dir = opendir(path) {
                var names: [String] = []
                while let entry = readdir(dir) {
                    let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                    }
                    if name != "." && name != ".." { names.append(name) }
                }
                closedir(dir)
                for name in names { removeTree(path + "/" + name) }
            }
            _ = rmdir(path)
        } else {
            _ = unlink(path)
        }
    }
}

/// Runs libarchive calls that convert names under a thread-local UTF-8 `LC_CTYPE`.
///
/// libarchive converts names between UTF-8 (pax `path` records, zip names flagged UTF-8)
/// and the "current locale". A process that never called setlocale(3) runs in the "C"
/// locale, where any non-ASCII name fails to convert (`Can't translate pathname … to
/// UTF-8`). uselocale(3) switches only the calling thread, for the duration of `body`, to
/// `C.UTF-8` (or `en_US.UTF-8`), leaving the process locale alone. If neither exists, the
/// process locale is used unchanged.
enum UTF8Locale {
    /// The locale object, created once; never freed (it lives as long as the process).
    nonisolated(unsafe) private static let utf8: locale_t? = {
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] {
            if let locale = newlocale(LC_CTYPE_MASK, name, nil) { return locale }
        }
        return nil
    }()

    /// Whether a UTF-8 locale could be created; without one, only ASCII names can be
    /// written safely.
    static var isAvailable: Bool { utf8 != nil }

    static func run<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        guard let utf8 else { return try body() }
        let previous = uselocale(utf8)
        defer { uselocale(previous) }
        return try body()
    }
}
