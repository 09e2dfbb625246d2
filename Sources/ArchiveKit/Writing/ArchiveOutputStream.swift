/// A transformation the compressed archive passes through on its way to the file, such as
/// an encryption: only what the stream hands on reaches the disk.
///
/// ``ArchiveWriter/init(creatingAt:format:compressionThreads:frameSize:encoding:progress:)``
/// builds the stream once, giving it the function that writes to the temporary file; the
/// writer then hands it the zstd output block by block (``write(_:)``) and, when it commits,
/// calls ``finish()`` before it fsyncs and renames the file.
public protocol ArchiveOutputStream: AnyObject {
    /// Takes the next compressed bytes.
    /// - Throws: any error; the writer reports it as ``ArchiveError/streamFailed(entry:failure:)``
    ///   (an ``ArchiveError`` from the file function is passed through as it is).
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the stream: writes out whatever it still holds.
    func finish() throws
    /// The archive is abandoned (cancelled, failed or released uncommitted): stop, and write
    /// nothing more. Called before the writer closes its file; a stream with a thread of its
    /// own (``BackgroundOutputStream``) returns only once that thread has stopped.
    func abandon()
}

extension ArchiveOutputStream {
    /// Nothing to stop: the stream works only inside ``write(_:)`` and ``finish()``.
    public func abandon() {}
}

/// Builds the ``ArchiveOutputStream`` of an archive from the function that writes bytes to
/// the archive's temporary file (which throws ``ArchiveError/io(operation:path:errno:)``).
///
/// A struct rather than a bare closure, so that a writer's trailing closure still means its
/// progress callback.
public struct ArchiveOutputEncoding {
    /// Makes the stream, given the function that writes to the file.
    public let makeStream: (_ file: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> any ArchiveOutputStream

    /// Wraps the function that makes the stream.
    public init(_ makeStream: @escaping (_ file: @escaping (UnsafeRawBufferPointer) throws -> Void) throws -> any ArchiveOutputStream) {
        self.makeStream = makeStream
    }
}
