import Foundation
import Testing

@testable import EnrollCore

/// A station with a key, a trust directory holding its public key, and form data.
struct StationFixture {
    let dir: TemporaryDirectory
    let key: SignifySecretKey
    let keyPath: String
    let trust: TrustStore

    init(_ dir: TemporaryDirectory, name: String = "station-01") throws {
        self.dir = dir
        let written = try KeyFiles.generate(in: dir("keys"), name: name)
        keyPath = written.secret
        key = try SignifySecretKey(contentsOf: written.secret)
        try FileManager.default.createDirectory(atPath: dir("trust"), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: dir("trust/\(name).pub")) {
            try FileManager.default.copyItem(atPath: written.public, toPath: dir("trust/\(name).pub"))
        }
        trust = try TrustStore(directory: dir("trust"))
        try write(dir("form.json"), #"{"student": {"name": "测试"}}"#)
        try write(dir("photo.png"), makePNG(width: 4, height: 4))
    }

    var signer: (key: SignifySecretKey, station: String) { (key, "station-01") }

    /// Makes a signed revision-1 bundle.
    func signedBundle(_ name: String) throws -> String {
        try BundleOperations().create(
            form: "test-form", formVersion: "1", data: dir("form.json"),
            attachments: [try AttachmentInput(parsing: "student-photo=\(dir("photo.png"))")],
            directory: dir(name), signer: signer)
        return dir(name)
    }
}

@Suite("Application bundles")
struct BundleTests {
    @Test func newBundleIsABagWithEnrollMetadata() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try station.signedBundle("b1")
        let result = try BundleVerifier(trust: station.trust).verify(directory: path)
        #expect(result.isValid, "\(result.diagnostics)")
        #expect(result.header?.revision == 1)
        #expect(result.header?.previousRevision == nil)
        #expect(result.header?.station == "station-01")
        #expect(result.header?.keyID == station.key.keyID)
        #expect(result.signer?.name == "station-01")
        #expect(FileManager.default.fileExists(atPath: path + "/data/attachments/student-photo/1.png"))
        #expect(result.bag.info["Payload-Oxum"] != nil)
        #expect(result.bag.info["Bagging-Date"] != nil)
    }

