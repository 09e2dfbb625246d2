import CArchive
import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

@Suite("ArchiveWriter")
struct WriterTests {
    @Test func refusesExistingTarget() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("out.tar.zst")
        try Data("precious".utf8).write(to: URL(fileURLWithPath: target))
        #expect(throws: ArchiveError.targetExists(path: target)) {
            _ = try ArchiveWriter(creatingAt: target)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("precious".utf8))
        #expect(dir.listing() == ["out.tar.zst"])
    }

    @Test func targetAppearingBeforeCommitIsNotReplaced() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("out.zip")
        let writer = try ArchiveWriter(creatingAt: target, format: .zip)
        try writer.addData("a.txt", Array("new".utf8))
        try Data("precious".utf8).write(to: URL(fileURLWithPath: target))
        #expect(throws: ArchiveError.targetExists(path: target)) { try writer.commit() }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data("precious".utf8))
    }

    @Test("dropping a writer without commit leaves nothing", arguments: ArchiveFormat.allCases)
    func droppedWithoutCommit(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("dropped\(format)")
        let target = dir.file("out." + format.fileExtension)
        do {
            let writer = try ArchiveWriter(creatingAt: target, format: format)
            try writer.addDirectory("batch")
            try writer.addData("batch/a.bin", pseudoRandomBytes(count: 3_000_000))
            // While writing, only the hidden temporary file exists, never the target.
            #expect(!POSIX.exists(target))
            let listing = dir.listing()
            #expect(listing.count == 1 && listing[0].hasPrefix(".out.") && listing[0].contains(".partial-"))
        }
        #expect(dir.listing().isEmpty)
    }

    @Test func cancelRemovesTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        let writer = try ArchiveWriter(creatingAt: dir.file("out.tar.gz"), format: .tarGzip)
        try writer.addData("a.txt", [1, 2, 3])
        writer.cancel()
        #expect(dir.listing().isEmpty)
        #expect(throws: ArchiveError.writerClosed(path: dir.file("out.tar.gz"))) { try writer.addData("b.txt", []) }
    }

    @Test("a committed archive is complete and alone", arguments: ArchiveFormat.allCases)
    func committedArchiveIsComplete(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("committed\(format)")
        let target = dir.file("out." + format.fileExtension)
        let writer = try ArchiveWriter(creatingAt: target, format: format)
        try writer.addDirectory("batch")
        for index in 0..<50 {
            try writer.addData("batch/file\(index).txt", Array("content \(index)".utf8))
        }
        try writer.commit()
        #expect(dir.listing() == ["out." + format.fileExtension])
        let read = try readEverything(target, root: .named("batch"))
        #expect(read.count == 51)
        #expect(read.last.map { String(decoding: $0.bytes, as: UTF8.self) } == "content 49")
        #expect(throws: ArchiveError.writerClosed(path: target)) { try writer.addData("batch/late.txt", []) }
        #expect(throws: ArchiveError.writerClosed(path: target)) { try writer.commit() }
    }

    @Test func refusesNamesTheReaderWouldRefuse() throws {
        let dir = try TemporaryDirectory()
        let writer = try ArchiveWriter(creatingAt: dir.file("out.tar.zst"))
        #expect(throws: ArchiveError.unsafePath(entry: "../x", problem: .parentComponent)) { try writer.addData("../x", []) }
        #expect(throws: ArchiveError.unsafePath(entry: "/etc/x", problem: .absolute)) { try writer.addData("/etc/x", []) }
        try writer.addData("a.txt", [])
        #expect(throws: ArchiveError.duplicateEntry(entry: "a.txt")) { try writer.addData("a.txt", []) }
        #expect(throws: ArchiveError.nameCollision(entry: "A.TXT", earlier: "a.txt")) { try writer.addData("A.TXT", []) }
        // A refused name does not spoil the writer.
        try writer.addData("b.txt", [1])
        try writer.commit()
        #expect(try readEverything(dir.file("out.tar.zst")).map(\.entry.path) == ["a.txt", "b.txt"])
    }

    @Test func addFileRefusesSymlinkAndDirectory() throws {
        let dir = try TemporaryDirectory()
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir.file("real.txt")))
        #expect(symlink(dir.file("real.txt"), dir.file("link.txt")) == 0)
        let writer = try ArchiveWriter(creatingAt: dir.file("out.tar.zst"))
        #expect(throws: ArchiveError.sourceNotRegularFile(path: dir.file("link.txt"))) {
            try writer.addFile("link.txt", contentsOf: dir.file("link.txt"))
        }
        #expect(throws: ArchiveError.sourceNotRegularFile(path: dir.path)) {
            try writer.addFile("dir", contentsOf: dir.path)
        }
    }

    @Test func streamWithWrongSizeFails() throws {
        let dir = try TemporaryDirectory()
        let writer = try ArchiveWriter(creatingAt: dir.file("out.tar.zst"))
        var sent = false
        #expect(throws: ArchiveError.sourceSizeChanged(entry: "s.bin", expected: 10, actual: 4)) {
            try writer.addStream("s.bin", size: 10) {
                if sent { return nil }
                sent = true
                return [1, 2, 3, 4]
            }
        }
        // The writer is unusable afterwards and leaves nothing behind.
        #expect(throws: ArchiveError.writerClosed(path: dir.file("out.tar.zst"))) { try writer.commit() }
        writer.cancel()
        #expect(dir.listing().isEmpty)
    }

    @Test func zipStoresUTF8Flag() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("names.zip")
        let writer = try ArchiveWriter(creatingAt: target, format: .zip)
        try writer.addData("附件/户口本.jpg", [1, 2, 3])
        try writer.commit()
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: target)))
        // Local file header: signature, version, then the general purpose flags (bit 11).
        #expect(Array(bytes[0..<4]) == [0x50, 0x4B, 0x03, 0x04])
        #expect(bytes[7] & 0x08 != 0, "language encoding flag (bit 11) set")
        #expect(try readEverything(target).map(\.entry.path) == ["附件/户口本.jpg"])
    }
}

