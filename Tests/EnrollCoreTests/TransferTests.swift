import AgeKit
import ArchiveKit
import CArchive
import Foundation
import Testing

@testable import EnrollCore

/// Signed bundles of the test form, ready to pack.
struct TransferFixture {
    let dir: TemporaryDirectory
    let station: StationFixture
    let bundles: [String]

    init(_ dir: TemporaryDirectory, count: Int = 3) throws {
        self.dir = dir
        station = try StationFixture(dir)
        var made: [String] = []
        for index in 1...count { made.append(try station.signedBundle("day/b\(index)")) }
        bundles = made
    }

    func pack(_ name: String = "day.tar.zst", format: TransferFormat = .tarZstd) throws -> (String, PackResult) {
        let output = dir(name)
        let result = try Packer(key: station.key, station: "station-01").pack(bundles: bundles, to: output, format: format)
        return (output, result)
    }

    /// Packs the bundles into `day.tar.zst` and extracts it with bsdtar into `directory`, for
    /// tests that repack it with another tool.
    func packAndExtractWithBsdtar(into directory: String) throws -> String {
        let (archive, _) = try pack()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        #expect(try runProcess("bsdtar", ["-xf", archive, "-C", directory]).status == 0)
        return archive
    }

    /// Scans an archive with the station trusted; returns archive problems and each bundle's problems.
    func scan(_ archive: String, trust: TrustStore? = nil) -> (ArchiveScan, [String: [String]]) {
        var bundles: [String: [String]] = [:]
        let scan = ArchiveScanner(trust: trust ?? station.trust).scan(archive) { name, result in
            bundles[name] = result.diagnostics.errors.map(\.code.rawValue)
        }
        return (scan, bundles)
    }
}

