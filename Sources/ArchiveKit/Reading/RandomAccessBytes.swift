import CArchive
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// An archive's bytes, readable at any offset by several threads at once: what the parts of a
/// parallel extraction read, each its own range (``ArchiveExtractor``), and what the zstd
/// frame walk plans them with (``ZstdFrames``). A plain file (``ArchiveFileBytes``), or the
/// plaintext of an encrypted one, checked as it is read.
public protocol RandomAccessBytes: Sendable {
    /// The number of bytes.
    var count: Int64 { get }

    /// Copies the bytes at `offset` into `buffer`: `buffer.count` of them, fewer only at the
    /// end, 0 at or past it. Only checked bytes are returned: a read that cannot check them
    /// throws.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// As ``read(at:into:)``, for planning only: the bytes may be unchecked (decrypted but not
    /// authenticated), because nothing read here is extracted; the parts planned from them
    /// read everything again with ``read(at:into:)``. Defaults to ``read(at:into:)``.
    func readForPlanning(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension RandomAccessBytes {
    public func readForPlanning(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try read(at: offset, into: buffer)
    }
}

/// A regular file read with `pread`, from any thread.
///
/// `Sendable`: immutable; `pread` does not move a shared file offset.
public final class ArchiveFileBytes: RandomAccessBytes {
    /// The file's path.
    public let path: String
    public let count: Int64
    private let file: FileDescriptor

    /// Opens the regular file at `path`.
    /// - Throws: ``ArchiveError/corruptArchive(entry:failure:)`` naming `open`, with the errno,
    ///   when it cannot be opened, or is not a regular file (`EINVAL`).
    public init(path: String) throws(ArchiveError) {
        self.path = path
        do {
            file = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        } catch {
            throw Self.openFailure(POSIX.errnoValue(error))
        }
        var info = stat()
        guard fstat(file.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            let code = (info.st_mode & S_IFMT) == S_IFREG ? errno : EINVAL
            try? file.close()
            throw Self.openFailure(code)
        }
        count = Int64(info.st_size)
    }

    deinit { try? file.close() }

    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            // pread(2) through swift-system, which retries on EINTR.
            let got = try file.read(
                fromAbsoluteOffset: offset + Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]),
                retryOnInterrupt: true)
            if got == 0 { break }
            filled += got
        }
        return filled
    }

    private static func openFailure(_ code: Int32) -> ArchiveError {
        .corruptArchive(
            entry: nil, failure: LibarchiveFailure(function: "open", code: ARCHIVE_FATAL, message: String(cString: strerror(code)), errno: code))
    }
}
