import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

@Suite("Round trips through every format")
struct RoundTripTests {
    /// The source tree: nested directories, a 5 MB file, an empty file, Chinese names.
    static let files: [(name: String, bytes: [UInt8])] = [
        ("batch/batch.txt", Array("station=A01\ncount=2\n".utf8)),
        ("batch/empty.txt", []),
        ("batch/附件/户口本.jpg", pseudoRandomBytes(count: 5_000_000)),
        ("batch/bundles/b1/data/form.json", Array(#"{"name":"张三"}"#.utf8)),
        ("batch/bundles/b1/data/deep/er/note.txt", Array(repeating: UInt8(ascii: "x"), count: 70_000)),
    ]
    static let directories = ["batch", "batch/附件", "batch/bundles", "batch/bundles/b1", "batch/bundles/b1/data",
                              "batch/bundles/b1/data/deep", "batch/bundles/b1/data/deep/er"]
    static let mtime = Date(timeIntervalSince1970: 1_700_000_000)

    /// Writes the tree to disk, then archives it from disk (exercising addFile).
    func makeArchive(format: ArchiveFormat, in dir: TemporaryDirectory) throws -> String {
        let source = dir.file("source")
        for directory in Self.directories {
            try FileManager.default.createDirectory(atPath: source + "/" + directory, withIntermediateDirectories: true)
        }
        for file in Self.files {
            try Data(file.bytes).write(to: URL(fileURLWithPath: source + "/" + file.name))
        }
        let target = dir.file("out." + format.fileExtension)
        var lastProgress: Int64 = 0
        let writer = try ArchiveWriter(creatingAt: target, format: format) { lastProgress = $0 }
        for directory in Self.directories {
            try writer.addDirectory(directory, mode: 0o755, modificationTime: Self.mtime)
        }
        for file in Self.files {
            try writer.addFile(file.name, contentsOf: source + "/" + file.name, mode: 0o640, modificationTime: Self.mtime)
        }
        try writer.commit()
        #expect(lastProgress > 0)
        var info = stat()
        #expect(stat(target, &info) == 0)
        #expect(Int64(info.st_size) == lastProgress)
        return target
    }

    @Test("write, read back byte for byte, list with the system tool", arguments: ArchiveFormat.allCases)
    func roundTrip(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("roundTrip\(format)")
        let archive = try makeArchive(format: format, in: dir)

        let read = try readEverything(archive, root: .learnFromFirstEntry)
        let readFiles = Dictionary(uniqueKeysWithValues: read.filter { $0.entry.kind == .file }.map { ($0.entry.path, $0.bytes) })
        let readDirectories = Set(read.filter { $0.entry.kind == .directory }.map(\.entry.path))
        #expect(readDirectories == Set(Self.directories))
        #expect(readFiles.count == Self.files.count)
        for file in Self.files {
            #expect(readFiles[file.name] == file.bytes, "content of \(file.name)")
        }
        for (entry, _) in read {
            #expect(Int64(entry.modificationTime.timeIntervalSince1970) == 1_700_000_000, "mtime of \(entry.path)")
            #expect(entry.mode == (entry.kind == .file ? 0o640 : 0o755), "mode of \(entry.path)")
        }

        // The system tools must accept the archive and see the Chinese name.
        let listing: (status: Int32, output: String)
        switch format {
        case .tarZstd, .tarGzip: listing = try runTool("bsdtar", ["-tf", archive])
        case .zip: listing = try runTool("unzip", ["-l", archive])
        }
        #expect(listing.status == 0)
        for file in Self.files {
            #expect(listing.output.contains(file.name), "\(file.name) listed by the system tool")
        }
    }

    @Test("extract every format into a new directory", arguments: ArchiveFormat.allCases)
    func extract(format: ArchiveFormat) throws {
        let dir = try TemporaryDirectory("extract\(format)")
        let archive = try makeArchive(format: format, in: dir)
        let destination = dir.file("dest")
        let extracted = try ArchiveExtractor.extract(from: archive, to: destination, root: .named("batch"))
        #expect(extracted.count == Self.files.count + Self.directories.count)
        for file in Self.files {
            let data = try Data(contentsOf: URL(fileURLWithPath: destination + "/" + file.name))
            #expect(Array(data) == file.bytes, "content of \(file.name)")
            var info = stat()
            #expect(stat(destination + "/" + file.name, &info) == 0)
            #expect(info.st_mode & 0o7777 == 0o640)
            #expect(info.st_mtim.tv_sec == 1_700_000_000)
        }
        var info = stat()
        #expect(stat(destination + "/batch/附件", &info) == 0)
        #expect(info.st_mtim.tv_sec == 1_700_000_000)
        #expect(info.st_mode & 0o7777 == 0o755)
        // No staging directory left beside the destination.
        #expect(dir.listing().filter { $0.hasPrefix(".") }.isEmpty)
    }
}
