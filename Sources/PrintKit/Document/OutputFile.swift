import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file a PDF is streamed into: a temporary file beside the target, renamed over the
/// target only once the PDF is complete and synced, and removed otherwise.
///
/// cairo writes through ``write(_:)`` (called from its `cairo_write_func_t`); the first
/// failing write is remembered with its errno and every later one fails at once, which puts
/// the cairo surface into `CAIRO_STATUS_WRITE_ERROR`. Not `Sendable`: it belongs to one
/// ``PDFDocument``.
final class OutputFile {
    /// The PDF's final path.
    let path: String
    /// The temporary file being written, in the same directory so that rename is atomic.
    let temporaryPath: String
    private var descriptor: FileDescriptor?
    /// The first write failure, if any.
    private(set) var writeError: Errno?
    /// When set, writes are dropped (the document is being abandoned).
    var discarding = false

    /// Creates the temporary file `.<name>.<random>.partial` beside `path` (O_EXCL, 0644).
    /// - Throws: ``PrintError/cannotWrite(path:operation:errno:)`` naming `path`.
    init(path: String) throws(PrintError) {
        self.path = path
        let (directory, name) = Self.split(path)
        var attempt = 0
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
            let candidate = "\(directory)/.\(name).\(suffix).partial"
            do {
                descriptor = try FileDescriptor.open(
                    FilePath(candidate), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                    permissions: [.ownerReadWrite, .groupRead, .otherRead])
                temporaryPath = candidate
                return
            } catch let errno as Errno {
                attempt += 1
                if errno == .fileExists && attempt < 8 { continue }
                throw .cannotWrite(path: path, operation: "create \(candidate)", errno: errno)
            } catch {
                throw .cannotWrite(path: path, operation: "create \(candidate)", errno: .ioError)
            }
        }
    }

    deinit {
        discard()
    }

    /// Appends `bytes` to the temporary file; false once any write has failed.
    func write(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if discarding { return true }
        guard writeError == nil, let descriptor else { return false }
        do {
            _ = try descriptor.writeAll(bytes)
            return true
        } catch let errno as Errno {
            writeError = errno
        } catch {
            writeError = .ioError
        }
        return false
    }

    /// Syncs and closes the temporary file, renames it over ``path`` and syncs the directory.
    /// - Throws: ``PrintError/cannotWrite(path:operation:errno:)``; the temporary file is
    ///   removed then.
    func commit() throws(PrintError) {
        guard let descriptor else {
            throw .cannotWrite(path: path, operation: "commit", errno: .badFileDescriptor)
        }
        if let writeError {
            discard()
            throw .cannotWrite(path: path, operation: "write \(temporaryPath)", errno: writeError)
        }
        if fsync(descriptor.rawValue) != 0 {
            let code = Errno(rawValue: errno)
            discard()
            throw .cannotWrite(path: path, operation: "fsync \(temporaryPath)", errno: code)
        }
        self.descriptor = nil
        do {
            try descriptor.close()
        } catch {
            unlink(temporaryPath)
            throw .cannotWrite(path: path, operation: "close \(temporaryPath)", errno: (error as? Errno) ?? .ioError)
        }
        if rename(temporaryPath, path) != 0 {
            let code = Errno(rawValue: errno)
            unlink(temporaryPath)
            throw .cannotWrite(path: path, operation: "rename \(temporaryPath) to", errno: code)
        }
        let directory = Self.split(path).directory
        if let handle = try? FileDescriptor.open(FilePath(directory), .readOnly, options: [.directory, .closeOnExec]) {
            // Some file systems cannot sync a directory (EINVAL); the rename has happened.
            _ = fsync(handle.rawValue)
            try? handle.close()
        }
    }

    /// Closes and removes the temporary file, if it is still there.
    func discard() {
        guard let descriptor else { return }
        self.descriptor = nil
        try? descriptor.close()
        unlink(temporaryPath)
    }

    /// The directory (`.` when none) and last component of `path`.
    private static func split(_ path: String) -> (directory: String, name: String) {
        let filePath = FilePath(path)
        let name = filePath.lastComponent?.string ?? path
        var directory = filePath.removingLastComponent().string
        if directory.isEmpty { directory = "." }
        return (directory, name)
    }
}
