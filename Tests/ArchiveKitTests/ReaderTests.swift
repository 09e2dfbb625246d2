import CArchive
import Foundation
import Testing

@testable import ArchiveKit

@Suite("ArchiveReader")
struct ReaderTests {
    @Test func namesAreNormalised() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.directory("./"), .directory("./batch/"), .file("./batch/x.txt", "x")])
        let read = try readEverything(archive, root: .learnFromFirstEntry)
        #expect(read.map(\.entry.path) == ["batch", "batch/x.txt"])
        #expect(read.map(\.entry.kind) == [.directory, .file])
        #expect(read[1].entry.size == 1)
    }

    @Test func staleEntryCannotReadLaterData() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("first.txt", "1"), .directory("./"), .file("second.txt", "2")])
        let reader = try ArchiveReader(path: archive)
        let first = try #require(try reader.next())
        let second = try #require(try reader.next())
        #expect(second.path == "second.txt")
        #expect(throws: ArchiveError.entryDataUnavailable(entry: "first.txt")) { try first.readAll() }
        #expect(try second.readAll() == Array("2".utf8))
        #expect(throws: ArchiveError.entryDataUnavailable(entry: "second.txt")) { try second.readAll() }
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func forEachStreamsInChunks() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let big = pseudoRandomBytes(count: 3_000_000)
        let writer = try ArchiveWriter(creatingAt: archive)
        try writer.addData("big.bin", big)
        try writer.addData("small.txt", Array("s".utf8))
        try writer.commit()
        var chunks = 0
        var collected: [UInt8] = []
        try ArchiveReader(path: archive).forEach { entry in
            if entry.path == "big.bin" {
                try entry.readData { chunk in
                    chunks += 1
                    collected.append(contentsOf: chunk)
                }
            }
            // small.txt is skipped without reading: next() drains it through the checks.
        }
        #expect(collected == big)
        #expect(chunks > 1)
    }

    @Test func missingFileIsReported() throws {
        #expect {
            _ = try ArchiveReader(path: "/nonexistent/archive.tar.zst")
        } throws: { error in
            guard case .corruptArchive(nil, let failure) = error as? ArchiveError else { return false }
            return failure.errno == ENOENT
        }
    }
}