    @Test func draftIsUnsignedUntilSigned() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        try BundleOperations().create(form: "test-form", formVersion: "1", data: dir("form.json"), attachments: [], directory: dir("d"))
        let draft = try BundleVerifier(trust: station.trust).verify(directory: dir("d"))
        #expect(draft.diagnostics.errors.map(\.code.rawValue) == ["sig.missing"])
        try BundleOperations().sign(dir("d"), key: station.key, station: "station-01")
        let signed = try BundleVerifier(trust: station.trust).verify(directory: dir("d"))
        #expect(signed.isValid, "\(signed.diagnostics)")
        // Signing twice is refused: a signed bundle is never changed.
        #expect(thrownCodes { try BundleOperations().sign(dir("d"), key: station.key, station: "station-01") } == ["sig.already-signed"])
    }

    @Test func tamperingAfterSigningIsCaught() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let verifier = BundleVerifier(trust: station.trust)

        let payload = try station.signedBundle("payload")
        try write(payload + "/data/form.json", #"{"student": {"name": "改过了"}}"#)
        #expect(Set(try verifier.verify(directory: payload).diagnostics.errors.map(\.code.rawValue)) == ["bag.checksum-mismatch", "bag.oxum-mismatch"])

        let info = try station.signedBundle("info")
        try write(info + "/bag-info.txt", try read(info + "/bag-info.txt").replacingOccurrences(of: "Enroll-Form-Version: 1", with: "Enroll-Form-Version: 2"))
        #expect(try verifier.verify(directory: info).diagnostics.errors.map(\.code.rawValue) == ["bag.tag-checksum-mismatch"])

        // Rewriting the tag manifest to match hides nothing: the signature no longer verifies.
        try FileIO.replaceAtomically(info + "/tagmanifest-sha256.txt", try BundleWriter.tagManifestContents(in: info))
        #expect(try verifier.verify(directory: info).diagnostics.errors.map(\.code.rawValue) == ["sig.invalid"])
    }

    @Test func missingOrTruncatedSignature() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let verifier = BundleVerifier(trust: station.trust)
        let missing = try station.signedBundle("missing")
        try FileManager.default.removeItem(atPath: missing + "/" + BundleLayout.signature)
        #expect(try verifier.verify(directory: missing).diagnostics.errors.map(\.code.rawValue) == ["sig.missing"])

        let truncated = try station.signedBundle("truncated")
        let bytes = try FileIO.readAll(truncated + "/" + BundleLayout.signature)
        try write(truncated + "/" + BundleLayout.signature, Array(bytes.prefix(bytes.count - 20)))
        #expect(try verifier.verify(directory: truncated).diagnostics.errors.map(\.code.rawValue) == ["sig.malformed"])
    }

    @Test func untrustedAndRevokedKeysAreErrors() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try station.signedBundle("b")
        let strangers = try BundleVerifier(trust: TrustStore()).verify(directory: path)
        #expect(strangers.diagnostics.errors.map(\.code.rawValue) == ["sig.untrusted-key"])
        try write(dir("trust/revoked.txt"), "\(station.key.keyID) key copied to a USB stick\n")
        let revoked = try BundleVerifier(trust: try TrustStore(directory: dir("trust"))).verify(directory: path)
        #expect(revoked.diagnostics.errors.map(\.code.rawValue) == ["sig.revoked-key"])
        #expect(revoked.diagnostics.errors[0].message.en.contains("key copied to a USB stick"))
    }

    @Test func stationNameMustMatchTheKeyHolder() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        try BundleOperations().create(
            form: "test-form", formVersion: "1", data: dir("form.json"), attachments: [],
            directory: dir("b"), signer: (station.key, "some-other-station"))
        let result = try BundleVerifier(trust: station.trust).verify(directory: dir("b"))
        #expect(result.diagnostics.errors.map(\.code.rawValue) == ["sig.station-mismatch"])
    }

    @Test func revisionsChainAndWithdrawalEndsTheChain() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let first = try station.signedBundle("r1")
        let firstResult = try BundleVerifier(trust: station.trust).verify(directory: first)
        try write(dir("form2.json"), #"{"student": {"name": "第二版"}}"#)
        try write(dir("photo2.png"), makePNG(width: 5, height: 5))
        let second = try BundleOperations().revise(
            first, data: dir("form2.json"), attachments: [try AttachmentInput(parsing: "household=\(dir("photo2.png"))")],
            directory: dir("r2"), signer: station.signer)
        #expect(second.revision == 2)
        let secondResult = try BundleVerifier(trust: station.trust).verify(directory: dir("r2"))
        #expect(secondResult.isValid, "\(secondResult.diagnostics)")
        #expect(secondResult.header?.previousRevision == firstResult.tagManifestDigest)
        #expect(secondResult.header?.applicationID == firstResult.header?.applicationID)
        // The photo slot was kept, the new slot added, the form replaced.
        #expect(FileManager.default.fileExists(atPath: dir("r2/data/attachments/student-photo/1.png")))
        #expect(FileManager.default.fileExists(atPath: dir("r2/data/attachments/household/1.png")))
        #expect(try read(dir("r2/data/form.json")).contains("第二版"))

        let withdrawal = try BundleOperations().withdraw(dir("r2"), reason: "moved away", directory: dir("r3"), signer: station.signer)
        #expect(withdrawal.kind == .withdrawal)
        let third = try BundleVerifier(trust: station.trust).verify(directory: dir("r3"))
        #expect(third.isValid, "\(third.diagnostics)")
        #expect(third.header?.previousRevision == secondResult.tagManifestDigest)
        #expect(try read(dir("r3/data/withdrawal.json")).contains("moved away"))
        // Nothing follows a withdrawal.
        do {
            try BundleOperations().revise(dir("r3"), data: nil, attachments: [], directory: dir("r4"))
            Issue.record("a withdrawn application was revised")
        } catch let error as EnrollError {
            #expect(error.diagnostics.map(\.code.rawValue) == ["bag.withdrawn"])
        }
        #expect(!FileManager.default.fileExists(atPath: dir("r4")))
    }

    @Test func revisingAnUnsignedDraftIsRefused() throws {
        let dir = TemporaryDirectory()
        _ = try StationFixture(dir)
        try BundleOperations().create(form: "test-form", formVersion: "1", data: dir("form.json"), attachments: [], directory: dir("d"))
        #expect(thrownCodes { try BundleOperations().revise(dir("d"), data: nil, attachments: [], directory: dir("d2")) } == ["bag.unsigned-previous"])
    }

    @Test func badInputsAreRefusedAndNothingIsLeftBehind() throws {
        let dir = TemporaryDirectory()
        _ = try StationFixture(dir)
        func code(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let error as EnrollError { return error.diagnostics.first?.code.rawValue } catch { return "\(error)" }
        }
        try write(dir("broken.json"), #"{"student": {"name": "x""#)
        #expect(code { try BundleOperations().create(form: "f", formVersion: "1", data: dir("broken.json"), attachments: [], directory: dir("o1")) } == "form.json-malformed")
        try write(dir("bom.json"), [0xEF, 0xBB, 0xBF] + Array("{}".utf8))
        #expect(code { try BundleOperations().create(form: "f", formVersion: "1", data: dir("bom.json"), attachments: [], directory: dir("o2")) } == "form.json-malformed")
        try write(dir("fake.jpg"), "this is not an image")
        #expect(code { try BundleOperations().create(form: "f", formVersion: "1", data: dir("form.json"), attachments: [try AttachmentInput(parsing: "p=\(dir("fake.jpg"))")], directory: dir("o3")) } == "attachment.type-unknown")
        #expect(code { _ = try AttachmentInput(parsing: "no-equals-sign") } == "usage.attach")
        #expect(code { _ = try AttachmentInput(parsing: "../x=\(dir("photo.png"))") } == "usage.attach")
        // Nothing half-made is left: no output and no hidden staging directory.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("o") || $0.hasPrefix(".o") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func verificationNeverModifiesTheBundle() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try station.signedBundle("b")
        try write(path + "/data/form.json", "{}")
        let before = try treeFingerprint(path)
        _ = try BundleVerifier(trust: station.trust).verify(directory: path)
        #expect(try treeFingerprint(path) == before)
    }

    @Test func mediaTypesAreSniffedNotGuessed() throws {
        #expect(MediaType.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(MediaType.sniff(makePNG(width: 1, height: 1)) == .png)
        #expect(MediaType.sniff(Array("%PDF-1.7".utf8)) == .pdf)
        #expect(MediaType.sniff(Array("GIF89a".utf8)) == nil)
        let png = ImageInfo.inspect(makePNG(width: 295, height: 413))
        #expect(png?.width == 295 && png?.height == 413 && png?.isComplete == true)
        let cut = ImageInfo.inspect(Array(makePNG(width: 30, height: 30).dropLast(20)))
        #expect(cut?.isComplete == false)
    }

    @Test func privacyMasking() {
        #expect(Privacy.maskIDNumber("230109201801010002") == "23****************")
        #expect(Privacy.maskPhone("13812345678") == "138******78")
        #expect(Privacy.maskIDNumber("E12345678") == "E1******8")
    }
}

