import Foundation

/// A bounded first-in first-out hand-over of byte buffers between two threads, with the
/// worker thread that serves it: the base of ``BackgroundOutputStream`` (a stream's work moved
/// off the writer's thread) and ``ReadAhead`` (a source read ahead on a thread of its own).
///
/// The producer blocks while `capacity` buffers wait; the consumer blocks while none does.
/// An error ends the pipe: the side that meets it records it and the other side throws it at
/// its next call, after the buffers that came before it (so errors keep their place in the
/// stream). ``abandon()`` stops the worker and waits until it has left, so nothing it holds
/// (a file descriptor) is used after the owner lets go.
final class BufferPipe: @unchecked Sendable {
    enum Item {
        case bytes([UInt8])
        case end
        case failure(any Error)
    }

    private let condition = NSCondition()
    private let capacity: Int
    private var queue: [Item] = []
    private var spare: [[UInt8]] = []
    private var abandoned = false
    private var workerDone = false
    /// The first error the consumer met (the producer throws it at its next put).
    private var consumerFailure: (any Error)?

    /// The size of each buffer handed over.
    let bufferSize: Int

    init(capacity: Int, bufferSize: Int) {
        self.capacity = capacity
        self.bufferSize = bufferSize
    }

    /// A buffer to fill: one the consumer gave back, or a new one, empty with `bufferSize`
    /// reserved.
    func emptyBuffer() -> [UInt8] {
        if var buffer = recycledBuffer() {
            buffer.removeAll(keepingCapacity: true)
            return buffer
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(bufferSize)
        return buffer
    }

    /// A buffer of exactly `bufferSize` bytes to read into: one given back (its old bytes are
    /// overwritten, not cleared first), or a new one.
    func fullSizeBuffer() -> [UInt8] {
        guard var buffer = recycledBuffer() else { return [UInt8](repeating: 0, count: bufferSize) }
        if buffer.count < bufferSize { buffer.append(contentsOf: repeatElement(0, count: bufferSize - buffer.count)) }
        return buffer
    }

    private func recycledBuffer() -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast()
    }

    /// Gives a buffer back for reuse.
    func recycle(_ buffer: [UInt8]) {
        condition.lock()
        if spare.count < capacity + 1 { spare.append(buffer) }
        condition.unlock()
    }

    /// Hands an item over, waiting while the pipe is full.
    /// - Returns: false when the pipe is closed (abandoned, or the consumer failed).
    /// - Throws: the consumer's error, once it has met one.
    @discardableResult
    func put(_ item: Item) throws -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity, !abandoned, consumerFailure == nil { condition.wait() }
        if let consumerFailure { throw consumerFailure }
        if abandoned { return false }
        queue.append(item)
        condition.broadcast()
        return true
    }

    /// Takes the next item, waiting while there is none; nil once abandoned.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty, !abandoned { condition.wait() }
        if abandoned { return nil }
        let item = queue.removeFirst()
        condition.broadcast()
        return item
    }

    /// Records the consumer's error: the producer throws it at its next ``put(_:)``.
    func consumerFailed(_ error: any Error) {
        condition.lock()
        if consumerFailure == nil { consumerFailure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer's error, if it met one.
    var failure: (any Error)? {
        condition.lock()
        defer { condition.unlock() }
        return consumerFailure
    }

    /// Starts the worker thread running `body`; ``waitForWorker()`` returns once it has left.
    func startWorker(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            condition.lock()
            workerDone = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Waits until the worker has left its body.
    func waitForWorker() {
        condition.lock()
        while !workerDone { condition.wait() }
        condition.unlock()
    }

    /// Stops both sides: waiting calls return (nil, false), the queue is dropped. Then waits
    /// for the worker to leave.
    func abandon() {
        condition.lock()
        abandoned = true
        queue.removeAll()
        condition.broadcast()
        condition.unlock()
        waitForWorker()
    }
}

/// Runs another ``ArchiveOutputStream`` on a thread of its own, so that its work (an
/// encryption) overlaps with the compression that feeds it instead of adding to it.
///
/// The blocks the writer hands over are copied into 1 MiB buffers, at most `depth` of them
/// waiting; the inner stream sees the same bytes in the same order, in bigger blocks. An error
/// of the inner stream (a full disk) is thrown by the next ``write(_:)`` or by ``finish()``,
/// as it is. ``finish()`` returns once the inner stream has finished; ``abandon()`` (the
/// writer cancelled or released) stops the thread and waits for it, so the inner stream never
/// writes to a file the writer has closed.
public final class BackgroundOutputStream: ArchiveOutputStream {
    private let pipe: BufferPipe
    private var current: [UInt8]
    private var finished = false

    /// Moves `inner` onto a thread of its own. `inner` must not be used by anyone else from
    /// now on.
    /// - Parameters:
    ///   - inner: The stream whose work moves.
    ///   - depth: How many full buffers may wait for it.
    public init(_ inner: any ArchiveOutputStream, depth: Int = 4) {
        let pipe = BufferPipe(capacity: depth, bufferSize: 1 << 20)
        self.pipe = pipe
        current = pipe.emptyBuffer()
        let owned = UncheckedBox(inner)
        pipe.startWorker(name: "enroll-output-stream") {
            let inner = owned.value
            while let item = pipe.take() {
                switch item {
                case .bytes(let buffer):
                    do {
                        try buffer.withUnsafeBytes { try inner.write($0) }
                    } catch {
                        pipe.consumerFailed(error)
                        return
                    }
                    pipe.recycle(buffer)
                case .end:
                    do {
                        try inner.finish()
                    } catch {
                        pipe.consumerFailed(error)
                    }
                    return
                case .failure:
                    return
                }
            }
        }
    }

    deinit { pipe.abandon() }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "BackgroundOutputStream.write after finish()")
        var offset = 0
        while offset < bytes.count {
            let take = min(pipe.bufferSize - current.count, bytes.count - offset)
            current.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
            offset += take
            if current.count == pipe.bufferSize {
                let full = current
                current = pipe.emptyBuffer()
                try pipe.put(.bytes(full))
            }
        }
    }

    public func finish() throws {
        precondition(!finished, "BackgroundOutputStream.finish called twice")
        finished = true
        if !current.isEmpty {
            try pipe.put(.bytes(current))
            current = []
        }
        try pipe.put(.end)
        pipe.waitForWorker()
        if let failure = pipe.failure { throw failure }
    }

    public func abandon() { pipe.abandon() }
}

