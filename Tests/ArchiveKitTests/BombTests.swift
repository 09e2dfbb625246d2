import Foundation
import Testing

@testable import ArchiveKit

/// Decompression bombs: 1 GiB of zeros, streamed through the writer without ever being
/// held in memory, compressed to a few hundred KiB (zstd) or about 1 MiB (gzip).
@Suite("Decompression bombs", .serialized)
struct BombTests {
    static let bombSize: Int64 = 1 << 30

    func buildBomb(_ format: ArchiveFormat, in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("bomb." + format.fileExtension)
        let writer = try ArchiveWriter(creatingAt: path, format: format)
        try writer.addDirectory("batch")
        try writer.addData("batch/readme.txt", Array("hello".utf8))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = Self.bombSize
        try writer.addStream("batch/zeros.bin", size: Self.bombSize) {
            guard remaining > 0 else { return nil }
            remaining -= Int64(zeros.count)
            return zeros
        }
        try writer.commit()
        return path
    }

    @Test("a 1 GiB entry is refused from its header under the default limits", arguments: [ArchiveFormat.tarZstd, .tarGzip])
    func refusedBySizeLimit(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("bombSize\(format)")
        let bomb = try buildBomb(format, in: dir)
        var info = stat()
        #expect(stat(bomb, &info) == 0)
        print("[bomb] \(format): 1 GiB of zeros compressed to \(info.st_size) bytes")
        expectRefusal("\(format) bomb, default limits", archive: bomb, in: dir, entry: "batch/zeros.bin") {
            if case .entryTooLarge(_, Self.bombSize, _) = $0 { true } else { false }
        }
    }

    @Test("with a large entry limit the ratio check stops the stream", arguments: [ArchiveFormat.tarZstd, .tarGzip])
    func refusedByRatio(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("bombRatio\(format)")
        let bomb = try buildBomb(format, in: dir)
        let limits = ArchiveLimits(maxEntrySize: 4 << 30)
        var produced = 0
        let reader = try ArchiveReader(path: bomb, limits: limits)
        var refusal: ArchiveError?
        do {
            while let entry = try reader.next() {
                try entry.readData { produced += $0.count }
            }
        } catch let error as ArchiveError {
            refusal = error
        }
        print("[bomb] \(format) ratio: \(String(describing: refusal)); \(produced) bytes handed out")
        guard case .compressionRatioExceeded(let entry, let uncompressed, let compressed, 200) = refusal else {
            Issue.record("expected a ratio refusal, got \(String(describing: refusal))")
            return
        }
        #expect(entry == "batch/zeros.bin")
        #expect(Double(uncompressed) > 200 * Double(compressed))
        // Stopped early: far less than the 1 GiB the entry would produce.
        #expect(produced < 256 << 20)
        // The reader stays poisoned.
        #expect(throws: ArchiveError.self) { try reader.next() }
        // Nothing was ever materialised: the process stayed far below 1 GiB.
        #expect(peakResidentBytes() < 512 << 20, "peak RSS \(peakResidentBytes())")

        expectRefusal("\(format) bomb, ratio", archive: bomb, in: dir, entry: "batch/zeros.bin", limits: limits) {
            if case .compressionRatioExceeded = $0 { true } else { false }
        }
    }

    @Test("skipping a bomb's data with next() is checked too")
    func skippingIsChecked() throws {
        let dir = try TemporaryDirectory()
        let bomb = try buildBomb(.tarZstd, in: dir)
        let reader = try ArchiveReader(path: bomb, limits: ArchiveLimits(maxEntrySize: 4 << 30))
        #expect(throws: ArchiveError.self) {
            while try reader.next() != nil {}
        }
    }
}
