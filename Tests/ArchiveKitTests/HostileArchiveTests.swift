import CArchive
import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

/// Reads and then extracts `archive`, expecting both to be refused with an error that
/// `matches` and names `entry`; afterwards the directory must hold exactly what it held
/// before (no destination, no staging directory, nothing escaped).
func expectRefusal(
    _ label: String, archive: String, in dir: TemporaryDirectory, entry: String?,
    limits: ArchiveLimits = .default, root: RootRequirement = .none,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ matches: (ArchiveError) -> Bool
) {
    let before = dir.listing()
    var readError: ArchiveError?
    do {
        _ = try readEverything(archive, limits: limits, root: root)
    } catch let error as ArchiveError {
        readError = error
    } catch {
        Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
    }
    guard let readError else {
        Issue.record("\(label): the archive was read without refusal", sourceLocation: sourceLocation)
        return
    }
    print("[hostile] \(label): \(readError)")
    #expect(matches(readError), "\(label): got \(readError)", sourceLocation: sourceLocation)
    if let entry {
        #expect(readError.entry == entry, "\(label): error names '\(readError.entry ?? "nil")'", sourceLocation: sourceLocation)
    }

    let destination = dir.file("dest")
    var extractError: ArchiveError?
    do {
        try ArchiveExtractor.extract(from: archive, to: destination, limits: limits, root: root)
    } catch {
        extractError = error
    }
    #expect(extractError != nil && matches(extractError!), "\(label): extraction gave \(String(describing: extractError))", sourceLocation: sourceLocation)
    #expect(!POSIX.exists(destination), "\(label): destination left behind", sourceLocation: sourceLocation)
    #expect(dir.listing() == before, "\(label): files changed: \(dir.listing())", sourceLocation: sourceLocation)
}