@Suite("Transfer archives")
struct TransferTests {
    @Test(arguments: [TransferFormat.tarZstd, .tarGzip, .zip])
    func roundTripInEveryFormat(_ format: TransferFormat) throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir)
        let (archive, result) = try fixture.pack("day.\(format.rawValue)", format: format)
        #expect(result.packed.count == 3 && result.refused.isEmpty)
        let (scan, bundles) = fixture.scan(archive)
        #expect(scan.isValid, "\(scan.diagnostics)")
        #expect(scan.batchSigner?.name == "station-01")
        #expect(bundles.count == 3 && bundles.values.allSatisfy(\.isEmpty), "\(bundles)")
        let restored = try Unpacker(trust: fixture.station.trust).unpack(archive, to: dir("out"))
        #expect(restored.count == 3)
        for bundle in fixture.bundles {
            let name = (bundle as NSString).lastPathComponent
            #expect(try treeFingerprint(bundle) == treeFingerprint(dir("out/" + name)), "\(name) differs after the round trip")
        }
        // The system's own tools read what enroll writes.
        let listing = format == .zip ? try runProcess("unzip", ["-l", archive]) : try runProcess("bsdtar", ["-tf", archive])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("day/batch.txt"))
        #expect(listing.stdout.contains("bundles/b1/data/attachments/student-photo/1.png"))
    }

    @Test func tagFilesPrecedePayloadAndBatchComesFirst() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 1)
        let (archive, _) = try fixture.pack()
        let names = try runProcess("bsdtar", ["-tf", archive]).stdout.split(separator: "\n").map(String.init)
        #expect(Array(names.prefix(3)) == ["day/", "day/batch.txt", "day/batch.txt.sig"])
        let bundle = names.filter { $0.hasPrefix("day/bundles/b1/") && !$0.hasSuffix("/") }
        let firstPayload = try #require(bundle.firstIndex { $0.contains("/data/") })
        #expect(bundle[..<firstPayload].map { ($0 as NSString).lastPathComponent } == BundleLayout.tagFiles)
    }

    @Test func packRefusesDraftsAndTamperedBundlesButPacksTheRest() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir)
        try BundleOperations().create(form: "test-form", formVersion: "1", data: dir("form.json"), attachments: [], directory: dir("day/draft"))
        try write(fixture.bundles[1] + "/data/form.json", "{}")
        let result = try Packer(key: fixture.station.key, station: "station-01")
            .pack(bundles: fixture.bundles + [dir("day/draft")], to: dir("day.tar.zst"))
        #expect(result.packed.map { ($0.source as NSString).lastPathComponent } == ["b1", "b3"])
        #expect(result.refused.map { ($0.source as NSString).lastPathComponent } == ["b2", "draft"])
        #expect(result.refused[1].problems.map(\.code.rawValue) == ["sig.missing"])
    }

    /// Flips one byte in the middle of a file: same size, so only hashing can tell.
    func flipByte(_ path: String) throws {
        var bytes = try FileIO.readAll(path)
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Pack checks structure and signature first and hashes the payload while writing it: a
    /// same-size change is only seen mid-archive. The archive must then be written again
    /// without the bad bundles, and nothing of the first attempt may remain.
    @Test func packHashesWhileWritingAndRepacksWithoutBundlesChangedInPlace() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 4)
        try flipByte(fixture.bundles[1] + "/data/attachments/student-photo/1.png")
        try flipByte(fixture.bundles[3] + "/data/form.json")
        let result = try Packer(key: fixture.station.key, station: "station-01").pack(bundles: fixture.bundles, to: dir("day.tar.zst"))
        #expect(result.packed.map { ($0.source as NSString).lastPathComponent } == ["b1", "b3"])
        #expect(result.refused.map { ($0.source as NSString).lastPathComponent } == ["b2", "b4"])
        #expect(result.refused[0].problems.map(\.code.rawValue) == ["bag.checksum-mismatch"])
        #expect(result.refused[0].problems.first?.location.file == fixture.bundles[1] + "/data/attachments/student-photo/1.png")
        #expect(result.refused[1].problems.map(\.code.rawValue) == ["bag.checksum-mismatch"])
        let (scan, bundles) = fixture.scan(dir("day.tar.zst"))
        #expect(scan.isValid, "\(scan.diagnostics)")
        #expect(bundles.keys.sorted() == ["bundles/b1", "bundles/b3"] && bundles.values.allSatisfy(\.isEmpty), "\(bundles)")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// A file that vanishes between the check and the copy: that bundle is refused, naming
    /// the file, and the archive is written again without it.
    @Test func packRefusesABundleChangedBetweenCheckAndCopy() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 2)
        var packer = try Packer(key: fixture.station.key, station: "station-01")
        let victim = fixture.bundles[0] + "/data/attachments/student-photo/1.png"
        packer.willCopy = { source in
            if source == fixture.bundles[0] { try? FileManager.default.removeItem(atPath: victim) }
        }
        let result = try packer.pack(bundles: fixture.bundles, to: dir("day.tar.zst"))
        #expect(result.packed.map { ($0.source as NSString).lastPathComponent } == ["b2"])
        let problem = try #require(result.refused.first?.problems.first)
        #expect(result.refused.map { ($0.source as NSString).lastPathComponent } == ["b1"])
        #expect(result.refused[0].problems.map(\.code.rawValue) == ["bag.changed-while-packing"], "\(problem)")
        #expect(problem.location.file == victim)
        #expect(!problem.message.zh.isEmpty && !problem.message.en.isEmpty)
        let (scan, bundles) = fixture.scan(dir("day.tar.zst"))
        #expect(scan.isValid && bundles.keys.sorted() == ["bundles/b2"], "\(scan.diagnostics) \(bundles)")
    }

    /// Unpack hashes what it writes instead of reading it back. An archive repacked by
    /// another tar (directories first, another order) must be followed as well, and a change
    /// in it caught, with nothing left behind.
    @Test func unpackChecksWhileExtractingInAnyTarOrder() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir)
        let archive = try fixture.packAndExtractWithBsdtar(into: dir("x"))
        // mtree-style order: every directory first, then the files in reverse.
        let listing = try runProcess("bsdtar", ["-tf", archive]).stdout.split(separator: "\n").map(String.init)
        let order = listing.filter { $0.hasSuffix("/") } + listing.filter { !$0.hasSuffix("/") }.reversed()
        try write(dir("order.txt"), order.joined(separator: "\n") + "\n")
        #expect(try runProcess("bsdtar", ["--zstd", "-cf", dir("foreign.tar.zst"), "-n", "-C", dir("x"), "-T", dir("order.txt")]).status == 0)
        // Files of the three bundles interleaved (b1, b2, b3, b1, …): the checker cannot follow
        // a bundle that resumes after another's, and those are verified from disk instead.
        let files = listing.filter { !$0.hasSuffix("/") && $0.contains("/bundles/") }
        func inBundle(_ path: String) -> String { path.split(separator: "/").dropFirst(3).joined(separator: "/") }
        let interleaved = listing.filter { $0.hasSuffix("/") || !$0.contains("/bundles/") }
            + files.sorted { (inBundle($0), $0) < (inBundle($1), $1) }
        try write(dir("interleaved.txt"), interleaved.joined(separator: "\n") + "\n")
        #expect(try runProcess("bsdtar", ["--zstd", "-cf", dir("interleaved.tar.zst"), "-n", "-C", dir("x"), "-T", dir("interleaved.txt")]).status == 0)
        for (archive, out) in [("foreign.tar.zst", "out"), ("interleaved.tar.zst", "out-interleaved")] {
            let restored = try Unpacker(trust: fixture.station.trust).unpack(dir(archive), to: dir(out))
            #expect(restored.count == 3, "\(archive)")
            for bundle in fixture.bundles {
                let name = (bundle as NSString).lastPathComponent
                #expect(try treeFingerprint(bundle) == treeFingerprint(dir(out + "/" + name)), "\(name) differs after \(archive)")
            }
        }

        try flipByte(dir("x/day/bundles/b2/data/attachments/student-photo/1.png"))
        #expect(try runProcess("bsdtar", ["--zstd", "-cf", dir("changed.tar.zst"), "-C", dir("x"), "day"]).status == 0)
        let error = try #require(throws: EnrollError.self) { try Unpacker(trust: nil).unpack(dir("changed.tar.zst"), to: dir("out2")) }
        let mismatch = try #require(error.diagnostics.first { $0.code == "bag.checksum-mismatch" }, "\(error.diagnostics)")
        #expect(mismatch.location.file == dir("changed.tar.zst") + ":day/bundles/b2/data/attachments/student-photo/1.png")
        #expect(!FileManager.default.fileExists(atPath: dir("out2")), "a refused unpack leaves nothing")
    }

    /// enroll ends a zstd frame after bundles, so unpack (and import) extract the archive in
    /// parts, one thread per core, each hashing its own part. The outcome must be exactly
    /// that of one thread, and a change inside any part caught and named, leaving nothing.
    @Test func unpackInPartsRestoresWhatOneThreadDoesAndCatchesChanges() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 4)
        var packer = try Packer(key: fixture.station.key, station: "station-01")
        packer.frameSize = 1  // a frame after every bundle
        let archive = dir("day.tar.zst")
        #expect(try packer.pack(bundles: fixture.bundles, to: archive, format: .tarZstd).packed.count == 4)
        #expect(try frameCount(archive) == 5, "batch files and b1, b2, b3, b4, end of archive")

        var attempts: [Int] = []
        let batch = try ExtractedBatch(archive, in: dir.path, limits: .default, parts: 4) { _, parts in
            attempts.append(parts)
            return []
        }
        batch.remove()
        #expect(attempts == [4], "extracted in four parts at the first attempt")

        for jobs in [1, 2, 4] {
            let restored = try Unpacker(trust: fixture.station.trust, jobs: jobs).unpack(archive, to: dir("out\(jobs)"))
            #expect(restored.count == 4)
            for bundle in fixture.bundles {
                let name = (bundle as NSString).lastPathComponent
                #expect(try treeFingerprint(bundle) == treeFingerprint(dir("out\(jobs)/" + name)), "\(name) with \(jobs) jobs")
            }
        }

        // The same archive written again with its frames ending in the middle of bundles, so
        // that parts begin inside bundles (the checkers cannot follow those: they are read
        // back), and framed as enroll does but with one byte of b3's photo changed.
        let photo = "day/bundles/b3/data/attachments/student-photo/1.png"
        func rewrite(_ target: String, splittingInsideBundles: Bool, changing changed: String?) throws {
            let reader = try ArchiveReader(path: archive)
            let writer = try ArchiveWriter(creatingAt: target, frameSize: 1)
            var previousBundle: Substring?
            while let entry = try reader.next() {
                let parts = entry.path.split(separator: "/")
                let bundle = parts.count > 2 && parts[1] == "bundles" ? parts[2] : nil
                let split = splittingInsideBundles
                    ? entry.kind == .directory && entry.path.hasSuffix("/data")  // after the tag files
                    : previousBundle != nil && bundle != previousBundle
                if split { try writer.markSplitPoint() }
                previousBundle = bundle ?? previousBundle
                if entry.kind == .directory {
                    try writer.addDirectory(entry.path, mode: entry.mode, modificationTime: entry.modificationTime)
                } else {
                    var bytes = try entry.readAll()
                    if entry.path == changed { bytes[bytes.count / 2] ^= 0x01 }
                    try writer.addData(entry.path, bytes, mode: entry.mode, modificationTime: entry.modificationTime)
                }
            }
            try writer.commit()
        }
        try rewrite(dir("fine.tar.zst"), splittingInsideBundles: true, changing: nil)
        #expect(try frameCount(dir("fine.tar.zst")) == 5)
        var checkers: [ExtractionChecker] = []
        let split = try ExtractedBatch(dir("fine.tar.zst"), in: dir.path, limits: .default, parts: 4) { staging, parts in
            checkers = (0..<parts).map { _ in ExtractionChecker(verifier: BundleVerifier(trust: nil), staging: staging, inline: true) }
            return checkers
        }
        split.remove()
        #expect(checkers.count == 4)
        #expect(ExtractionChecker.merge(checkers).count <= 1, "bundles seen by two parts are left to be read back")
        let restored = try Unpacker(trust: fixture.station.trust, jobs: 4).unpack(dir("fine.tar.zst"), to: dir("out-fine"))
        #expect(restored.count == 4)
        for bundle in fixture.bundles {
            let name = (bundle as NSString).lastPathComponent
            #expect(try treeFingerprint(bundle) == treeFingerprint(dir("out-fine/" + name)), "\(name) from parts cut inside bundles")
        }

        let changed = dir("changed.tar.zst")
        try rewrite(changed, splittingInsideBundles: false, changing: photo)
        #expect(try frameCount(changed) == 4, "batch files and b1, b2, b3, b4 and end of archive")
        let error = try #require(throws: EnrollError.self) {
            try Unpacker(trust: fixture.station.trust, jobs: 4).unpack(changed, to: dir("out-changed"))
        }
        #expect(error.diagnostics.map(\.code.rawValue) == ["bag.checksum-mismatch"], "\(error.diagnostics)")
        #expect(error.diagnostics.first?.location.file == changed + ":" + photo)
        #expect(!FileManager.default.fileExists(atPath: dir("out-changed")), "a refused unpack leaves nothing")
    }

    /// An encrypted archive is extracted in parts too: the frame walk reads the plaintext
    /// unauthenticated, each part authenticates the chunks it reads. The result is exactly
    /// the one-thread one, and damage anywhere, in a part's chunk or at the end, is the
    /// stream's own `crypt.*` error with nothing left behind.
    @Test func encryptedArchivesAreExtractedInPartsAndTamperingAnywhereLeavesNothing() throws {
        let dir = TemporaryDirectory()
        // Photos that do not compress (noise after the image's end), so that the archive spans
        // many 64 KiB chunks.
        let station = try StationFixture(dir)
        var noise = SystemRandomNumberGenerator()
        try write(dir("photo.png"), makePNG(width: 4, height: 4) + (0..<150_000).map { _ in UInt8.random(in: 0...255, using: &noise) })
        let bundles = try (1...4).map { try station.signedBundle("day/b\($0)") }
        let district = AgeIdentity.generate()
        var packer = try Packer(key: station.key, station: "station-01")
        packer.frameSize = 1  // a frame after every bundle
        packer.recipients = [district.recipient]
        let archive = dir("day.tar.zst.age")
        #expect(try packer.pack(bundles: bundles, to: archive, format: .tarZstd).packed.count == 4)

        var attempts: [Int] = []
        let batch = try ExtractedBatch(archive, in: dir.path, limits: .default, parts: 4, observing: { _, parts in
            attempts.append(parts)
            return []
        }, identities: [district])
        batch.remove()
        #expect(attempts == [4], "extracted in four parts at the first attempt")
        for jobs in [1, 4] {
            let restored = try Unpacker(trust: station.trust, jobs: jobs, identities: [district]).unpack(archive, to: dir("out\(jobs)"))
            #expect(restored.count == 4)
            for bundle in bundles {
                let name = (bundle as NSString).lastPathComponent
                #expect(try treeFingerprint(bundle) == treeFingerprint(dir("out\(jobs)/" + name)), "\(name) with \(jobs) jobs")
            }
        }

        // The same bytes, one bit flipped: in the second chunk (read by the first part), in
        // the chunk before the last (the last part), and in the final chunk (refused on opening).
        let good = try FileIO.readAll(archive)
        let sealedChunk = Age.chunkSize + 16
        let text = String(decoding: good.prefix(4096), as: UTF8.self)
        let macLine = try #require(text.range(of: "\n--- "))
        let macEnd = try #require(text[macLine.upperBound...].firstIndex(of: "\n"))
        let header = text.utf8.distance(from: text.startIndex, to: macEnd) + 1 + 16  // the MAC line, then the nonce
        try #require(good.count - header > 4 * sealedChunk, "the archive spans several chunks")
        for (label, position) in [("second chunk", header + sealedChunk + 100), ("chunk before the last", good.count - sealedChunk - 50), ("final chunk", good.count - 3)] {
            var bytes = good
            bytes[position] ^= 0x04
            let tampered = dir("tampered.tar.zst.age")
            try? FileManager.default.removeItem(atPath: tampered)
            try Data(bytes).write(to: URL(fileURLWithPath: tampered))
            var tries: [Int] = []
            let error = try #require(throws: EnrollError.self, "\(label)") {
                try ExtractedBatch(tampered, in: dir.path, limits: .default, parts: 4, observing: { _, parts in
                    tries.append(parts)
                    return []
                }, identities: [district])
            }
            #expect(error.diagnostics.map(\.code.rawValue) == ["crypt.payload-tampered"], "\(label): \(error.diagnostics)")
            // Parts first (a stream failing in its first block fails before extraction starts,
            // so the sequential attempt may not get as far as asking for its observer); a final
            // chunk that does not open sends the archive straight to the stream.
            #expect(label == "final chunk" ? tries == [1] : tries.first == 4 && tries.count <= 2, "\(label): \(tries)")
            let unpacked = try #require(throws: EnrollError.self, "\(label)") {
                try Unpacker(trust: station.trust, jobs: 4, identities: [district]).unpack(tampered, to: dir("out-tampered"))
            }
            #expect(unpacked.diagnostics.map(\.code.rawValue) == ["crypt.payload-tampered"], "\(label): \(unpacked.diagnostics)")
            #expect(!FileManager.default.fileExists(atPath: dir("out-tampered")), "\(label): nothing unpacked")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".enroll-extract-") }
            #expect(left.isEmpty, "\(label): staging removed: \(left)")
        }
    }

    /// The number of zstd frames in `path`, as `zstd -lv` counts them.
    func frameCount(_ path: String) throws -> Int? {
        let output = try runProcess("zstd", ["-lv", path]).stdout
        let line = output.split(separator: "\n").first { $0.hasPrefix("# Zstandard Frames: ") }
        return line.flatMap { Int($0.dropFirst("# Zstandard Frames: ".count)) }
    }

    @Test func packNeverOverwritesAndLeavesNoPartialFile() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 1)
        try write(dir("day.tar.zst"), "precious")
        #expect(thrownCodes { try fixture.pack() } == ["archive.target-exists"])
        #expect(try read(dir("day.tar.zst")) == "precious")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func contentChangedInTransitFailsEvenWhenRepackedByAnotherTar() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir)
        _ = try fixture.packAndExtractWithBsdtar(into: dir("x"))
        // Repacked untouched by bsdtar (another order): still valid.
        #expect(try runProcess("bsdtar", ["--zstd", "-cf", dir("same.tar.zst"), "-C", dir("x"), "day"]).status == 0)
        let (same, sameBundles) = fixture.scan(dir("same.tar.zst"))
        #expect(same.isValid && sameBundles.values.allSatisfy(\.isEmpty), "\(same.diagnostics) \(sameBundles)")
        // One payload byte changed, one bundle removed: both caught.
        try write(dir("x/day/bundles/b2/data/form.json"), #"{"student": {"name": "改了"}}"#)
        try FileManager.default.removeItem(atPath: dir("x/day/bundles/b3"))
        #expect(try runProcess("bsdtar", ["-czf", dir("changed.tar.gz"), "-C", dir("x"), "day"]).status == 0)
        let (changed, bundles) = fixture.scan(dir("changed.tar.gz"))
        #expect(bundles["bundles/b2"]?.contains("bag.checksum-mismatch") == true)
        #expect(changed.diagnostics.map(\.code.rawValue) == ["archive.bundle-missing"])
        // An edited batch.txt breaks its signature.
        try write(dir("x/day/batch.txt"), try read(dir("x/day/batch.txt")).replacingOccurrences(of: "station-01", with: "station-99"))
        #expect(try runProcess("bsdtar", ["-czf", dir("batch.tar.gz"), "-C", dir("x"), "day"]).status == 0)
        #expect(fixture.scan(dir("batch.tar.gz")).0.diagnostics.map(\.code.rawValue).contains("sig.invalid"))
    }

    @Test func untrustedPackerIsAnError() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 1)
        let (archive, _) = try fixture.pack()
        let (scan, bundles) = fixture.scan(archive, trust: TrustStore())
        #expect(scan.diagnostics.map(\.code.rawValue) == ["sig.untrusted-key"])
        #expect(bundles["bundles/b1"] == ["sig.untrusted-key"])
    }

    @Test func truncatedArchiveIsCorruptAndUnpackLeavesNothing() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir)
        let (archive, _) = try fixture.pack()
        let bytes = try FileIO.readAll(archive)
        try write(dir("cut.tar.zst"), Array(bytes.prefix(bytes.count / 2)))
        let (scan, _) = fixture.scan(dir("cut.tar.zst"))
        #expect(scan.diagnostics.map(\.code.rawValue).contains("archive.corrupt"))
        #expect(thrownCodes { try Unpacker(trust: nil).unpack(dir("cut.tar.zst"), to: dir("out")) } == ["archive.corrupt"])
        let left = (try? FileManager.default.contentsOfDirectory(atPath: dir("out"))) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    /// A hostile archive built in code: a batch directory with a `../` entry and a symlink.
    @Test func hostileEntriesAreRefusedWithTheirNames() throws {
        let dir = TemporaryDirectory()
        for (name, kind) in [("day/../../escape.txt", "file"), ("day/bundles/b1/data/link", "symlink"), ("/etc/cron.d/x", "file")] {
            let path = dir("hostile-\(kind)-\(abs(name.hashValue)).tar")
            let archive = archive_write_new()!
            archive_write_set_format_pax_restricted(archive)
            archive_write_open_filename(archive, path)
            for (entryName, isDirectory) in [("day/", true), ("day/batch.txt", false)] + [(name, false)] {
                let entry = archive_entry_new()!
                archive_entry_set_pathname(entry, entryName)
                if entryName == name && kind == "symlink" {
                    archive_entry_set_filetype(entry, UInt32(enroll_AE_IFLNK))
                    archive_entry_set_symlink(entry, "/etc/passwd")
                } else {
                    archive_entry_set_filetype(entry, UInt32(isDirectory ? enroll_AE_IFDIR : enroll_AE_IFREG))
                    archive_entry_set_size(entry, isDirectory ? 0 : 2)
                }
                archive_entry_set_perm(entry, 0o644)
                archive_write_header(archive, entry)
                if !isDirectory && kind != "symlink" || (!isDirectory && entryName != name) { _ = archive_write_data(archive, "x\n", 2) }
                archive_entry_free(entry)
            }
            archive_write_close(archive)
            archive_write_free(archive)
            var seen = 0
            let scan = ArchiveScanner(trust: nil).scan(path) { _, _ in seen += 1 }
            let problem = try #require(scan.diagnostics.first)
            #expect(["archive.unsafe-path", "archive.entry-type", "archive.outside-batch"].contains(problem.code), "\(problem)")
            #expect(problem.location.entry == name || problem.location.entry?.contains("escape") == true || problem.location.entry?.contains("link") == true, "\(problem.location)")
            #expect(!problem.message.zh.isEmpty && !problem.message.en.isEmpty)
            #expect(thrownCodes { try Unpacker(trust: nil).unpack(path, to: dir("out-\(kind)")) } == [problem.code.rawValue], "unpack refuses it as the scan does")
            #expect(!FileManager.default.fileExists(atPath: dir("escape.txt")))
            #expect(!FileManager.default.fileExists(atPath: (dir.path as NSString).deletingLastPathComponent + "/escape.txt"))
        }
    }

    @Test func unpackRefusesToOverwriteAnExistingBundle() throws {
        let dir = TemporaryDirectory()
        let fixture = try TransferFixture(dir, count: 2)
        let (archive, _) = try fixture.pack()
        try write(dir("out/b2/keep.txt"), "mine")
        #expect(thrownCodes { try Unpacker(trust: nil).unpack(archive, to: dir("out")) } == ["io.exists"])
        #expect(try read(dir("out/b2/keep.txt")) == "mine")
        #expect(!FileManager.default.fileExists(atPath: dir("out/b1")))
    }

    @Test func batchManifestRoundTrip() throws {
        let manifest = BatchManifest(station: "s", keyID: "0011223344556677", created: "2026-06-03T17:05:00Z", entries: [
            .init(digest: String(repeating: "a", count: 64), path: "bundles/x"),
        ])
        #expect(try BatchManifest(bytes: manifest.rendered(), file: "batch.txt") == manifest)
        var broken = manifest.rendered()
        broken.removeLast(10)
        #expect(thrownCodes { _ = try BatchManifest(bytes: broken, file: "batch.txt") } == ["archive.batch-malformed"])
    }
}
