import Foundation
import Testing

@testable import EnrollCore

/// Builds small bags by hand, so each test controls every byte.
struct BagFixture {
    let root: String
    var files: [String: [UInt8]] = ["data/hello.txt": Array("hello\n".utf8), "data/sub/二.txt": Array("二\n".utf8)]
    var algorithms: [ChecksumAlgorithm] = [.sha256]
    var tagAlgorithms: [ChecksumAlgorithm] = [.sha256]

    init(root: String) { self.root = root }

    /// Writes the bag: payload, manifests, bagit.txt, bag-info.txt, tag manifests.
    func make(info: String? = nil) throws {
        for (path, bytes) in files { try write(root + "/" + path, bytes) }
        if files.isEmpty { try FileManager.default.createDirectory(atPath: root + "/data", withIntermediateDirectories: true) }
        for algorithm in algorithms {
            var text = ""
            for path in files.keys.sorted() {
                var hasher = MultiHasher([algorithm])
                files[path]!.withUnsafeBytes { hasher.update($0) }
                text += "\(hasher.finalize()[algorithm]!)  \(BagPath.encode(path))\n"
            }
            try write(root + "/manifest-\(algorithm.rawValue).txt", text)
        }
        try write(root + "/bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")
        let octets = files.values.reduce(0) { $0 + $1.count }
        try write(root + "/bag-info.txt", info ?? "Payload-Oxum: \(octets).\(files.count)\nSource-Organization: Test\n")
        try retag()
    }

    /// Rewrites the tag manifests after a tag file was edited on purpose.
    func retag() throws {
        for algorithm in tagAlgorithms {
            var text = ""
            let tagNames = ["bagit.txt", "bag-info.txt"] + algorithms.map { "manifest-\($0.rawValue).txt" }
            for name in tagNames.sorted() {
                var hasher = MultiHasher([algorithm])
                try FileIO.readAll(root + "/" + name).withUnsafeBytes { hasher.update($0) }
                text += "\(hasher.finalize()[algorithm]!)  \(name)\n"
            }
            try write(root + "/tagmanifest-\(algorithm.rawValue).txt", text)
        }
    }

    func validate() throws -> BagReport { try BagValidator().validate(directory: root) }
}

extension BagReport {
    var codes: [String] { diagnostics.errors.map(\.code.rawValue) }
    var warningCodes: [String] { diagnostics.warnings.map(\.code.rawValue) }
}

