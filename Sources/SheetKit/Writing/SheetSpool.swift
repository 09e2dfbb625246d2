import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A scratch file that a sheet's XML is streamed into, through a fixed 64 KiB buffer.
///
/// ArchiveKit adds a zip entry only with its size known up front
/// (``ArchiveKit/ArchiveWriter/addFile(_:contentsOf:mode:modificationTime:observe:)``), and a
/// sheet's size is known only once its last row is written; so each sheet goes to one of
/// these first and into the zip when the workbook is committed. Memory stays at one buffer
/// whatever the number of rows.
///
/// Not `Sendable`: it owns an open file descriptor and a buffer used without locking.
final class SheetSpool {
    /// Where the scratch file is.
    let path: String
    /// Bytes handed to ``append(_:)`` so far.
    private(set) var byteCount: Int64 = 0
    /// The most bytes held in memory at once: the buffer, or the largest piece handed over
    /// by libxml2 (which it held in its own buffer until then).
    private(set) var peakBufferedBytes = 0

    /// The buffer's size: 64 KiB.
    static let capacity = 64 << 10

    private var descriptor: FileDescriptor?
    private var buffer: [UInt8] = []

    /// Creates the scratch file (mode 0600; it must not exist yet).
    ///
    /// Calls `FileDescriptor.open` (open(2) with `O_CREAT | O_EXCL | O_CLOEXEC`).
    /// - Throws: ``SheetError/io(operation:path:errno:)``.
    init(path: String) throws(SheetError) {
        self.path = path
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerReadWrite])
        } catch {
            throw .io(operation: "create", path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
        buffer.reserveCapacity(Self.capacity)
    }

    deinit {
        try? descriptor?.close()
    }

    /// Takes the next piece of the sheet's XML.
    /// - Throws: ``SheetError/io(operation:path:errno:)`` if writing the file fails.
    func append(_ bytes: UnsafeRawBufferPointer) throws(SheetError) {
        byteCount += Int64(bytes.count)
        peakBufferedBytes = max(peakBufferedBytes, bytes.count)
        if buffer.count + bytes.count > Self.capacity { try flush() }
        if bytes.count >= Self.capacity {
            try write(bytes)
        } else {
            buffer.append(contentsOf: bytes)
            peakBufferedBytes = max(peakBufferedBytes, buffer.count)
        }
    }

    /// Writes out what is buffered and closes the file.
    /// - Throws: ``SheetError/io(operation:path:errno:)``.
    func close() throws(SheetError) {
        try flush()
        guard let descriptor else { return }
        self.descriptor = nil
        do {
            try descriptor.close()
        } catch {
            throw .io(operation: "close", path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }

    private func flush() throws(SheetError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in Result { () throws(SheetError) in try write(raw) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// `FileDescriptor.writeAll`: write(2) until everything is written, retrying on EINTR.
    private func write(_ bytes: UnsafeRawBufferPointer) throws(SheetError) {
        guard let descriptor else { throw .io(operation: "write", path: path, errno: EBADF) }
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            throw .io(operation: "write", path: path, errno: (error as? Errno)?.rawValue ?? EIO)
        }
    }
}
