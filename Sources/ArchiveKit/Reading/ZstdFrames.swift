import CArchive
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Where the zstd frames of a compressed file begin, found without decompressing anything.
///
/// A zstd stream may be a series of independent frames (RFC 8878 §3.1); ``ArchiveWriter``
/// ends one at entry boundaries (``ArchiveWriter/markSplitPoint()``) so that a reader can
/// start decompressing at any frame, and several threads can each extract a part of the
/// archive. The frames are walked from the start through their headers and block headers
/// only (3 bytes per block of up to 128 KiB), in small buffered reads, so the walk costs a
/// few milliseconds per gigabyte and stays linear in the file size whatever the file holds.
/// It reads through ``RandomAccessBytes/readForPlanning(at:into:)``: an encrypted archive's
/// plaintext view decrypts just the windows the walk looks at, without authenticating them,
/// and the parts then authenticate every byte they extract.
///
/// The walk is a plan, not a check: anything it does not understand (not zstd, a reserved
/// bit or block type, a frame running past the end, bytes after the last frame) makes it
/// give up, and the caller reads the archive sequentially, where the decompressor reports
/// the damage properly.
enum ZstdFrames {
    /// The largest block a valid frame may hold (RFC 8878 §3.1.1.2.4).
    private static let maxBlockSize = 128 << 10

    /// The most frames followed (64 Ki; enroll's frames hold 16 MiB, so 1 TiB of archive):
    /// beyond it the walk gives up, so a file of tiny frames cannot make the list large.
    static let maxFrames = 1 << 16

    /// The offsets at which the file's zstd frames start (skippable frames are walked but
    /// are not split points), and the file's size.
    ///
    /// - Returns: nil when the file is not a zstd stream that ends exactly after its last
    ///   frame, holds more than ``maxFrames`` frames, or cannot be read.
    static func starts(ofFileAt path: String) -> (starts: [Int64], size: Int64)? {
        guard let bytes = try? ArchiveFileBytes(path: path) else { return nil }
        return starts(of: bytes)
    }

    /// The offsets at which the zstd frames of `bytes` start, read through
    /// ``RandomAccessBytes/readForPlanning(at:into:)``; as ``starts(ofFileAt:)``.
    static func starts(of bytes: any RandomAccessBytes) -> (starts: [Int64], size: Int64)? {
        var reader = WindowReader(bytes: bytes)
        var starts: [Int64] = []
        var offset: Int64 = 0
        while offset < reader.size {
            guard let magic = reader.littleEndian(at: offset, count: 4) else { return nil }
            if magic & UInt64(ZSTD_MAGIC_SKIPPABLE_MASK) == UInt64(ZSTD_MAGIC_SKIPPABLE_START) {
                guard let length = reader.littleEndian(at: offset + 4, count: 4) else { return nil }
                offset += 8 + Int64(length)
                continue
            }
            guard magic == UInt64(ZSTD_MAGICNUMBER), starts.count < maxFrames,
                let end = frameEnd(&reader, start: offset)
            else { return nil }
            starts.append(offset)
            offset = end
        }
        guard offset == reader.size, !starts.isEmpty else { return nil }
        return (starts, reader.size)
    }

    /// Cuts the file into at most `parts` ranges of about equal compressed size, each
    /// starting at a frame start; nil when fewer than two parts result.
    static func segments(ofFileAt path: String, parts: Int) -> [Range<Int64>]? {
        guard parts > 1, let bytes = try? ArchiveFileBytes(path: path) else { return nil }
        return segments(of: bytes, parts: parts)
    }

    /// As ``segments(ofFileAt:parts:)``, for any bytes.
    static func segments(of bytes: any RandomAccessBytes, parts: Int) -> [Range<Int64>]? {
        guard parts > 1, let (starts, size) = starts(of: bytes), starts.count > 1 else { return nil }
        var cuts: [Int64] = [0]
        for part in 1..<parts {
            let target = size * Int64(part) / Int64(parts)
            // The frame start nearest the target, after the previous cut.
            let candidates = starts.filter { $0 > cuts.last! }
            guard let nearest = candidates.min(by: { abs($0 - target) < abs($1 - target) }) else { break }
            cuts.append(nearest)
        }
        cuts = Array(Set(cuts)).sorted()
        guard cuts.count > 1 else { return nil }
        return zip(cuts, cuts.dropFirst() + [size]).map { $0..<$1 }
    }

    /// The offset just past the frame starting at `start`, or nil if its headers are invalid.
    private static func frameEnd(_ reader: inout WindowReader, start: Int64) -> Int64? {
        guard let descriptor = reader.littleEndian(at: start + 4, count: 1) else { return nil }
        let contentSizeFlag = Int(descriptor >> 6)
        let singleSegment = descriptor & 0x20 != 0
        let reserved = descriptor & 0x08 != 0
        let hasChecksum = descriptor & 0x04 != 0
        let dictionaryIDBytes = [0, 1, 2, 4][Int(descriptor & 0x03)]
        guard !reserved else { return nil }
        let contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]
        var offset = start + 5 + (singleSegment ? 0 : 1) + Int64(dictionaryIDBytes + contentSizeBytes)
        while true {
            guard let header = reader.littleEndian(at: offset, count: 3) else { return nil }
            let isLast = header & 1 != 0
            let type = (header >> 1) & 3
            let size = Int(header >> 3)
            guard type != 3, size <= maxBlockSize else { return nil }
            // Raw and compressed blocks hold `size` bytes; an RLE block holds one byte.
            offset += 3 + Int64(type == 1 ? 1 : size)
            if isLast { break }
        }
        offset += hasChecksum ? 4 : 0
        return offset <= reader.size ? offset : nil
    }
}

/// Reads small pieces of the bytes through a 4 KiB window: a walk over headers a few bytes
/// long costs one planning read per window, not one per header.
private struct WindowReader {
    let bytes: any RandomAccessBytes
    let size: Int64
    private var window = [UInt8](repeating: 0, count: 4096)
    private var windowStart: Int64 = -1
    private var windowCount = 0

    init(bytes: any RandomAccessBytes) {
        self.bytes = bytes
        size = bytes.count
    }

    /// The `count` (≤ 8) bytes at `offset` as a little-endian number, or nil past the end.
    mutating func littleEndian(at offset: Int64, count: Int) -> UInt64? {
        guard offset >= 0, offset + Int64(count) <= size else { return nil }
        if offset < windowStart || offset + Int64(count) > windowStart + Int64(windowCount) {
            // A failed read ends the walk.
            let bytes = self.bytes
            let read = window.withUnsafeMutableBytes { raw in (try? bytes.readForPlanning(at: offset, into: raw)) ?? 0 }
            guard read >= count else { return nil }
            windowStart = offset
            windowCount = read
        }
        let base = Int(offset - windowStart)
        var value: UInt64 = 0
        for index in (0..<count).reversed() { value = value << 8 | UInt64(window[base + index]) }
        return value
    }
}
