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
