import Foundation
import Testing

@testable import ArchiveKit

/// Archives written through an output stream and read from a pull stream: what an encryption
/// needs, shown with a reversible byte transform, so nothing of the plaintext reaches the file.
@Suite("Streams in and out")
struct StreamTests {
    /// XORs every byte with a running key: the file holds none of the zstd stream's bytes.
    final class Scrambler: ArchiveOutputStream {
        let file: (UnsafeRawBufferPointer) throws -> Void
        var position = 0
        var finished = false
        init(_ file: @escaping (UnsafeRawBufferPointer) throws -> Void) { self.file = file }

        func write(_ bytes: UnsafeRawBufferPointer) throws {
            let scrambled = bytes.enumerated().map { $0.element ^ StreamTests.key(position + $0.offset) }
            position += bytes.count
            try scrambled.withUnsafeBytes { try file($0) }
        }

        func finish() throws { finished = true }
    }

    static func key(_ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: index &* 131 &+ 7) | 0x80 }

    struct SourceFailure: Error, Equatable { let at: Int }

    /// A pull source over `bytes`, undoing the scrambling; throws at the end when asked.
    static func source(_ bytes: [UInt8], failAtEnd: Bool = false) -> ArchiveReader.Source {
        var offset = 0
        return { buffer in
            let count = min(buffer.count, bytes.count - offset)
            if count == 0 && failAtEnd { throw SourceFailure(at: offset) }
            for index in 0..<count { buffer[index] = bytes[offset + index] ^ key(offset + index) }
            offset += count
            return count
        }
    }

    func write(_ path: String, scramblers: inout [Scrambler]) throws {
        var made: [Scrambler] = []
        let writer = try ArchiveWriter(creatingAt: path, format: .tarZstd, encoding: ArchiveOutputEncoding { file in
            let scrambler = Scrambler(file)
            made.append(scrambler)
            return scrambler
        })
        try writer.addDirectory("batch")
        try writer.addData("batch/名单.txt", Array("王小明 230102201501011234 13812345678\n".utf8))
        try writer.addData("batch/big.bin", pseudoRandomBytes(count: 300_000))
        try writer.commit()
        scramblers = made
    }

    @Test func anOutputStreamSeesEveryByteAndOnlyItsOutputReachesTheFile() throws {
        let directory = try TemporaryDirectory()
        var scramblers: [Scrambler] = []
        try write(directory.file("a.tar.zst.x"), scramblers: &scramblers)
        try #require(scramblers.count == 1)
        #expect(scramblers[0].finished, "commit finishes the stream")
        let stored = Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("a.tar.zst.x"))))
        #expect(!stored.starts(with: [0x28, 0xB5, 0x2F, 0xFD]), "the zstd magic is not on disk")
        #expect(stored.count == scramblers[0].position)
        #expect(directory.listing() == ["a.tar.zst.x"], "no temporary file is left")

        let reader = try ArchiveReader(streamNamed: "a.tar.zst.x", root: .learnFromFirstEntry, source: Self.source(stored))
        var names: [String] = []
        var list: [UInt8] = []
        while let entry = try reader.next() {
            names.append(entry.path)
            if entry.path.hasSuffix(".txt") { list = try entry.readAll() } else if entry.kind == .file { _ = try entry.readAll() }
        }
        #expect(names == ["batch", "batch/名单.txt", "batch/big.bin"])
        #expect(String(decoding: list, as: UTF8.self).hasPrefix("王小明"))
    }

    @Test func aStreamFailingAfterTheLastEntryFailsTheEndOfTheArchive() throws {
        let directory = try TemporaryDirectory()
        var scramblers: [Scrambler] = []
        try write(directory.file("a.x"), scramblers: &scramblers)
        let stored = Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("a.x"))))
        let reader = try ArchiveReader(streamNamed: "a.x", source: Self.source(stored, failAtEnd: true))
        var thrown: ArchiveError?
        do {
            while try reader.next() != nil {}
        } catch {
            thrown = error
        }
        // Every byte was delivered, but the archive does not end well unless the stream does
        // (libarchive may still be inside the last entry when it asks for more).
        guard case .streamFailed(let entry, let failure) = thrown else {
            Issue.record("expected the stream's failure, got \(String(describing: thrown))")
            return
        }
        #expect(entry == nil || entry == "batch/big.bin")
        #expect(failure == StreamFailure(SourceFailure(at: stored.count)))
    }

    @Test func aStreamFailingInsideAnEntryNamesItAndExtractsNothing() throws {
        let directory = try TemporaryDirectory()
        var scramblers: [Scrambler] = []
        try write(directory.file("a.x"), scramblers: &scramblers)
        let stored = Array(try Data(contentsOf: URL(fileURLWithPath: directory.file("a.x"))))
        let cut = Array(stored.prefix(stored.count / 2))
        let reader = try ArchiveReader(streamNamed: "a.x", root: .learnFromFirstEntry, source: Self.source(cut, failAtEnd: true))
        var thrown: ArchiveError?
        do {
            try ArchiveExtractor.extract(from: reader, to: directory.file("out"))
        } catch {
            thrown = error
        }
        #expect(thrown == .streamFailed(entry: "batch/big.bin", failure: StreamFailure(SourceFailure(at: cut.count))))
        #expect(directory.listing() == ["a.x"], "nothing of the extraction remains")
    }

    @Test func anEncodingIsRefusedForFormatsOtherThanTarZstd() throws {
        let directory = try TemporaryDirectory()
        var thrown: ArchiveError?
        do {
            _ = try ArchiveWriter(creatingAt: directory.file("a.zip"), format: .zip, encoding: ArchiveOutputEncoding { Scrambler($0) })
        } catch {
            thrown = error
        }
        guard case .libarchive(let failure, nil) = thrown else {
            Issue.record("expected a libarchive setup error, got \(String(describing: thrown))")
            return
        }
        #expect(failure.errno == EINVAL)
        #expect(directory.listing() == [])
    }
}