@Suite("ArchiveExtractor")
struct ExtractorTests {
    @Test func refusesExistingDestination() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let writer = try ArchiveWriter(creatingAt: archive)
        try writer.addData("a.txt", [1])
        try writer.commit()
        try FileManager.default.createDirectory(atPath: dir.file("dest"), withIntermediateDirectories: false)
        #expect(throws: ArchiveError.destinationExists(path: dir.file("dest"))) {
            try ArchiveExtractor.extract(from: archive, to: dir.file("dest"))
        }
        #expect(dir.listing() == ["a.tar.zst", "dest"])
    }

    @Test func refusalAfterGoodEntriesRemovesEverything() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [
            .directory("batch"), .file("batch/one.txt", "1"), .directory("batch/sub"), .file("batch/sub/two.txt", "2"),
            RawEntry(name: Array("batch/sub/evil".utf8), type: enroll_AE_IFLNK, symlink: "../../.."),
        ])
        expectRefusal("symlink after good entries", archive: archive, in: dir, entry: "batch/sub/evil") {
            if case .unsupportedEntryType(_, .symlink) = $0 { true } else { false }
        }
    }

    @Test func modesAreMasked() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.zip")
        try buildRawZip(at: archive, [RawZipEntry(name: Array("setuid.sh".utf8), data: Array("#!/bin/sh".utf8), unixMode: 0o104777)])
        try ArchiveExtractor.extract(from: archive, to: dir.file("dest"))
        var info = stat()
        #expect(stat(dir.file("dest/setuid.sh"), &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o777)
    }

    @Test func rootEntryAndFilesWithoutDirectoryEntries() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.gz")
        try buildRawArchive(at: archive, filter: .gzip, [.directory("./"), .file("./x/y/z.txt", "deep")])
        let extracted = try ArchiveExtractor.extract(from: archive, to: dir.file("dest"))
        #expect(extracted == ["x/y/z.txt"])
        #expect(try String(contentsOfFile: dir.file("dest/x/y/z.txt"), encoding: .utf8) == "deep")
    }
}

@Suite("Writer and extractor performance paths")
struct FastPathTests {
    /// Records what an ``ExtractionObserver`` is told.
    final class Recorder: ExtractionObserver {
        var events: [String] = []
        var bytes: [String: [UInt8]] = [:]
        private var current: String?

        func willExtract(_ entry: ArchiveEntry) {
            events.append("will " + entry.path)
            current = entry.path
        }

        func didWrite(_ block: UnsafeRawBufferPointer) {
            bytes[current!, default: []].append(contentsOf: block)
        }

        func didExtract(_ entry: ArchiveEntry) {
            events.append("did " + entry.path)
            current = nil
        }
    }

    @Test func multiThreadedZstdWithWritebackIsAStandardStream() throws {
        let dir = try TemporaryDirectory()
        // 10 × 6 MB of incompressible data: several zstd jobs and more than three 16 MiB
        // write-back windows, so both the started and the waited-for ranges are exercised.
        let block = pseudoRandomBytes(count: 6_000_000)
        let archive = dir.file("big.tar.zst")
        var progress: [Int64] = []
        let writer = try ArchiveWriter(creatingAt: archive, format: .tarZstd, compressionThreads: 2) { progress.append($0) }
        try writer.addDirectory("big")
        for index in 0..<10 {
            var copy = block
            copy[index] ^= 0xFF
            try writer.addData("big/part\(index).bin", copy)
        }
        try writer.commit()
        #expect(progress == progress.sorted(), "progress only grows")
        var info = stat()
        #expect(stat(archive, &info) == 0 && Int64(info.st_size) == progress.last)
        #expect(info.st_size > 3 * 16 << 20)

        let read = try readEverything(archive)
        #expect(read.map(\.entry.path) == ["big"] + (0..<10).map { "big/part\($0).bin" })
        for (index, file) in read.dropFirst().enumerated() {
            var expected = block
            expected[index] ^= 0xFF
            #expect(file.bytes == expected, "part \(index) differs")
        }
        let test = try runTool("zstd", ["-t", "-q", archive])
        #expect(test.status == 0, "zstd -t: \(test.output)")
    }

