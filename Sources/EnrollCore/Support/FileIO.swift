import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Small POSIX-level file helpers: streaming reads, exclusive creation, durable writes.
///
/// Every read and write goes through swift-system's `FileDescriptor`, which retries a call
/// interrupted by a signal (EINTR) and reports failures as `Errno`; the helpers turn an
/// `Errno` into an `EnrollError` naming the file. Foundation's `FileHandle` allocates per
/// read; bulk hashing reads gigabytes, so reads here go through one reusable buffer.
enum FileIO {
    /// Size of one read when streaming a file.
    static let blockSize = 1 << 20

    /// Reads a file front to back in blocks, handing each block to `body`.
    ///
    /// Calls open(2) with `O_CLOEXEC` and read(2) through `FileDescriptor`.
    /// - Returns: The number of bytes read.
    /// - Throws: `EnrollError` (I/O) if the file cannot be opened or read; whatever `body`
    ///   throws, unchanged.
    @discardableResult
    static func stream(
        _ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let file = try openForReading(path)
        return try closing(file, path, verb: ("读取", "read")) {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
            defer { buffer.deallocate() }
            var total = 0
            while true {
                let count: Int
                do {
                    count = try file.read(into: buffer, retryOnInterrupt: true)
                } catch {
                    throw ioError(error, path, verb: ("读取", "read"))
                }
                if count == 0 { break }
                total += count
                try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            }
            return total
        }
    }

    /// Reads the first `head` and last `tail` bytes of a file, and its size.
    ///
    /// Calls fstat(2) and pread(2) through `FileDescriptor`.
    static func headAndTail(_ path: String, head: Int, tail: Int) throws -> (size: Int64, head: [UInt8], tail: [UInt8]) {
        let file = try openForReading(path)
        return try closing(file, path, verb: ("读取", "read")) {
            let size: Int64
            do {
                size = try file.stat().size
            } catch {
                throw ioError(error, path, verb: ("读取", "read"))
            }
            func read(at offset: Int64, count: Int) throws -> [UInt8] {
                var bytes = [UInt8](repeating: 0, count: count)
                var done = 0
                // A regular file may return fewer bytes than asked (it shrank meanwhile);
                // 0 means its end.
                while done < count {
                    let got: Int
                    do {
                        got = try bytes.withUnsafeMutableBytes { raw in
                            try file.read(
                                fromAbsoluteOffset: offset + Int64(done), into: UnsafeMutableRawBufferPointer(rebasing: raw[done...]),
                                retryOnInterrupt: true)
                        }
                    } catch {
                        throw ioError(error, path, verb: ("读取", "read"))
                    }
                    if got == 0 { break }
                    done += got
                }
                return Array(bytes.prefix(done))
            }
            let headBytes = try read(at: 0, count: Int(min(Int64(head), size)))
            let tailCount = Int(min(Int64(tail), size))
            let tailBytes = try read(at: size - Int64(tailCount), count: tailCount)
            return (size, headBytes, tailBytes)
        }
    }

