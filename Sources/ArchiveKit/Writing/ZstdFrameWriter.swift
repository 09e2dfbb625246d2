import CArchive
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Compresses the tar stream libarchive produces into zstd frames on a file descriptor,
/// ending a frame where the writer asks for one.
///
/// libarchive's own zstd filter writes the whole archive as one frame, which can only be
/// decompressed from the start by one thread. This writer is libarchive's client writer
/// instead (`archive_write_open2`, with blocking disabled so every byte arrives at once) and
/// feeds the bytes to `ZSTD_compressStream2`; ``endFrame()`` closes the current frame with
/// `ZSTD_e_end`. The result is a standard zstd stream of consecutive frames, which `zstd`,
/// `bsdtar` and every other decoder read as one; each frame carries a content checksum.
///
/// Not `Sendable`: owned by one ``ArchiveWriter``.
final class ZstdFrameWriter {
    /// Bytes written to the file so far.
    private(set) var compressedBytes: Int64 = 0
    /// Uncompressed bytes in the current frame.
    private(set) var frameInput: Int64 = 0
    /// The first error met inside libarchive's write callback, to be thrown by the writer
    /// instead of libarchive's generic failure.
    var failure: ArchiveError?

    private let context: OpaquePointer
    private let file: FileOutput
    /// The transformation the compressed bytes pass through, if any.
    private let stream: (any ArchiveOutputStream)?
    private let output: UnsafeMutableRawBufferPointer
    private var outputCount = 0

    /// Size of the output buffer, and so of the writes to disk: 1 MiB.
    private static let outputSize = 1 << 20

    /// - Parameters:
    ///   - file: the file to write; it stays owned by the caller.
    ///   - path: the file's path, for error messages.
    ///   - level: zstd compression level (3, as `zstd` and libarchive use by default).
    ///   - threads: zstd worker threads; 1 compresses on the calling thread. A libzstd
    ///     built without thread support ignores the request.
    ///   - encoding: builds the stream the compressed bytes pass through before the file
    ///     (an encryption); `nil` writes them to the file as they are.
    init(
        file: FileDescriptor, path: String, level: Int32 = 3, threads: Int, encoding: ArchiveOutputEncoding? = nil
    ) throws(ArchiveError) {
        let fileOutput = FileOutput(file: file, path: path)
        if let encoding {
            do {
                stream = try encoding.makeStream { bytes in try fileOutput.write(bytes) }
            } catch let error as ArchiveError {
                throw error
            } catch {
                throw .streamFailed(entry: nil, failure: StreamFailure(error))
            }
        } else {
            stream = nil
        }
        self.file = fileOutput
        guard let context = ZSTD_createCCtx() else {
            throw .libarchive(
                LibarchiveFailure(function: "ZSTD_createCCtx", code: ARCHIVE_FATAL, message: "out of memory", errno: ENOMEM),
                entry: nil)
        }
        self.context = context
        output = .allocate(byteCount: Self.outputSize, alignment: 16)
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level)
        _ = ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        if threads > 1 {
            // An error here means libzstd has no thread support: compression stays here.
            _ = ZSTD_CCtx_setParameter(context, ZSTD_c_nbWorkers, Int32(min(threads, 64)))
        }
    }

    deinit {
        ZSTD_freeCCtx(context)
        output.deallocate()
    }

    /// Compresses `input` into the current frame.
    func compress(_ input: UnsafeRawBufferPointer) throws(ArchiveError) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var source = ZSTD_inBuffer(src: base, size: input.count, pos: 0)
        while source.pos < source.size {
            _ = try step(&source, ZSTD_e_continue)
        }
        frameInput += Int64(input.count)
    }

    /// Ends the current frame (if it holds anything) and writes out everything compressed.
    /// Input after this starts a new, independent frame.
    func endFrame() throws(ArchiveError) {
        guard frameInput > 0 else { return try flushOutput() }
        var source = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&source, ZSTD_e_end) != 0 {}
        frameInput = 0
        try flushOutput()
    }

    /// One call of `ZSTD_compressStream2` into the free part of the output buffer; writes the
    /// buffer out when it is full. Returns zstd's "still to flush" hint.
    private func step(_ source: inout ZSTD_inBuffer, _ directive: ZSTD_EndDirective) throws(ArchiveError) -> Int {
        var target = ZSTD_outBuffer(dst: output.baseAddress! + outputCount, size: output.count - outputCount, pos: 0)
        let remaining = ZSTD_compressStream2(context, &target, &source, directive)
        if ZSTD_isError(remaining) != 0 {
            throw .libarchive(
                LibarchiveFailure(
                    function: "ZSTD_compressStream2", code: ARCHIVE_FATAL,
                    message: String(cString: ZSTD_getErrorName(remaining)), errno: 0),
                entry: nil)
        }
        outputCount += target.pos
        if outputCount == output.count { try flushOutput() }
        return remaining
    }

    /// Bytes written to the file so far (more than ``compressedBytes`` when a stream adds
    /// its own, such as an encryption's header and tags).
    var fileBytes: Int64 { file.written }

    /// Ends the output stream, if there is one: it writes out what it still holds. Call it
    /// once, after the last ``endFrame()``.
    func finishStream() throws(ArchiveError) {
        guard let stream else { return }
        try Self.passing { try stream.finish() }
    }

    /// Stops the output stream, if there is one, before the file is closed (the archive is
    /// abandoned).
    func abandonStream() {
        stream?.abandon()
    }

    private func flushOutput() throws(ArchiveError) {
        guard outputCount > 0 else { return }
        let block = UnsafeRawBufferPointer(rebasing: output[..<outputCount])
        if let stream {
            try Self.passing { try stream.write(block) }
        } else {
            try file.write(block)
        }
        compressedBytes += Int64(outputCount)
        outputCount = 0
    }

    /// Runs a stream call: an ``ArchiveError`` (from the file) as it is, anything else as
    /// ``ArchiveError/streamFailed(entry:failure:)``.
    private static func passing(_ body: () throws -> Void) throws(ArchiveError) {
        do {
            try body()
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw .streamFailed(entry: nil, failure: StreamFailure(error))
        }
    }

    /// libarchive's write callback (wrapped in a literal closure where it is passed):
    /// compresses what the tar writer produced. On failure it keeps the error for the writer
    /// and answers -1, which makes libarchive fail the call in progress.
    static func write(client: UnsafeMutableRawPointer?, buffer: UnsafeRawPointer?, length: Int) -> Int {
        let writer = Unmanaged<ZstdFrameWriter>.fromOpaque(client!).takeUnretainedValue()
        let result = Result { () throws(ArchiveError) in
            try writer.compress(UnsafeRawBufferPointer(start: buffer, count: length))
        }
        guard case .failure(let error) = result else { return length }
        writer.failure = writer.failure ?? error
        return -1
    }
}

/// The temporary file a ``ZstdFrameWriter`` (or its output stream) writes to, counting bytes.
///
/// Not `Sendable`: used by one writer's thread.
private final class FileOutput {
    private let file: FileDescriptor
    private let path: String
    private(set) var written: Int64 = 0

    init(file: FileDescriptor, path: String) {
        self.file = file
        self.path = path
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
        try POSIX.writeAll(file, bytes, path: path)
        written += Int64(bytes.count)
    }
}
