import ArchiveKit
import Foundation
import Synchronization
import Testing

/// The two hand-overs that move a stream's work onto a thread of its own: what goes in comes
/// out in order, byte for byte, and an error keeps its place.
@Suite("Background output stream and read-ahead")
struct BufferPipeTests {
    /// Collects what it is given; fails at the write that would pass `failAfter` bytes.
    final class Collector: ArchiveOutputStream, @unchecked Sendable {
        struct Full: Error, Equatable {}
        let bytes = Mutex<[UInt8]>([])
        let finished = Mutex(false)
        let failAfter: Int?

        init(failAfter: Int? = nil) { self.failAfter = failAfter }

        func write(_ block: UnsafeRawBufferPointer) throws {
            try bytes.withLock { collected in
                if let failAfter, collected.count + block.count > failAfter { throw Full() }
                collected.append(contentsOf: block)
            }
        }

        func finish() throws { finished.withLock { $0 = true } }
    }

    static func pseudoRandom(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test("the inner stream gets every byte in order, then finish, whatever the block sizes")
    func outputKeepsOrder() throws {
        let data = Self.pseudoRandom(5 << 20 + 12345, seed: 7)
        let inner = Collector()
        let stream = BackgroundOutputStream(inner, depth: 2)
        var offset = 0
        var size = 1
        while offset < data.count {
            let take = min(size, data.count - offset)
            try data[offset..<(offset + take)].withUnsafeBytes { try stream.write($0) }
            offset += take
            size = size * 7 % 300_007 + 1
        }
        #expect(!inner.finished.withLock { $0 }, "finish waits for the writer's finish()")
        try stream.finish()
        #expect(inner.finished.withLock { $0 })
        let same = inner.bytes.withLock { $0 == data }
        #expect(same, "\(inner.bytes.withLock { $0.count }) bytes came out of \(data.count)")
    }

    @Test("an error of the inner stream (a full disk) is thrown as it is by a later write or by finish")
    func outputErrorSurfaces() throws {
        let data = Self.pseudoRandom(3 << 20, seed: 9)
        let inner = Collector(failAfter: 1 << 20)
        let stream = BackgroundOutputStream(inner, depth: 1)
        var thrown: (any Error)?
        do {
            for start in stride(from: 0, to: data.count, by: 65536) {
                try data[start..<min(start + 65536, data.count)].withUnsafeBytes { try stream.write($0) }
            }
            try stream.finish()
        } catch {
            thrown = error
        }
        #expect(thrown is Collector.Full, "got \(String(describing: thrown))")
        #expect(inner.bytes.withLock { $0.count } == 1 << 20, "nothing after the failed block")
        #expect(!inner.finished.withLock { $0 })
    }

    @Test("an abandoned stream stops its thread before it returns, with buffers still waiting")
    func abandonStops() throws {
        let inner = Collector()
        let stream = BackgroundOutputStream(inner, depth: 4)
        let block = [UInt8](repeating: 1, count: 3 << 20)
        try block.withUnsafeBytes { try stream.write($0) }
        stream.abandon()
        let seen = inner.bytes.withLock { $0.count }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(inner.bytes.withLock { $0.count } == seen, "nothing is written once abandon() has returned")
        #expect(!inner.finished.withLock { $0 })
    }

    /// A source over bytes that throws after `failAt` bytes.
    static func source(_ data: [UInt8], failAt: Int? = nil) -> (UnsafeMutableRawBufferPointer) throws -> Int {
        let position = Mutex(0)
        return { buffer in
            try position.withLock { offset in
                if let failAt, offset == failAt { throw Collector.Full() }
                let end = min(data.count, offset + buffer.count, failAt ?? Int.max)
                let count = end - offset
                data[offset..<end].withUnsafeBytes { buffer.copyMemory(from: $0) }
                offset = end
                return count
            }
        }
    }

    static func drain(_ ahead: ReadAhead, readSize: Int) -> (bytes: [UInt8], error: (any Error)?) {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: readSize)
        do {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try ahead.read(into: $0) }
                if count == 0 { return (out, nil) }
                out.append(contentsOf: buffer[..<count])
            }
        } catch {
            return (out, error)
        }
    }

    @Test("read-ahead returns the source's bytes in order, then 0", arguments: [1, 4096, 1 << 20, 3 << 20])
    func readAheadKeepsOrder(readSize: Int) {
        let data = Self.pseudoRandom(4 << 20 + 777, seed: 11)
        let result = Self.drain(ReadAhead(depth: 2, source: Self.source(data)), readSize: readSize)
        #expect(result.error == nil)
        let same = result.bytes == data
        #expect(same, "\(result.bytes.count) bytes came out of \(data.count)")
    }

    @Test("a source's error is thrown after exactly the bytes before it, and again on the next read")
    func readAheadErrorKeepsItsPlace() throws {
        let data = Self.pseudoRandom(3 << 20, seed: 13)
        let failAt = (2 << 20) + 100
        let ahead = ReadAhead(depth: 1, source: Self.source(data, failAt: failAt))
        let result = Self.drain(ahead, readSize: 50_000)
        #expect(result.error is Collector.Full)
        let same = result.bytes == Array(data[..<failAt])
        #expect(same, "\(result.bytes.count) bytes before the error, expected \(failAt)")
        var buffer = [UInt8](repeating: 0, count: 10)
        #expect(throws: Collector.Full.self) { try buffer.withUnsafeMutableBytes { try ahead.read(into: $0) } }
    }

    @Test("a read-ahead released before its end stops its thread")
    func readAheadReleased() {
        let data = Self.pseudoRandom(8 << 20, seed: 15)
        let reads = Mutex(0)
        let counting = Self.source(data)
        var ahead: ReadAhead? = ReadAhead(depth: 1) { buffer in
            reads.withLock { $0 += 1 }
            return try counting(buffer)
        }
        var first = [UInt8](repeating: 0, count: 1000)
        _ = try? first.withUnsafeMutableBytes { try ahead!.read(into: $0) }
        ahead = nil
        let after = reads.withLock { $0 }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(reads.withLock { $0 } == after, "the source is not read once the read-ahead is gone")
        #expect(after < 8, "it read at most the buffers it may hold, not the whole source")
    }
}
