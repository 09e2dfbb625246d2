import Foundation
import Testing

@testable import ArchiveKit

/// Decompression bombs: 1 GiB of zeros, streamed through the writer without ever being
/// held in memory, compressed to a few hundred KiB (zstd) or about 1 MiB (gzip).
@Suite("Decompression bombs", .serialized)
struct BombTests {
    static let bombSize: Int64 = 1 << 30

    func buildBomb(_ format: ArchiveFormat, size: Int64 = bombSize, in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("bomb." + format.fileExtension)
        let writer = try ArchiveWriter(creatingAt: path, format: format)
        try writer.addDirectory("batch")
        try writer.addData("batch/readme.txt", Array("hello".utf8))
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        var remaining = size
        try writer.addStream("batch/zeros.bin", size: size) {
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

        // Nothing was materialised: read in a process of its own, where the reader is all
        // that runs (in this process the other suites run too, and ru_maxrss is the peak of
        // the whole run), the bomb is refused the same way within the memory bound.
        let report = try HelperReport.readArchive(bomb, maxEntrySize: limits.maxEntrySize)
        print("[bomb] \(format) ratio, in a helper process: \(report)")
        #expect(report.refusal == "compressionRatioExceeded" && report.entry == "batch/zeros.bin")
        #expect(report.handedOut == produced)
        #expect(report.peakResidentBytes < Self.readerMemoryBound, "peak RSS \(report.peakResidentBytes) bytes")

        expectRefusal("\(format) bomb, ratio", archive: bomb, in: dir, entry: "batch/zeros.bin", limits: limits) {
            if case .compressionRatioExceeded = $0 { true } else { false }
        }
    }

    /// The most memory a process that only reads an archive may use: its baseline (about
    /// 22 MiB: the Swift runtime, Foundation, libarchive and zstd buffers) plus headroom, far
    /// below the entries read here. Measured by ``HelperReport/readArchive(_:maxEntrySize:maxRatio:keep:)``
    /// in a process of its own, as its `VmHWM`.
    static let readerMemoryBound = 64 << 20

    @Test("a 160 MiB entry streams through the reader in bounded memory, and holding it would show")
    func streamingMemory() throws {
        let dir = try TemporaryDirectory()
        let size: Int64 = 160 << 20
        let archive = try buildBomb(.tarZstd, size: size, in: dir)
        // No ratio limit, so every byte of the entry is decompressed and handed out.
        let streaming = try HelperReport.readArchive(archive, maxEntrySize: size, maxRatio: 1e12)
        let holding = try HelperReport.readArchive(archive, maxEntrySize: size, maxRatio: 1e12, keep: true)
        print("[bomb] 160 MiB streaming: \(streaming); holding: \(holding)")
        #expect(streaming.refusal == nil && holding.refusal == nil)
        #expect(streaming.handedOut == Int(size) + 5 && holding.handedOut == streaming.handedOut)
        #expect(streaming.peakResidentBytes < Self.readerMemoryBound, "peak RSS \(streaming.peakResidentBytes) bytes")
        // The counter-example: a reader that kept what it handed out. Its peak grows by most of the
        // entry's size and the bound catches it, so the measurement is of the reading alone.
        #expect(holding.peakResidentBytes >= streaming.peakResidentBytes + Int(size) * 9 / 10)
        #expect(holding.peakResidentBytes > Self.readerMemoryBound)
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

/// What `enroll-testhelper read-archive` reports (see Sources/enroll-testhelper/main.swift).
struct HelperReport: Decodable, CustomStringConvertible {
    var handedOut: Int
    var peakResidentBytes: Int
    var refusal: String?
    var entry: String?
    var message: String?

    var description: String {
        "\(refusal ?? "no refusal") at \(entry ?? "-"), \(handedOut) bytes handed out, peak RSS \(peakResidentBytes >> 20) MiB"
    }

    /// The helper, built beside this test bundle (`swift build --build-tests` builds both).
    static var helper: String {
        get throws {
            let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            let path = exe.deletingLastPathComponent().appendingPathComponent("enroll-testhelper").path
            try #require(FileManager.default.isExecutableFile(atPath: path), "\(path) is missing; run swift build --build-tests")
            return path
        }
    }

    /// Runs `enroll-testhelper read-archive` on `archive` and decodes its report.
    static func readArchive(_ archive: String, maxEntrySize: Int64, maxRatio: Double? = nil, keep: Bool = false) throws -> HelperReport {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try helper)
        process.arguments = ["read-archive", archive, "--max-entry-size", String(maxEntrySize)]
            + (maxRatio.map { ["--max-ratio", String($0)] } ?? []) + (keep ? ["--keep"] : [])
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "enroll-testhelper exited with \(process.terminationStatus)")
        return try JSONDecoder().decode(HelperReport.self, from: data)
    }
}