/// Reads a source ahead on a thread of its own (a decryption), 1 MiB at a time with at most
/// `depth` buffers waiting, so that its work overlaps with what consumes it.
///
/// ``read(into:)`` returns the source's bytes in order, then 0 at its end; an error of the
/// source is thrown where it happened in the stream, after every byte before it. Released, it
/// stops the thread and waits for it.
public final class ReadAhead {
    private let pipe: BufferPipe
    private var current: [UInt8] = []
    private var offset = 0
    private var ended: (any Error)?
    private var atEnd = false

    /// Starts reading `source` ahead. `source` must not be used by anyone else from now on.
    /// - Parameters:
    ///   - depth: How many full buffers may wait.
    ///   - source: Fills a buffer and returns the count, 0 at the end.
    public init(depth: Int = 4, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        let pipe = BufferPipe(capacity: depth, bufferSize: 1 << 20)
        self.pipe = pipe
        let owned = UncheckedBox(source)
        pipe.startWorker(name: "enroll-read-ahead") {
            let source = owned.value
            while true {
                var buffer = pipe.fullSizeBuffer()
                let size = pipe.bufferSize
                var filled = 0
                var failure: (any Error)?
                buffer.withUnsafeMutableBytes { raw in
                    while filled < size {
                        do {
                            let count = try source(UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                            if count == 0 { break }
                            filled += count
                        } catch {
                            failure = error
                            break
                        }
                    }
                }
                buffer.removeLast(size - filled)
                do {
                    // The bytes read before an error come first: the error keeps its place.
                    if !buffer.isEmpty {
                        guard try pipe.put(.bytes(buffer)) else { return }
                    }
                    if let failure {
                        try pipe.put(.failure(failure))
                        return
                    }
                    if filled < size {
                        try pipe.put(.end)
                        return
                    }
                } catch {
                    return  // Only the consumer fails a put, and this consumer never does.
                }
            }
        }
    }

    deinit { pipe.abandon() }

    /// Copies the next bytes into `buffer`.
    /// - Returns: How many; 0 at the end of the source.
    /// - Throws: The source's error, where it happened.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let ended { throw ended }
        while offset == current.count {
            if atEnd { return 0 }
            if !current.isEmpty { pipe.recycle(current) }
            current = []
            offset = 0
            switch pipe.take() {
            case .bytes(let next)?:
                current = next
            case .end?, nil:
                atEnd = true
                return 0
            case .failure(let error)?:
                ended = error
                throw error
            }
        }
        let count = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}

/// Hands a value that is not `Sendable` to the one thread that uses it from then on.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
