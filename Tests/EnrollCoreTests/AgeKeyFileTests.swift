import AgeKit
import Foundation
import Testing

@testable import EnrollCore

@Suite("Age key files beside signify keys")
struct AgeKeyFileTests {
    @Test func generateWritesAnAgeIdentityAndItsRecipient() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "station-7")
        let identityPath = try #require(written.ageIdentity)
        let recipientPath = try #require(written.ageRecipient)
        #expect(identityPath == dir("keys/station-7.age") && recipientPath == dir("keys/station-7.age.pub"))
        #expect(FileIO.permissions(identityPath) == 0o600)
        #expect(FileIO.permissions(written.secret) == 0o600)
        let identities = try AgeIdentity.readIdentityFile(atPath: identityPath)
        let recipients = try AgeRecipient.readRecipientsFile(atPath: recipientPath)
        #expect(identities.count == 1 && recipients == [identities[0].recipient])
        #expect(written.recipient == recipients[0].string && written.recipient?.hasPrefix("age1") == true)
        // The age tool reads both files as its own.
        let derived = try runProcess("age-keygen", ["-y", identityPath])
        #expect(derived.status == 0, "\(derived.stderr)")
        #expect(derived.stdout.trimmingCharacters(in: .newlines) == recipients[0].string)
        let encrypted = try runProcess("age", ["-R", recipientPath, "-o", dir("note.age"), dir("keys/station-7.pub")])
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        let decrypted = try runProcess("age", ["-d", "-i", identityPath, dir("note.age")])
        let original = try read(dir("keys/station-7.pub"))
        #expect(decrypted.status == 0 && decrypted.stdout == original)
    }

    @Test func noAgeWritesTheSignifyPairOnly() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "district", age: false)
        #expect(written.ageIdentity == nil && written.ageRecipient == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir("keys")).sorted() == ["district.pub", "district.sec"])
    }

    @Test func anExistingAgeIdentityIsNeverOverwrittenAndNothingIsWritten() throws {
        let dir = TemporaryDirectory()
        try write(dir("keys/st.age"), "# someone's identity\n")
        #expect(thrownCodes { _ = try KeyFiles.generate(in: dir("keys"), name: "st") } == ["io.exists"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir("keys")) == ["st.age"])
        #expect(try read(dir("keys/st.age")) == "# someone's identity\n")
    }

    @Test func aTrustDirectoryWithBothKindsVerifiesASignedBundle() throws {
        let dir = TemporaryDirectory()
        // The fixture's keys directory holds station-a.sec/.pub/.age/.age.pub.
        let district = try DistrictFixture(dir)
        let bundle = try district.application("a", from: "harbin-public-primary-2024-000001")
        #expect(FileManager.default.fileExists(atPath: dir("keys/station-a.age.pub")))
        let trust = try TrustStore(directory: dir("keys"))
        #expect(trust.keys.values.map(\.name) == ["station-a"])
        let identity = try AgeIdentity.readIdentityFile(atPath: dir("keys/station-a.age"))[0]
        #expect(trust.recipients == ["station-a": [identity.recipient]])
        let verification = try BundleVerifier(trust: trust).verify(directory: bundle)
        #expect(verification.isValid, "\(verification.diagnostics)")
        #expect(verification.signer?.name == "station-a")
    }

    @Test func aMalformedKeyOfEitherKindIsRefusedWithItsOwnCode() throws {
        let dir = TemporaryDirectory()
        _ = try KeyFiles.generate(in: dir("trust"), name: "st1")
        // A signify key where an age recipient belongs.
        try FileManager.default.copyItem(atPath: dir("trust/st1.pub"), toPath: dir("trust/st2.age.pub"))
        #expect(thrownCodes { _ = try TrustStore(directory: dir("trust")) } == ["sig.trust-recipient-malformed"])
        try FileManager.default.removeItem(atPath: dir("trust/st2.age.pub"))
        // An age recipient where a signify key belongs is still a malformed signify key.
        try FileManager.default.copyItem(atPath: dir("trust/st1.age.pub"), toPath: dir("trust/st3.pub"))
        #expect(thrownCodes { _ = try TrustStore(directory: dir("trust")) } == ["sig.malformed"])
    }
}
