import CArchive
import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

/// Split points in written archives, the frame walk, and extraction in parallel parts.
@Suite("Extraction in parts")
struct PartsTests {
    // MARK: Writing split points

    @Test func writerEndsAFrameOnlyAtAMarkedPointOnceItIsLargeEnough() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let writer = try ArchiveWriter(creatingAt: archive, frameSize: 100_000)
        try writer.addDirectory("batch")
        try writer.addData("batch/a", pseudoRandomBytes(count: 150_000, seed: 1))
        try writer.markSplitPoint()  // 150 KB in this frame: it ends
        try writer.addData("batch/b", pseudoRandomBytes(count: 50_000, seed: 2))
        try writer.markSplitPoint()  // 50 KB: too small, the frame goes on
        try writer.addData("batch/c", pseudoRandomBytes(count: 80_000, seed: 3))
        try writer.markSplitPoint()  // 130 KB: it ends
        try writer.addData("batch/d", pseudoRandomBytes(count: 10_000, seed: 4))
        try writer.commit()

        let (starts, size) = try #require(ZstdFrames.starts(ofFileAt: archive))
        #expect(starts.count == 3)
        // Each frame alone is a run of whole entries: a reader of just that range sees them.
        let ranges = zip(starts, starts.dropFirst() + [size]).map { $0..<$1 }
        var seen: [[String]] = []
        for range in ranges {
            let reader = try ArchiveReader(path: archive, range: range, tally: ReadTally(limits: .default, root: .none))
            var names: [String] = []
            while let entry = try reader.next() { names.append(entry.path) }
            seen.append(names)
        }
        #expect(seen == [["batch", "batch/a"], ["batch/b", "batch/c"], ["batch/d"]])
        // Still one standard stream for everybody else.
        #expect(try runTool("zstd", ["-t", "-q", archive]).status == 0)
        let listing = try runTool("bsdtar", ["-tf", archive])
        #expect(listing.status == 0 && listing.output.split(separator: "\n") == ["batch/", "batch/a", "batch/b", "batch/c", "batch/d"])
        #expect(try readEverything(archive).last?.bytes == pseudoRandomBytes(count: 10_000, seed: 4))
    }

    @Test func splitPointsAreIgnoredByTheOtherFormats() throws {
        let dir = try TemporaryDirectory()
        for format in [ArchiveFormat.tarGzip, .zip] {
            let archive = dir.file("a." + format.fileExtension)
            let writer = try ArchiveWriter(creatingAt: archive, format: format, frameSize: 1)
            try writer.addData("a", [1, 2, 3])
            try writer.markSplitPoint()
            try writer.addData("b", [4])
            try writer.commit()
            #expect(try readEverything(archive).map(\.entry.path) == ["a", "b"])
            #expect(ZstdFrames.starts(ofFileAt: archive) == nil)
        }
    }

    // MARK: The frame walk

    @Test func frameWalkFindsFramesAndGivesUpOnAnythingElse() throws {
        let dir = try TemporaryDirectory()
        let one = compressFrame(Array(repeating: 7, count: 300_000))
        let two = compressFrame(pseudoRandomBytes(count: 200_000))
        // A skippable frame (magic 0x184D2A5x, 4-byte length) is walked over, never a split point.
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 9, 9, 9]
        try write(one + skippable + two, to: dir.file("framed.zst"))
        let found = try #require(ZstdFrames.starts(ofFileAt: dir.file("framed.zst")))
        #expect(found.starts == [0, Int64(one.count + skippable.count)])
        #expect(ZstdFrames.segments(ofFileAt: dir.file("framed.zst"), parts: 4)?.count == 2)

        try write(one, to: dir.file("single.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("single.zst"))?.starts == [0])
        #expect(ZstdFrames.segments(ofFileAt: dir.file("single.zst"), parts: 2) == nil, "one frame: nothing to split")

        try write(one + two + [1, 2, 3], to: dir.file("trailing.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("trailing.zst")) == nil, "bytes after the last frame")
        try write(one + Array(two.dropLast(10)), to: dir.file("truncated.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("truncated.zst")) == nil, "a frame running past the end")
        try write(Array("not compressed at all".utf8), to: dir.file("plain"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("plain")) == nil)
        #expect(ZstdFrames.starts(ofFileAt: dir.file("missing")) == nil)

        // A file of countless tiny frames is not followed (the list of starts stays bounded).
        let tiny = compressFrame([])
        try write(Array([[UInt8]](repeating: tiny, count: 3).joined()), to: dir.file("three-tiny.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("three-tiny.zst"))?.starts.count == 3)
        try write(Array([[UInt8]](repeating: tiny, count: ZstdFrames.maxFrames + 1).joined()), to: dir.file("many-tiny.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("many-tiny.zst")) == nil)
    }

    // MARK: Extraction in parts

    @Test func partsExtractExactlyWhatOneThreadExtracts() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let time = Date(timeIntervalSince1970: 1_700_000_000.25)
        var files: [String: [UInt8]] = [:]
        let writer = try ArchiveWriter(creatingAt: archive, frameSize: 1)
        try writer.addDirectory("batch", mode: 0o750, modificationTime: time)
        for group in 0..<6 {
            try writer.addDirectory("batch/g\(group)", mode: 0o700 + UInt16(group), modificationTime: time)
            for index in 0..<3 {
                let path = "batch/g\(group)/f\(index).bin"
                files[path] = pseudoRandomBytes(count: 1_000 + group * 70_000 + index * 9_000, seed: UInt64(group * 10 + index + 1))
                try writer.addData(path, files[path]!, modificationTime: time)
            }
            try writer.markSplitPoint()
        }
        try writer.commit()
        // One frame per group, and the end-of-archive blocks written by commit in a seventh.
        #expect(ZstdFrames.starts(ofFileAt: archive)?.starts.count == 7)

        var attempts: [Int] = []
        var recorders: [Recorder] = []
        let parallel = try ArchiveExtractor.extract(
            from: archive, to: dir.file("parts"), root: .learnFromFirstEntry, parts: 3,
            observers: { count in
                attempts.append(count)
                recorders = (0..<count).map { _ in Recorder() }
                return recorders.map { $0 as (any ExtractionObserver)? }
            })
        let sequential = try ArchiveExtractor.extract(from: archive, to: dir.file("one"), root: .learnFromFirstEntry)
        #expect(attempts == [3], "extracted in three parts, at the first attempt")
        #expect(parallel == sequential, "same entries in the same (archive) order")
        #expect(try tree(dir.file("parts")) == tree(dir.file("one")))
        for (path, bytes) in files {
            #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("parts/" + path)))) == bytes)
        }
        // Every byte was seen by exactly one part's observer, each part by its own.
        var observed: [String: [UInt8]] = [:]
        for recorder in recorders {
            #expect(!recorder.bytes.isEmpty, "every part extracted something")
            observed.merge(recorder.bytes) { first, _ in first }
        }
        #expect(observed == files)
        #expect(recorders.map(\.bytes.count).reduce(0, +) == files.count)
        // Directory modes and times are applied after all parts wrote into them.
        var info = stat()
        #expect(stat(dir.file("parts/batch/g3"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o703 && info.st_mtim.tv_sec == 1_700_000_000)
        #expect(stat(dir.file("parts/batch"), &info) == 0)
        #expect(info.st_mode & 0o777 == 0o750 && info.st_mtim.tv_sec == 1_700_000_000)
    }

    @Test func refusalsAcrossPartsAreExactlyThoseOfOneReader() throws {
        let big = String(repeating: "x", count: 2_000)
        let cases: [(String, [[RawEntry]], ArchiveLimits, RootRequirement)] = [
            ("duplicate in another frame",
             [[.directory("batch"), .file("batch/a.txt")], [.file("batch/b.txt")], [.file("batch/a.txt")]], .default, .none),
            ("case collision in another frame",
             [[.directory("batch"), .file("batch/Photo.jpg")], [.file("batch/x")], [.file("batch/PHOTO.jpg")]], .default, .none),
            ("file where another frame has a directory",
             [[.directory("batch"), .file("batch/d/x")], [.file("batch/y")], [.file("batch/d")]], .default, .none),
            ("outside the root learned in the first frame",
             [[.directory("batch"), .file("batch/a")], [.file("batch/b")], [.file("other/c")]], .default, .learnFromFirstEntry),
            ("entry count over the limit, counted over all frames",
             [[.directory("batch"), .file("batch/a")], [.file("batch/b")], [.file("batch/c")]],
             ArchiveLimits(maxEntryCount: 3), .none),
            ("total size over the limit, summed over all frames",
             [[.directory("batch"), .file("batch/a", big)], [.file("batch/b", big)], [.file("batch/c", big)]],
             ArchiveLimits(maxTotalSize: 5_000), .none),
            ("symlink in a later frame",
             [[.directory("batch"), .file("batch/a")], [.file("batch/b")],
              [RawEntry(name: Array("batch/evil".utf8), type: enroll_AE_IFLNK, symlink: "/etc")]], .default, .none),
        ]
        for (label, frames, limits, root) in cases {
            let dir = try TemporaryDirectory("refusal")
            let archive = dir.file("hostile.tar.zst")
            try buildFramedArchive(at: archive, frames)
            #expect(ZstdFrames.starts(ofFileAt: archive)?.starts.count == frames.count, "\(label): framed")

            var oneThread: ArchiveError?
            do {
                try ArchiveExtractor.extract(from: archive, to: dir.file("one"), limits: limits, root: root)
            } catch {
                oneThread = error
            }
            var attempts: [Int] = []
            var inParts: ArchiveError?
            do {
                try ArchiveExtractor.extract(
                    from: archive, to: dir.file("parts"), limits: limits, root: root, parts: 3,
                    observers: { count in
                        attempts.append(count)
                        return []
                    })
            } catch {
                inParts = error
            }
            #expect(oneThread != nil, "\(label): refused by one reader")
            #expect(inParts == oneThread, "\(label): in parts \(String(describing: inParts)), one reader \(String(describing: oneThread))")
            #expect(attempts == [3, 1], "\(label): tried in parts, then decided by one thread")
            #expect(dir.listing() == ["hostile.tar.zst"], "\(label): nothing left: \(dir.listing())")
        }
    }

    @Test func aFrameCutInsideAnEntryIsExtractedByOneThreadInstead() throws {
        let dir = try TemporaryDirectory()
        let data = pseudoRandomBytes(count: 100_000)
        let tar = try rawTar([.directory("batch"), RawEntry(name: Array("batch/big".utf8), data: data), .file("batch/z")], dir)
        // Another tool's multi-frame stream (pzstd-like): frames end wherever, here mid-file.
        try write(compressFrame(Array(tar[..<50_000])) + compressFrame(Array(tar[50_000...])), to: dir.file("cut.tar.zst"))
        #expect(ZstdFrames.starts(ofFileAt: dir.file("cut.tar.zst"))?.starts.count == 2)

        var attempts: [Int] = []
        let extracted = try ArchiveExtractor.extract(
            from: dir.file("cut.tar.zst"), to: dir.file("dest"), parts: 2,
            observers: { count in
                attempts.append(count)
                return []
            })
        #expect(attempts == [2, 1], "the first part ended inside an entry: one thread took over")
        #expect(extracted == ["batch", "batch/big", "batch/z"])
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("dest/batch/big")))) == data)
    }

    @Test func aTruncatedFramedArchiveIsRefusedAndLeavesNothing() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        let writer = try ArchiveWriter(creatingAt: archive, frameSize: 1)
        try writer.addDirectory("batch")
        for index in 0..<4 {
            try writer.addData("batch/f\(index)", pseudoRandomBytes(count: 60_000, seed: UInt64(index + 1)))
            try writer.markSplitPoint()
        }
        try writer.commit()
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: archive)))
        try write(Array(whole.dropLast(20_000)), to: dir.file("cut.tar.zst"))
        var attempts: [Int] = []
        #expect {
            try ArchiveExtractor.extract(
                from: dir.file("cut.tar.zst"), to: dir.file("dest"), parts: 2,
                observers: { count in
                    attempts.append(count)
                    return []
                })
        } throws: { error in
            guard case .corruptArchive = error as? ArchiveError else { return false }
            return true
        }
        #expect(attempts == [1], "a stream that ends inside a frame is not split at all")
        #expect(dir.listing() == ["a.tar.zst", "cut.tar.zst"])
    }
}

