import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Small POSIX-level file helpers: streaming reads, exclusive creation, durable writes.
///
/// Foundation's `FileHandle` allocates per read; bulk hashing reads gigabytes, so reads here go
/// through one reusable buffer.
enum FileIO {
    /// Size of one read when streaming a file.
    static let blockSize = 1 << 20

    /// Reads a file front to back in blocks, handing each block to `body`.
    /// - Returns: The number of bytes read.
    /// - Throws: `EnrollError` (I/O) if the file cannot be opened or read.
    @discardableResult
    static func stream(
        _ path: String, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(errno, path, verb: ("读取", "read")) }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = read(fd, buffer.baseAddress, blockSize)
            if count < 0 {
                if errno == EINTR { continue }
                throw ioError(errno, path, verb: ("读取", "read"))
            }
            if count == 0 { break }
            total += count
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return total
    }

    /// Reads the first `head` and last `tail` bytes of a file, and its size.
    static func headAndTail(_ path: String, head: Int, tail: Int) throws -> (size: Int64, head: [UInt8], tail: [UInt8]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError(errno, path, verb: ("读取", "read")) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError(errno, path, verb: ("读取", "read")) }
        let size = Int64(info.st_size)
        func read(at offset: Int64, count: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            var done = 0
            while done < count {
                let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw ioError(errno, path, verb: ("读取", "read"))
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

    /// Reads a whole (small) file.
    static func readAll(_ path: String) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try stream(path) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Writes bytes to a new file, refusing to replace an existing one.
    /// - Parameters:
    ///   - bytes: The content.
    ///   - path: Where to write.
    ///   - mode: The permission bits (e.g. `0o600` for a secret key).
    static func createExclusive(_ path: String, _ bytes: some Collection<UInt8>, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            if errno == EEXIST {
                throw EnrollError.io(
                    .ioExists, Location(file: path),
                    zh: "文件已存在，不会覆盖。请换一个路径，或先移走旧文件。",
                    en: "The file already exists and will not be overwritten. Choose another path or move the old file away first.")
            }
            throw ioError(errno, path, verb: ("创建", "create"))
        }
        defer { close(fd) }
        _ = fchmod(fd, mode)  // The umask must not loosen or tighten what was asked for.
        try writeAll(fd, Array(bytes), path: path)
        guard fsync(fd) == 0 else { throw ioError(errno, path, verb: ("写入", "write")) }
    }

    /// Replaces a file's content durably: write a temporary file beside it, fsync, rename.
    static func replaceAtomically(_ path: String, _ bytes: some Collection<UInt8>, mode: mode_t = 0o644) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        try createExclusive(temporary, bytes, mode: mode)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw ioError(code, path, verb: ("替换", "replace"))
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    /// Writes every byte, retrying short and interrupted writes.
    static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < raw.count {
            let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ioError(errno, path, verb: ("写入", "write"))
            }
            offset += written
        }
    }

    /// The permission bits of a file, or nil if it cannot be stat'ed.
    static func permissions(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
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
