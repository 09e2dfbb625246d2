import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed-size read-ahead buffer over a pull source, for the decryptor.
///
/// It holds at most `capacity` bytes, reads from the source only when more are needed, and
/// never calls the source again once it has reported the end (returned 0).
struct InputBuffer {
    /// Fills the front of the buffer it is given and returns how many bytes it wrote; 0 at end.
    typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    /// What ``nextLine(maximumLength:)`` found.
    enum Line {
        /// A complete line, without its LF.
        case line([UInt8])
        /// No LF within the maximum length; the bytes looked at.
        case tooLong([UInt8])
        /// The input ended before an LF; the bytes of the unfinished line.
        case endOfInput([UInt8])
    }

    private let source: Source
    private var storage: [UInt8]
    private var start = 0
    private var end = 0
    /// Whether the source has reported the end of input.
    private(set) var atEnd = false
    /// How many bytes of the input were taken off the buffer so far (consumed or read as
    /// lines): the offset in the input of the first buffered byte.
    private(set) var position: Int64 = 0

    /// Creates a buffer of `capacity` bytes over `source`.
    init(capacity: Int, source: @escaping Source) {
        self.source = source
        self.storage = [UInt8](repeating: 0, count: capacity)
    }

    /// The number of bytes buffered.
    var count: Int { end - start }

    /// Reads until at least `wanted` bytes are buffered or the input ends.
    /// - Parameter wanted: At most the buffer's capacity.
    /// - Throws: Whatever the source throws.
    mutating func fill(_ wanted: Int) throws {
        precondition(wanted <= storage.count)
        guard count < wanted, !atEnd else { return }
        if storage.count - start < wanted {
            let buffered = count
            storage.withUnsafeMutableBytes { raw in
                _ = memmove(raw.baseAddress!, raw.baseAddress! + start, buffered)
            }
            start = 0
            end = buffered
        }
        let source = self.source
        while count < wanted, !atEnd {
            let free = end
            let got = try storage.withUnsafeMutableBytes { raw in
                try source(UnsafeMutableRawBufferPointer(rebasing: raw[free...]))
            }
            precondition(got >= 0 && got <= storage.count - free, "AgeDecryptor source returned \(got) bytes")
            if got == 0 { atEnd = true } else { end += got }
        }
    }

    /// Calls `body` with the first `length` buffered bytes (`length <= count`).
    func withBytes<Result>(_ length: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        precondition(length <= count)
        return try storage.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)]))
        }
    }

    /// The first buffered bytes, up to `limit`, as an array.
    func peek(_ limit: Int) -> [UInt8] {
        Array(storage[start..<(start + min(limit, count))])
    }

    /// Drops the first `length` buffered bytes.
    mutating func consume(_ length: Int) {
        precondition(length <= count)
        start += length
        position += Int64(length)
    }

    /// Takes the next line (up to LF) off the buffer.
    /// - Parameter maximumLength: The longest line accepted, without its LF; less than the capacity.
    /// - Throws: Whatever the source throws.
    mutating func nextLine(maximumLength: Int) throws -> Line {
        var scanned = 0
        while true {
            if let newline = storage[(start + scanned)..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let length = newline - start
                guard length <= maximumLength else { return .tooLong(peek(maximumLength)) }
                let line = Array(storage[start..<newline])
                position += Int64(newline + 1 - start)
                start = newline + 1
                return .line(line)
            }
            scanned = count
            if scanned > maximumLength { return .tooLong(peek(maximumLength)) }
            if atEnd {
                let partial = peek(count)
                position += Int64(count)
                start = end
                return .endOfInput(partial)
            }
            try fill(count + 1)
        }
    }
}