    /// Reads a whole (small) file, straight into an array sized by fstat(2) (one byte more,
    /// so the end shows without growing it; a file that grows meanwhile is read to its end).
    static func readAll(_ path: String) throws -> [UInt8] {
        let file = try openForReading(path)
        return try closing(file, path, verb: ("读取", "read")) {
            var info = stat()
            let size = fstat(file.rawValue, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
            var bytes = [UInt8](repeating: 0, count: max(size + 1, 256))
            var count = 0
            while true {
                if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
                let read: Int
                do {
                    read = try bytes.withUnsafeMutableBytes { buffer in
                        try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[count...]), retryOnInterrupt: true)
                    }
                } catch {
                    throw ioError(error, path, verb: ("读取", "read"))
                }
                if read == 0 { break }
                count += read
            }
            bytes.removeLast(bytes.count - count)
            return bytes
        }
    }

    /// Writes bytes to a new file, refusing to replace an existing one.
    ///
    /// Calls open(2) with `O_CREAT | O_EXCL | O_CLOEXEC`, fchmod(2), write(2) through
    /// `FileDescriptor.writeAll` and fsync(2).
    /// - Parameters:
    ///   - bytes: The content.
    ///   - path: Where to write.
    ///   - mode: The permission bits (e.g. `0o600` for a secret key).
    /// - Throws: `EnrollError` `io.exists` if something is at `path`, other I/O errors.
    static func createExclusive(_ path: String, _ bytes: some Collection<UInt8>, mode: mode_t = 0o644) throws {
        let file: FileDescriptor
        do {
            file = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: FilePermissions(rawValue: CInterop.Mode(mode)))
        } catch Errno.fileExists {
            throw EnrollError.io(
                .ioExists, Location(file: path),
                zh: "文件已存在，不会覆盖。请换一个路径，或先移走旧文件。",
                en: "The file already exists and will not be overwritten. Choose another path or move the old file away first.")
        } catch {
            throw ioError(error, path, verb: ("创建", "create"))
        }
        try closing(file, path, verb: ("写入", "write")) {
            _ = fchmod(file.rawValue, mode)  // The umask must not loosen or tighten what was asked for.
            try Array(bytes).withUnsafeBytes { try writeAll(file, $0, path: path) }
            guard fsync(file.rawValue) == 0 else { throw ioError(errno, path, verb: ("写入", "write")) }
        }
    }

    /// Replaces a file's content durably: write a temporary file beside it, fsync, rename.
    static func replaceAtomically(_ path: String, _ bytes: some Collection<UInt8>, mode: mode_t = 0o644) throws {
        let temporary = PathName(path).hiddenSibling(suffix: ".\(UUID().uuidString).tmp")
        try createExclusive(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ioError(code, path, verb: ("替换", "replace"))
        }
    }

    /// Writes every byte of `bytes` to `file` at its current position.
    ///
    /// Calls write(2) through swift-system's `FileDescriptor.writeAll`, which writes until
    /// every byte is out and retries on EINTR. For code that holds its own descriptor (the
    /// district store's object writer): `FileIO.writeAll(FileDescriptor(rawValue: fd), chunk,
    /// path: temporary)`.
    /// - Parameters:
    ///   - file: An open, writable descriptor; it stays open.
    ///   - bytes: The bytes to write.
    ///   - path: The file's path, for the error message.
    /// - Throws: `EnrollError` (`io.failed`) with the system's message if a write fails.
    static func writeAll(_ file: FileDescriptor, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        do {
            _ = try file.writeAll(bytes)
        } catch {
            throw ioError(error, path, verb: ("写入", "write"))
        }
    }

    /// Opens `path` read-only with `O_CLOEXEC` (open(2) through `FileDescriptor.open`,
    /// retried on EINTR).
    /// - Throws: `EnrollError` `io.not-found` or `io.failed`.
    static func openForReading(_ path: String) throws -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        } catch {
            throw ioError(error, path, verb: ("读取", "read"))
        }
    }

    /// Runs `body`, then closes `file` (swift-system's `closeAfter`), whether or not `body`
    /// throws; a failure to close becomes an `EnrollError` naming the file.
    private static func closing<Value>(
        _ file: FileDescriptor, _ path: String, verb: (zh: String, en: String), _ body: () throws -> Value
    ) throws -> Value {
        do {
            return try file.closeAfter(body)
        } catch let error as Errno {
            throw ioError(error.rawValue, path, verb: verb)
        }
    }

    /// The permission bits of a file, or nil if it cannot be stat'ed.
    static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// An I/O error for an error thrown by swift-system (an `Errno`), naming the file.
    static func ioError(_ error: any Error, _ path: String, verb: (zh: String, en: String)) -> EnrollError {
        ioError((error as? Errno)?.rawValue ?? EIO, path, verb: verb)
    }

    /// An I/O error for `errno`, naming the file and the system's message.
    static func ioError(_ code: Int32, _ path: String, verb: (zh: String, en: String)) -> EnrollError {
        let reason = String(cString: strerror(code))
        return EnrollError.io(
            code == ENOENT ? .ioNotFound : .ioFailed, Location(file: path),
            zh: "无法\(verb.zh)文件：\(reason)（errno \(code)）。请检查路径和权限。",
            en: "Cannot \(verb.en) the file: \(reason) (errno \(code)). Check the path and its permissions.")
    }
}
