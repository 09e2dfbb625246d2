import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Text written out as it is made, in 1 MiB blocks: to standard output, or to a file that
/// appears under its name only once it is complete (a hidden temporary file beside it, fsynced
/// and renamed by ``commit()``). A large export never sits in memory whole, and a failed or
/// interrupted one leaves no file that looks complete.
public final class StreamedOutput {
    private let file: FileDescriptor
    private let path: String?
    private let temporary: String?
    private var buffer: [UInt8] = []
    private var finished = false
    private static let blockSize = 1 << 20

    /// Output to standard output.
    public init() {
        file = .standardOutput
        path = nil
        temporary = nil
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Output to a file at `path`, which is replaced (or created) at ``commit()``.
    /// - Throws: `EnrollError` (`io.*`) when the temporary file cannot be created.
    public init(creatingAt path: String) throws {
        let temporary = PathName(path).hiddenSibling(suffix: ".\(UUID().uuidString).tmp")
        do {
            file = try FileDescriptor.open(
                FilePath(temporary), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw FileIO.ioError(error, path, verb: ("写入", "write"))
        }
        self.path = path
        self.temporary = temporary
        buffer.reserveCapacity(Self.blockSize)
    }

    /// Output to `path` when one is given, else to standard output.
    public static func to(_ path: String?) throws -> StreamedOutput {
        try path.map(StreamedOutput.init(creatingAt:)) ?? StreamedOutput()
    }

    deinit {
        guard let temporary, !finished else { return }
        try? file.close()
        unlink(temporary)
    }

    /// Appends text.
    /// - Throws: `EnrollError` (`io.failed`) when a block cannot be written (a full disk).
    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.blockSize { try flush() }
    }

    /// Writes out what is buffered; for a file, fsyncs it and moves it onto its name.
    /// - Throws: `EnrollError` (`io.failed`) when the file cannot be written or renamed; the
    ///   temporary file is then removed.
    public func commit() throws {
        precondition(!finished, "StreamedOutput.commit called twice")
        try flush()
        finished = true
        guard let path, let temporary else { return }
        if fsync(file.rawValue) != 0 {
            let code = errno
            try? file.close()
            unlink(temporary)
            throw FileIO.ioError(code, path, verb: ("写入", "write"))
        }
        do {
            try file.close()
        } catch {
            unlink(temporary)
            throw FileIO.ioError(error, path, verb: ("写入", "write"))
        }
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw FileIO.ioError(code, path, verb: ("写入", "write"))
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try FileIO.writeAll(file, $0, path: path ?? "<stdout>") }
        buffer.removeAll(keepingCapacity: true)
    }
}