@Suite("BagIt validator (RFC 8493)")
struct BagValidatorTests {
    @Test func validBagHasNoProblems() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        let report = try bag.validate()
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.isValid)
        #expect(report.payloadFileCount == 2)
        #expect(report.version == "1.0")
    }

    @Test func sha512AndSha256ManifestsBothChecked() throws {
        let dir = TemporaryDirectory()
        var bag = BagFixture(root: dir("bag"))
        bag.algorithms = [.sha256, .sha512]
        bag.tagAlgorithms = [.sha512]
        try bag.make()
        #expect(try bag.validate().isValid)
        // Break only the SHA-512 manifest: the bag must fail on that manifest alone.
        var text = try read(dir("bag/manifest-sha512.txt"))
        text = "0" + text.dropFirst()
        if text == (try read(dir("bag/manifest-sha512.txt"))) { text = "1" + text.dropFirst() }
        try write(dir("bag/manifest-sha512.txt"), text)
        try bag.retag()
        let report = try bag.validate()
        #expect(report.codes == ["bag.checksum-mismatch"])
        #expect(report.diagnostics.errors.first?.message.en.contains("manifest-sha512.txt") == true)
    }

    @Test func weakAlgorithmIsAWarning() throws {
        let dir = TemporaryDirectory()
        var bag = BagFixture(root: dir("bag"))
        bag.algorithms = [.md5]
        bag.tagAlgorithms = [.sha1]
        try bag.make()
        let report = try bag.validate()
        #expect(report.isValid)
        #expect(report.warningCodes.filter { $0 == "bag.algorithm-weak" }.count == 2)
    }

    @Test func tamperedPayloadByteIsReported() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/data/hello.txt"), "hellO\n")
        let report = try bag.validate()
        #expect(report.codes == ["bag.checksum-mismatch"])
        #expect(report.diagnostics.errors[0].location.file == dir("bag/data/hello.txt"))
    }

    @Test func missingAndExtraFilesAreBothReportedWithOxum() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try FileManager.default.removeItem(atPath: dir("bag/data/hello.txt"))
        try write(dir("bag/data/extra.txt"), "extra")
        let report = try bag.validate()
        #expect(Set(report.codes) == ["bag.file-missing", "bag.file-unlisted", "bag.oxum-mismatch"])
        #expect(report.codes.count == 3)
    }

    @Test func editedBagInfoFailsTheTagManifest() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/bag-info.txt"), try read(dir("bag/bag-info.txt")) + "Contact-Name: Mallory\n")
        let report = try bag.validate()
        #expect(report.codes == ["bag.tag-checksum-mismatch"])
    }

    @Test func oxumMalformedAndMismatched() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make(info: "Payload-Oxum: 12.x\n")
        #expect(try bag.validate().codes == ["bag.info-malformed"])
        let other = BagFixture(root: dir("bag2"))
        try other.make(info: "Payload-Oxum: 1.2\n")
        let report = try other.validate()
        #expect(report.codes == ["bag.oxum-mismatch"])
        #expect(report.diagnostics.errors[0].location.line == 1)
    }

    @Test func percentEncodedNamesRoundTrip() throws {
        let dir = TemporaryDirectory()
        var bag = BagFixture(root: dir("bag"))
        bag.files = ["data/100%.txt": Array("x".utf8), "data/line\nbreak.txt": Array("y".utf8)]
        try bag.make()
        let manifest = try read(dir("bag/manifest-sha256.txt"))
        #expect(manifest.contains("data/100%25.txt"))
        #expect(manifest.contains("data/line%0Abreak.txt"))
        let report = try bag.validate()
        #expect(report.isValid, "\(report.diagnostics)")
    }

    @Test func dotSlashPrefixIsAcceptedWithAWarning() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        let text = try read(dir("bag/manifest-sha256.txt")).replacingOccurrences(of: "  data/", with: "  ./data/")
        try write(dir("bag/manifest-sha256.txt"), text)
        try bag.retag()
        let report = try bag.validate()
        #expect(report.isValid)
        #expect(report.warningCodes == ["bag.path-dot-prefix", "bag.path-dot-prefix"])
    }

    @Test func pathsEscapingTheBagAreErrors() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        let digest = String(repeating: "a", count: 64)
        let text = try read(dir("bag/manifest-sha256.txt"))
            + "\(digest)  data/../../etc/passwd\n\(digest)  /etc/passwd\n\(digest)  bagit.txt\n"
        try write(dir("bag/manifest-sha256.txt"), text)
        try bag.retag()
        let report = try bag.validate()
        #expect(report.codes == ["bag.path-unsafe", "bag.path-unsafe", "bag.manifest-path-outside-payload"])
        #expect(report.diagnostics.errors.map(\.location.line) == [3, 4, 5])
    }

    @Test func duplicateEntriesAreErrors() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        let text = try read(dir("bag/manifest-sha256.txt"))
        let first = text.split(separator: "\n")[0]
        try write(dir("bag/manifest-sha256.txt"), text + first + "\n")
        try bag.retag()
        #expect(try bag.validate().codes == ["bag.manifest-duplicate"])
    }

    @Test func malformedManifestLinesAreLocated() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/manifest-sha256.txt"), try read(dir("bag/manifest-sha256.txt")) + "nothex  data/x\njustonefield\n")
        try bag.retag()
        let report = try bag.validate()
        #expect(report.codes == ["bag.manifest-malformed", "bag.manifest-malformed"])
        #expect(report.diagnostics.errors.map(\.location.line) == [3, 4])
    }

    @Test func byteOrderMarkInBagitTxtIsAnError() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/bagit.txt"), [0xEF, 0xBB, 0xBF] + Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8))
        try bag.retag()
        #expect(try bag.validate().codes == ["bag.bom"])
    }

    @Test func invalidUTF8InATagFileIsLocated() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/bag-info.txt"), Array("Source-Organization: ok\nContact-Name: ".utf8) + [0xC3, 0x28] + [0x0A])
        try bag.retag()
        let report = try bag.validate()
        #expect(report.codes == ["bag.encoding"])
        #expect(report.diagnostics.errors[0].location.line == 2)
        #expect(report.diagnostics.errors[0].location.column == 15)
    }

    @Test func crlfAndCRLineEndingsAreAccepted() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/bagit.txt"), "BagIt-Version: 1.0\r\nTag-File-Character-Encoding: UTF-8\r\n")
        let manifest = try read(dir("bag/manifest-sha256.txt")).replacingOccurrences(of: "\n", with: "\r")
        try write(dir("bag/manifest-sha256.txt"), manifest)
        try bag.retag()
        let report = try bag.validate()
        #expect(report.isValid, "\(report.diagnostics)")
    }

    @Test func unicodeNormalizationDifferenceIsAWarning() throws {
        let dir = TemporaryDirectory()
        var bag = BagFixture(root: dir("bag"))
        let nfd = "data/caf\u{65}\u{301}.txt"
        bag.files = [nfd: Array("x".utf8)]
        try bag.make()
        // The manifest names the file in NFC; the disk has NFD (as macOS tools write).
        let text = try read(dir("bag/manifest-sha256.txt")).replacingOccurrences(of: "e\u{301}", with: "\u{e9}")
        try write(dir("bag/manifest-sha256.txt"), text)
        #expect(Array(text.utf8).contains(0xC3))
        try bag.retag()
        let report = try bag.validate()
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.warningCodes == ["bag.path-normalization"])
    }

    @Test func namesCollidingUnderNormalizationAreErrors() throws {
        let dir = TemporaryDirectory()
        var bag = BagFixture(root: dir("bag"))
        bag.files = ["data/caf\u{e9}.txt": Array("1".utf8)]
        try bag.make()
        try write(dir("bag/data/caf\u{65}\u{301}.txt"), "2")
        let report = try bag.validate()
        #expect(report.codes.contains("bag.filename-collision"))
    }

    @Test func fetchListedFilesMayBeAbsent() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make(info: "Source-Organization: Test\n")
        try FileManager.default.removeItem(atPath: dir("bag/data/hello.txt"))
        try write(dir("bag/fetch.txt"), "https://example.invalid/hello.txt 6 data/hello.txt\n")
        let report = try bag.validate()
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.warningCodes == ["bag.fetch-pending"])
    }

    @Test func symlinksAreRefusedAndNotFollowed() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try FileManager.default.createSymbolicLink(atPath: dir("bag/data/link"), withDestinationPath: "/etc/passwd")
        let report = try bag.validate()
        #expect(report.codes == ["bag.symlink"])
    }

    @Test func missingDeclarationAndManifestAreErrors() throws {
        let dir = TemporaryDirectory()
        try write(dir("bag/data/a.txt"), "a")
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(Set(report.codes) == ["bag.declaration-missing", "bag.manifest-missing"])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/data/hello.txt"), "changed")
        try write(dir("bag/data/new.txt"), "new")
        try write(dir("bag/bag-info.txt"), "Payload-Oxum: 1.1\n")
        let report = try bag.validate()
        #expect(Set(report.codes) == ["bag.checksum-mismatch", "bag.file-unlisted", "bag.oxum-mismatch", "bag.tag-checksum-mismatch"])
    }

    @Test func unreadablePathThrowsAnIOError() throws {
        let dir = TemporaryDirectory()
        #expect(thrownCodes { _ = try BagValidator().validate(directory: dir("nope")) } == ["io.not-found"])
        do {
            _ = try BagValidator().validate(directory: dir("nope"))
        } catch let error as EnrollError {
            #expect(error.exitStatus == .usageOrIO)
            #expect(error.diagnostics[0].code == "io.not-found")
        }
    }

    @Test func validationNeverModifiesTheBag() throws {
        let dir = TemporaryDirectory()
        let bag = BagFixture(root: dir("bag"))
        try bag.make()
        try write(dir("bag/data/hello.txt"), "tampered")
        let before = try treeFingerprint(dir("bag"))
        _ = try bag.validate()
        #expect(try treeFingerprint(dir("bag")) == before)
    }
}