@Suite("Interoperability with bagit-python")
struct BagitPythonInteropTests {
    @Test func enrollBundlesValidateWithBagitPython() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try station.signedBundle("b")
        let result = try runProcess("python3", ["-m", "bagit", "--validate", path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("is valid"))
    }

    @Test func bagitPythonBagsValidateWithEnroll() throws {
        let dir = TemporaryDirectory()
        try write(dir("bag/a.txt"), "alpha\n")
        try write(dir("bag/子目录/b.txt"), "beta\n")
        let made = try runProcess("python3", ["-m", "bagit", "--sha512", "--sha256", "--contact-name", "Test", dir("bag")])
        #expect(made.status == 0, "\(made.stderr)")
        let report = try BagValidator().validate(directory: dir("bag"))
        #expect(report.isValid, "\(report.diagnostics)")
        #expect(report.payloadAlgorithms == [.sha256, .sha512])
        #expect(report.payloadFileCount == 2)
        // And a change bagit-python would catch, enroll catches too.
        try write(dir("bag/data/a.txt"), "ALPHA\n")
        #expect(try BagValidator().validate(directory: dir("bag")).isValid == false)
        let python = try runProcess("python3", ["-m", "bagit", "--validate", dir("bag")])
        #expect(python.status != 0)
    }
}
