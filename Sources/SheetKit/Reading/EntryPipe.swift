import ArchiveKit
import Foundation

/// Turns the data of one archive entry, which ArchiveKit pushes to a callback
/// (``ArchiveKit/ArchiveEntry/readData(_:)``), into bytes that libxml2's reader pulls
/// (``XMLKit/XMLReader``'s source), without a temporary file and in bounded memory.
///
/// A worker thread runs `readData` and queues copies of the chunks it gets; ``read(into:)``,
/// called by libxml2 on the caller's thread, takes them out. At most ``capacity`` bytes wait
/// in the queue: the worker blocks until the reader catches up. ``close()`` stops the worker
/// (its callback throws, which ends `readData`) and waits for it to finish, so once it
/// returns the archive reader is again used by one thread only. Every refusal ArchiveKit
/// raises while streaming (a zip bomb's compression ratio, an entry larger than its limit, a
/// truncated file) reaches the caller as the error ``read(into:)`` throws.
///
/// `@unchecked Sendable` because its state is shared by the worker and the caller, every
/// access under `condition` (an `NSCondition`). The entry itself travels to the worker in a
/// ``Handoff``: the caller does not touch its archive reader until ``close()`` has joined
/// the worker.
final class EntryPipe: @unchecked Sendable {
    /// Most bytes queued between the worker and the reader: 1 MiB.
    static let capacity = 1 << 20

    private struct Cancelled: Error {}

    /// Carries the (non-Sendable) entry to the worker thread; see the type's comment.
    private struct Handoff: @unchecked Sendable {
        let entry: ArchiveEntry
    }

    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var head = 0
    private var offset = 0
    private var queued = 0
    private var ended = false
    private var failure: (any Error)?
    private var cancelled = false
    private var workerDone = false

    /// Starts streaming `entry` on a new thread. The owner must call ``close()`` when done:
    /// the running worker keeps the pipe alive until then.
    init(_ entry: ArchiveEntry) {
        let handoff = Handoff(entry: entry)
        let thread = Thread { [self] in
            do {
                try handoff.entry.readData { chunk in try self.push(chunk) }
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.name = "SheetKit entry reader"
        thread.start()
    }

    /// Copies the entry's next bytes into `buffer`; 0 at its end.
    /// - Throws: the error that ended the entry's data early (an ``ArchiveKit/ArchiveError``).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !ended {
            condition.wait()
        }
        if head == chunks.count {
            if let failure, !(failure is Cancelled) { throw failure }
            return 0
        }
        let chunk = chunks[head]
        let count = min(buffer.count, chunk.count - offset)
        chunk.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        queued -= count
        if offset == chunk.count {
            chunks[head] = []
            head += 1
            offset = 0
            if head > 64 {
                chunks.removeFirst(head)
                head = 0
            }
        }
        condition.broadcast()
        return count
    }

    /// Stops the worker if it is still streaming and waits until it has finished.
    func close() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while !workerDone {
            condition.wait()
        }
        chunks = []
        head = 0
        queued = 0
        condition.unlock()
    }

    // MARK: The worker's side

    private func push(_ chunk: UnsafeRawBufferPointer) throws {
        condition.lock()
        defer { condition.unlock() }
        while queued >= Self.capacity && !cancelled {
            condition.wait()
        }
        if cancelled { throw Cancelled() }
        chunks.append(Array(chunk))
        queued += chunk.count
        condition.broadcast()
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        failure = error
        ended = true
        workerDone = true
        condition.broadcast()
        condition.unlock()
    }
}