    @Test func addFileShowsTheObserverEveryByteArchived() throws {
        let dir = try TemporaryDirectory()
        let bytes = pseudoRandomBytes(count: 3_000_000)
        try Data(bytes).write(to: URL(fileURLWithPath: dir.file("source.bin")))
        let writer = try ArchiveWriter(creatingAt: dir.file("a.tar.gz"), format: .tarGzip)
        var seen: [UInt8] = []
        try writer.addFile("a/source.bin", contentsOf: dir.file("source.bin")) { seen.append(contentsOf: $0) }
        try writer.commit()
        #expect(seen == bytes)
        #expect(try readEverything(dir.file("a.tar.gz")).first?.bytes == bytes)
    }

    @Test func observerSeesEachEntryAndExactlyTheBytesWritten() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let big = pseudoRandomBytes(count: 2_500_000)
        let writer = try ArchiveWriter(creatingAt: archive)
        try writer.addDirectory("batch")
        try writer.addData("batch/empty.txt", [UInt8]())
        try writer.addDirectory("batch/sub")
        try writer.addData("batch/sub/big.bin", big)
        try writer.addData("batch/sub/small.txt", Array("小".utf8))
        try writer.commit()

        let recorder = Recorder()
        try ArchiveExtractor.extract(from: archive, to: dir.file("dest"), observer: recorder)
        #expect(recorder.events == [
            "will batch", "did batch", "will batch/empty.txt", "did batch/empty.txt", "will batch/sub", "did batch/sub",
            "will batch/sub/big.bin", "did batch/sub/big.bin", "will batch/sub/small.txt", "did batch/sub/small.txt",
        ])
        #expect(recorder.bytes["batch/sub/big.bin"] == big)
        #expect(recorder.bytes["batch/sub/small.txt"] == Array("小".utf8))
        #expect(recorder.bytes["batch/empty.txt"] == nil)
        for (path, bytes) in recorder.bytes {
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("dest/" + path)))) == bytes, "\(path) on disk")
        }
    }

    @Test func inPlaceExtractionWritesStraightIntoTheDestinationAndRemovesItOnRefusal() throws {
        let dir = try TemporaryDirectory()
        let good = dir.file("good.tar")
        try buildRawArchive(at: good, [.directory("batch"), .file("batch/one.txt", "1"), .file("batch/sub/two.txt", "2")])
        final class Watcher: ExtractionObserver {
            let destination: String
            var presentWhileExtracting: [Bool] = []
            init(_ destination: String) { self.destination = destination }
            func willExtract(_ entry: ArchiveEntry) {}
            func didWrite(_ block: UnsafeRawBufferPointer) {}
            func didExtract(_ entry: ArchiveEntry) {
                presentWhileExtracting.append(FileManager.default.fileExists(atPath: destination + "/" + entry.path))
            }
        }
        let watcher = Watcher(dir.file("dest"))
        try ArchiveExtractor.extract(from: good, to: dir.file("dest"), inPlace: true, observer: watcher)
        #expect(watcher.presentWhileExtracting == [true, true, true], "files are at their final paths at once")
        let extracted = ["dest", "dest/batch", "dest/batch/one.txt", "dest/batch/sub", "dest/batch/sub/two.txt"]
        #expect(dir.listing() == extracted + ["good.tar"], "no staging directory beside it")
        #expect(try String(contentsOfFile: dir.file("dest/batch/sub/two.txt"), encoding: .utf8) == "2")

        let bad = dir.file("bad.tar")
        try buildRawArchive(at: bad, [
            .directory("batch"), .file("batch/one.txt", "1"),
            RawEntry(name: Array("batch/evil".utf8), type: enroll_AE_IFLNK, symlink: "/etc"),
        ])
        #expect(throws: ArchiveError.self) {
            try ArchiveExtractor.extract(from: bad, to: dir.file("bad-dest"), inPlace: true)
        }
        #expect(dir.listing() == ["bad.tar"] + extracted + ["good.tar"], "a refused in-place extraction leaves nothing")
    }
}