@Suite("Hostile archives are refused")
struct HostileArchiveTests {
    @Test func absolutePath() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("ok.txt"), .file("/tmp/archivekit-absolute-escape")])
        expectRefusal("absolute path", archive: archive, in: dir, entry: "/tmp/archivekit-absolute-escape") {
            if case .unsafePath(_, .absolute) = $0 { true } else { false }
        }
        #expect(!POSIX.exists("/tmp/archivekit-absolute-escape"))
    }

    @Test func windowsPaths() throws {
        let dir = try TemporaryDirectory()
        let drive = dir.file("drive.tar")
        try buildRawArchive(at: drive, [.file("C:/Windows/evil.txt")])
        expectRefusal("drive letter", archive: drive, in: dir, entry: "C:/Windows/evil.txt") {
            if case .unsafePath(_, .absolute) = $0 { true } else { false }
        }
        let backslash = dir.file("backslash.tar")
        try buildRawArchive(at: backslash, [.file("..\\..\\evil.txt")])
        expectRefusal("backslash", archive: backslash, in: dir, entry: "..\\..\\evil.txt") {
            if case .unsafePath(_, .backslash) = $0 { true } else { false }
        }
    }

    @Test func dotDotEscape() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.gz")
        try buildRawArchive(at: archive, filter: .gzip, [.file("../escape.txt")])
        expectRefusal("../escape", archive: archive, in: dir, entry: "../escape.txt") {
            if case .unsafePath(_, .parentComponent) = $0 { true } else { false }
        }
        #expect(!POSIX.exists(POSIX.directoryName(dir.path) + "/escape.txt"))
    }

    @Test func nestedDotDotEscape() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.directory("a"), .file("a/../../b")])
        expectRefusal("a/../../b", archive: archive, in: dir, entry: "a/../../b") {
            if case .unsafePath(_, .parentComponent) = $0 { true } else { false }
        }
        #expect(!POSIX.exists(POSIX.directoryName(dir.path) + "/b"))
    }

    @Test func emptyComponent() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("a//b")])
        expectRefusal("a//b", archive: archive, in: dir, entry: "a//b") {
            if case .unsafePath(_, .emptyOrDotComponent) = $0 { true } else { false }
        }
    }

    @Test func symlinkEntry() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [RawEntry(name: Array("link".utf8), type: enroll_AE_IFLNK, symlink: "/etc/passwd")])
        expectRefusal("symlink", archive: archive, in: dir, entry: "link") {
            if case .unsupportedEntryType(_, .symlink("/etc/passwd")) = $0 { true } else { false }
        }
    }

    @Test func fileThroughSymlink() throws {
        let dir = try TemporaryDirectory()
        let outside = try TemporaryDirectory("outsideTarget")
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [
            RawEntry(name: Array("dir".utf8), type: enroll_AE_IFLNK, symlink: outside.path),
            .file("dir/planted.txt", "pwned"),
        ])
        expectRefusal("symlink then file through it", archive: archive, in: dir, entry: "dir") {
            if case .unsupportedEntryType(_, .symlink) = $0 { true } else { false }
        }
        #expect(outside.listing().isEmpty)
    }

    @Test func hardLink() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("x.txt"), RawEntry(name: Array("h".utf8), hardlink: "/etc/passwd")])
        expectRefusal("hard link", archive: archive, in: dir, entry: "h") {
            if case .unsupportedEntryType(_, .hardLink("/etc/passwd")) = $0 { true } else { false }
        }
    }

    @Test func deviceAndFifo() throws {
        let dir = try TemporaryDirectory()
        let device = dir.file("dev.tar")
        try buildRawArchive(at: device, [RawEntry(name: Array("null".utf8), type: enroll_AE_IFCHR)])
        expectRefusal("character device", archive: device, in: dir, entry: "null") {
            if case .unsupportedEntryType(_, .characterDevice) = $0 { true } else { false }
        }
        let fifo = dir.file("fifo.tar")
        try buildRawArchive(at: fifo, [RawEntry(name: Array("pipe".utf8), type: enroll_AE_IFIFO)])
        expectRefusal("fifo", archive: fifo, in: dir, entry: "pipe") {
            if case .unsupportedEntryType(_, .fifo) = $0 { true } else { false }
        }
    }

    @Test func duplicateName() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("a.txt", "first"), .file("./a.txt", "second")])
        expectRefusal("duplicate", archive: archive, in: dir, entry: "a.txt") {
            if case .duplicateEntry = $0 { true } else { false }
        }
    }

    @Test func unicodeNormalizationCollision() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        let composed = "caf\u{E9}.txt"
        let decomposed = "cafe\u{301}.txt"
        #expect(Array(composed.utf8) != Array(decomposed.utf8))
        // ustar stores raw bytes, which libarchive passes through unchanged.
        try buildRawArchive(at: archive, format: .ustar, [.file(composed), .file(decomposed)])
        expectRefusal("NFC vs NFD (ustar)", archive: archive, in: dir, entry: decomposed) {
            if case .nameCollision(_, let earlier) = $0 { Array(earlier.utf8) == Array(composed.utf8) } else { false }
        }
        // pax `path` records are UTF-8, which libarchive normalises to NFC on reading; the
        // second name then arrives byte-identical to the first.
        let pax = dir.file("b.tar")
        try buildRawArchive(at: pax, format: .pax, [.file(composed), .file(decomposed)])
        expectRefusal("NFC vs NFD (pax)", archive: pax, in: dir, entry: nil) {
            switch $0 {
            case .nameCollision, .duplicateEntry: true
            default: false
            }
        }
        // Same in the other order (NFD first), and for a collision in a parent directory.
        let parent = dir.file("c.tar")
        try buildRawArchive(at: parent, format: .ustar, [.file(decomposed + "/x"), .file(composed + "/y")])
        expectRefusal("NFC vs NFD parent (ustar)", archive: parent, in: dir, entry: composed + "/y") {
            if case .nameCollision = $0 { true } else { false }
        }
    }

    @Test func caseFoldCollision() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("A.txt"), .file("a.txt")])
        expectRefusal("case fold", archive: archive, in: dir, entry: "a.txt") {
            if case .nameCollision(_, "A.txt") = $0 { true } else { false }
        }
    }

    @Test func fileDirectoryConflict() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("a"), .file("a/b")])
        expectRefusal("file used as directory", archive: archive, in: dir, entry: "a/b") {
            if case .pathConflict(_, "a") = $0 { true } else { false }
        }
    }

    @Test func outsideRequiredRoot() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.directory("batch"), .file("batch/ok.txt"), .file("other/x.txt")])
        expectRefusal("outside named root", archive: archive, in: dir, entry: "other/x.txt", root: .named("batch")) {
            if case .outsideRequiredRoot(_, "batch") = $0 { true } else { false }
        }
        expectRefusal("outside learned root", archive: archive, in: dir, entry: "other/x.txt", root: .learnFromFirstEntry) {
            if case .outsideRequiredRoot(_, "batch") = $0 { true } else { false }
        }
        // The same archive is fine without a root requirement.
        #expect(try readEverything(archive).count == 3)
    }

    @Test func nonUTF8NameInUstar() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        let name: [UInt8] = [0x66, 0xFF, 0xFE, 0x2E, 0x74, 0x78, 0x74]  // "f\xff\xfe.txt"
        try buildRawArchive(at: archive, format: .ustar, [RawEntry(name: name, data: [1, 2, 3])])
        expectRefusal("non-UTF-8 ustar name", archive: archive, in: dir, entry: "f\u{FFFD}\u{FFFD}.txt") {
            if case .invalidUTF8Name(_, let bytes) = $0 { bytes == name } else { false }
        }
    }

    @Test func nonUTF8NameInPaxBinary() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        // Long enough that the name must live in the pax header, written as hdrcharset=BINARY.
        let name: [UInt8] = Array(String(repeating: "d", count: 120).utf8) + [0x2F, 0xFF, 0xFE]
        try buildRawArchive(at: archive, format: .pax, [RawEntry(name: name, data: [1])])
        let raw = try Data(contentsOf: URL(fileURLWithPath: archive))
        #expect(raw.range(of: Data("hdrcharset=BINARY".utf8)) != nil)
        expectRefusal("non-UTF-8 pax BINARY name", archive: archive, in: dir, entry: nil) {
            if case .invalidUTF8Name(_, let bytes) = $0 { bytes == name } else { false }
        }
    }

    @Test func nonUTF8NameInZip() throws {
        let dir = try TemporaryDirectory()
        let plain = dir.file("plain.zip")
        let name: [UInt8] = [0xD5, 0xC5, 0xC8, 0xFD, 0x2E, 0x74, 0x78, 0x74]  // "张三.txt" in GBK
        try buildRawZip(at: plain, [RawZipEntry(name: name, data: Array("x".utf8))])
        expectRefusal("GBK zip name without UTF-8 flag", archive: plain, in: dir, entry: nil) {
            if case .invalidUTF8Name(_, let bytes) = $0 { bytes == name } else { false }
        }
        let flagged = dir.file("flagged.zip")
        try buildRawZip(at: flagged, [RawZipEntry(name: name, data: Array("x".utf8), utf8Flag: true)])
        expectRefusal("GBK zip name with a false UTF-8 flag", archive: flagged, in: dir, entry: "(undecodable name after 'start of archive')") {
            if case .invalidUTF8Name = $0 { true } else { false }
        }
    }

    @Test func tooManyEntries() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar.zst")
        try buildRawArchive(at: archive, filter: .zstd, (0..<11).map { .file("f\($0).txt") })
        let limits = ArchiveLimits(maxEntryCount: 10)
        expectRefusal("too many entries", archive: archive, in: dir, entry: "f10.txt", limits: limits) {
            if case .tooManyEntries(_, 10) = $0 { true } else { false }
        }
        #expect(try readEverything(archive, limits: ArchiveLimits(maxEntryCount: 11)).count == 11)
    }

    @Test func entryOverSizeLimit() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file("small.txt"), RawEntry(name: Array("big.bin".utf8), data: pseudoRandomBytes(count: 2000))])
        expectRefusal("entry over size limit", archive: archive, in: dir, entry: "big.bin", limits: ArchiveLimits(maxEntrySize: 1000)) {
            if case .entryTooLarge(_, 2000, 1000) = $0 { true } else { false }
        }
        expectRefusal("total over limit", archive: archive, in: dir, entry: "big.bin", limits: ArchiveLimits(maxTotalSize: 1500)) {
            if case .totalSizeExceeded(_, 1500) = $0 { true } else { false }
        }
    }

    @Test func pathTooLong() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("a.tar")
        try buildRawArchive(at: archive, [.file(String(repeating: "abcdefgh/", count: 20) + "x")])
        expectRefusal("path too long", archive: archive, in: dir, entry: nil, limits: ArchiveLimits(maxPathLength: 100)) {
            if case .unsafePath(_, .tooLong(100)) = $0 { true } else { false }
        }
    }

    @Test func truncatedArchive() throws {
        let dir = try TemporaryDirectory()
        for format in ArchiveFormat.allCases {
            let full = dir.file("full." + format.fileExtension)
            let writer = try ArchiveWriter(creatingAt: full, format: format)
            try writer.addDirectory("batch")
            try writer.addData("batch/a.bin", pseudoRandomBytes(count: 300_000))
            try writer.addData("batch/b.bin", pseudoRandomBytes(count: 300_000, seed: 7))
            try writer.commit()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
            let cut = dir.file("cut." + format.fileExtension)
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
            try FileManager.default.removeItem(atPath: full)
            expectRefusal("truncated \(format)", archive: cut, in: dir, entry: nil) {
                if case .corruptArchive = $0 { true } else { false }
            }
            try FileManager.default.removeItem(atPath: cut)
        }
    }

    @Test func randomGarbage() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("garbage.tar.zst")
        try Data(pseudoRandomBytes(count: 100_000, seed: 42)).write(to: URL(fileURLWithPath: archive))
        expectRefusal("random garbage", archive: archive, in: dir, entry: nil) {
            if case .corruptArchive(nil, _) = $0 { true } else { false }
        }
        let empty = dir.file("empty.zip")
        try Data().write(to: URL(fileURLWithPath: empty))
        expectRefusal("empty file", archive: empty, in: dir, entry: nil) {
            if case .corruptArchive(nil, _) = $0 { true } else { false }
        }
    }

    @Test func lyingDeclaredSize() throws {
        let dir = try TemporaryDirectory()
        let archive = dir.file("lie.zip")
        // Stored entry: 10 bytes of data, but the headers claim 100 uncompressed bytes.
        try buildRawZip(at: archive, [RawZipEntry(name: Array("lie.txt".utf8), data: Array("0123456789".utf8), declaredSize: 100)])
        expectRefusal("declared size lies (zip)", archive: archive, in: dir, entry: "lie.txt") {
            switch $0 {
            case .sizeMismatch(_, 100, 10): true
            case .corruptArchive("lie.txt", _): true
            default: false
            }
        }
    }

    @Test func lyingDeclaredSizeInTar() throws {
        // A ustar header declaring 5000 bytes followed by only 10, then the archive ends.
        let dir = try TemporaryDirectory()
        let good = dir.file("good.tar")
        try buildRawArchive(at: good, format: .ustar, [RawEntry(name: Array("lie.txt".utf8), data: Array(repeating: 0x41, count: 10))])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: good)))
        // Size field: offset 124, 12 bytes of octal; fix the checksum at offset 148.
        let size = Array(String(format: "%011o", 5000).utf8) + [0]
        bytes.replaceSubrange(124..<136, with: size)
        bytes.replaceSubrange(148..<156, with: Array(repeating: 0x20, count: 8))
        let sum = bytes[0..<512].reduce(0) { $0 + Int($1) }
        bytes.replaceSubrange(148..<156, with: Array(String(format: "%06o", sum).utf8) + [0, 0x20])
        let lie = dir.file("lie.tar")
        try Data(bytes.prefix(512 + 512)).write(to: URL(fileURLWithPath: lie))
        try FileManager.default.removeItem(atPath: good)
        expectRefusal("declared size lies (tar)", archive: lie, in: dir, entry: "lie.txt") {
            switch $0 {
            case .sizeMismatch(_, 5000, _): true
            case .corruptArchive("lie.txt", _): true
            default: false
            }
        }
    }
}