// MARK: Helpers

/// Records what an observer sees.
private final class Recorder: ExtractionObserver {
    var bytes: [String: [UInt8]] = [:]
    private var current: String?
    func willExtract(_ entry: ArchiveEntry) { current = entry.kind == .file ? entry.path : nil }
    func didWrite(_ block: UnsafeRawBufferPointer) {
        if let current { bytes[current, default: []].append(contentsOf: block) }
    }
    func didExtract(_ entry: ArchiveEntry) { current = nil }
}

/// One zstd frame holding `bytes` (level 3, with the content size).
private func compressFrame(_ bytes: [UInt8]) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let size = output.withUnsafeMutableBytes { out in
        bytes.withUnsafeBytes { ZSTD_compress(out.baseAddress, out.count, $0.baseAddress, $0.count, 3) }
    }
    precondition(ZSTD_isError(size) == 0)
    return Array(output[..<size])
}

private func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// An uncompressed ustar stream of `entries`, with its end-of-archive blocks.
private func rawTar(_ entries: [RawEntry], _ dir: TemporaryDirectory) throws -> [UInt8] {
    let path = dir.file(".raw-\(UUID().uuidString).tar")
    defer { unlink(path) }
    try buildRawArchive(at: path, format: .ustar, entries)
    return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
}

/// A tar.zst whose zstd frames each hold one group of entries, ending exactly between
/// entries, as ``ArchiveWriter`` writes them; only the last frame holds the end-of-archive
/// blocks. Built from raw entries, so it can be hostile.
private func buildFramedArchive(at path: String, _ groups: [[RawEntry]]) throws {
    let dir = try TemporaryDirectory("framed")
    var output: [UInt8] = []
    for (index, group) in groups.enumerated() {
        var tar = try rawTar(group, dir)
        if index < groups.count - 1 {
            // ustar without long names: a 512-byte header per entry, data padded to 512.
            let length = group.reduce(0) { $0 + 512 + ($1.data.count + 511) / 512 * 512 }
            tar = Array(tar[..<length])
        }
        output += compressFrame(tar)
    }
    try write(output, to: path)
}

/// Every path below `root` with its kind, mode and bytes.
private func tree(_ root: String) throws -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: root)
    while let relative = enumerator?.nextObject() as? String {
        var info = stat()
        _ = lstat(root + "/" + relative, &info)
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        let bytes = isDirectory ? "" : try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative)).base64EncodedString()
        result[relative] = "\(isDirectory ? "d" : "f") \(String(info.st_mode & 0o777, radix: 8)) \(info.st_mtim.tv_sec) \(bytes)"
    }
    return result
}
