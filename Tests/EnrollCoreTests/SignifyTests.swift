import Crypto
import Foundation
import Testing

@testable import EnrollCore

@Suite("Signify keys and signatures")
struct SignifyTests {
    @Test func generatedKeysRoundTripAndSign() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "station-01")
        #expect(FileIO.permissions(written.secret) == 0o600)
        let secret = try SignifySecretKey(contentsOf: written.secret)
        let publicKey = try SignifyPublicKey(contentsOf: written.public)
        #expect(secret.keyID == publicKey.keyID)
        #expect(secret.keyID == written.keyID)
        let message = Array("tagmanifest bytes\n".utf8)
        let signature = try secret.sign(message)
        #expect(publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature(signature, for: message + [0]))
        // Through the file format and back.
        let reread = try SignifySignature(bytes: signature.fileContents(publicKeyName: "station-01.pub"))
        #expect(reread == signature)
    }

    @Test func generateRefusesToOverwrite() throws {
        let dir = TemporaryDirectory()
        _ = try KeyFiles.generate(in: dir("keys"), name: "a")
        let before = try treeFingerprint(dir("keys"))
        #expect(thrownCodes { try KeyFiles.generate(in: dir("keys"), name: "a") } == ["io.exists"])
        #expect(try treeFingerprint(dir("keys")) == before)
    }

    @Test func secretKeyReadableByOthersIsRefused() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "a")
        chmod(written.secret, 0o644)
        do {
            _ = try SignifySecretKey(contentsOf: written.secret)
            Issue.record("a world-readable key was accepted")
        } catch let error as EnrollError {
            #expect(error.diagnostics.map(\.code.rawValue) == ["sig.key-permissions"])
        }
    }

    @Test func wrongFormatsHaveDistinctCodes() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir("keys"), name: "a")
        let secretBytes = try FileIO.readAll(written.secret)
        func code(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch let error as EnrollError { return error.diagnostics.first?.code.rawValue } catch { return "other" }
        }
        // A public key given where a secret key is expected: wrong length.
        #expect(code { _ = try SignifySecretKey(bytes: try FileIO.readAll(written.public)) } == "sig.malformed")
        // Truncated base64.
        #expect(code { _ = try SignifySecretKey(bytes: Array(secretBytes.prefix(80))) } == "sig.malformed")
        // No comment line.
        #expect(code { _ = try SignifyPublicKey(bytes: Array("hello\nworld\n".utf8)) } == "sig.malformed")
        // One changed byte of the secret part: the checksum catches it.
        let text = String(decoding: secretBytes, as: UTF8.self).split(separator: "\n")
        var blob = Array(Data(base64Encoded: String(text[1]))!)
        blob[60] ^= 0x01
        let corrupt = Array("\(text[0])\n\(Data(blob).base64EncodedString())\n".utf8)
        #expect(code { _ = try SignifySecretKey(bytes: corrupt) } == "sig.key-corrupt")
        // A passphrase-protected key (kdfrounds 42).
        var encrypted = Array(Data(base64Encoded: String(text[1]))!)
        encrypted[7] = 42
        let protected = Array("\(text[0])\n\(Data(encrypted).base64EncodedString())\n".utf8)
        #expect(code { _ = try SignifySecretKey(bytes: protected) } == "sig.key-encrypted")
    }

    /// Wycheproof's Ed25519 vectors, run through enroll's own signify layer: every "valid"
    /// signature verifies and every "invalid" one is refused.
    @Test func wycheproofEd25519Vectors() throws {
        let path = sharedDirectory + "/conformance/ed25519/wycheproof_ed25519_test.json"
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var checked = 0
        for group in root["testGroups"] as! [[String: Any]] {
            let key = (group["publicKey"] as! [String: Any])["pk"] as! String
            let publicKey = SignifyPublicKey(keyID: KeyID(bytes: [1, 2, 3, 4, 5, 6, 7, 8])!, rawKey: Hex.decode(key)!, comment: "wycheproof")
            for test in group["tests"] as! [[String: Any]] {
                let message = Hex.decode(test["msg"] as! String)!
                let signatureBytes = Hex.decode(test["sig"] as! String)!
                let expected = test["result"] as! String == "valid"
                var actual = false
                if signatureBytes.count == 64 {
                    actual = publicKey.isValidSignature(
                        SignifySignature(keyID: publicKey.keyID, rawSignature: signatureBytes), for: message)
                }
                #expect(actual == expected, "tcId \(test["tcId"]!): \(test["comment"]!)")
                checked += 1
            }
        }
        #expect(checked == root["numberOfTests"] as! Int)
        print("Wycheproof Ed25519: \(checked) vectors checked")
    }

    @Test func trustStoreLoadsKeysAndRevocations() throws {
        let dir = TemporaryDirectory()
        let a = try KeyFiles.generate(in: dir("keys"), name: "a")
        let b = try KeyFiles.generate(in: dir("keys"), name: "b")
        try FileManager.default.createDirectory(atPath: dir("trust"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a.public, toPath: dir("trust/station-a.pub"))
        try FileManager.default.copyItem(atPath: b.public, toPath: dir("trust/station-b.pub"))
        try write(dir("trust/revoked.txt"), "# lost on 2026-06-01\n\(b.keyID) laptop stolen\n")
        let store = try TrustStore(directory: dir("trust"))
        #expect(store.keys[a.keyID]?.name == "station-a")
        #expect(store.revoked[b.keyID] == "laptop stolen")
        let message = Array("m".utf8)
        let signedByB = try SignifySecretKey(contentsOf: b.secret).sign(message)
        guard case .rejected(let diagnostic) = store.verify(signedByB, message: message, location: Location()) else {
            Issue.record("a revoked key was trusted"); return
        }
        #expect(diagnostic.code == "sig.revoked-key")
        let stranger = SignifySecretKey.generate(name: "x").0
        guard case .rejected(let unknown) = store.verify(try stranger.sign(message), message: message, location: Location()) else {
            Issue.record("an unknown key was trusted"); return
        }
        #expect(unknown.code == "sig.untrusted-key")
    }
}

@Suite("Interoperability with signify-openbsd")
struct SignifyInteropTests {
    @Test func signifyVerifiesEnrollSignatures() throws {
        let dir = TemporaryDirectory()
        let written = try KeyFiles.generate(in: dir.path, name: "st")
        try write(dir("msg"), "the exact bytes of a tag manifest\n")
        let signature = try SignifySecretKey(contentsOf: written.secret).sign(try FileIO.readAll(dir("msg")))
        try write(dir("msg.sig"), signature.fileContents(publicKeyName: "st.pub"))
        let result = try runProcess("signify-openbsd", ["-V", "-p", written.public, "-x", dir("msg.sig"), "-m", dir("msg")])
        #expect(result.status == 0, "\(result.stderr)")
        try write(dir("msg"), "the exact bytes of a tag manifest!\n")
        let tampered = try runProcess("signify-openbsd", ["-V", "-p", written.public, "-x", dir("msg.sig"), "-m", dir("msg")])
        #expect(tampered.status != 0)
    }

    @Test func enrollReadsSignifyKeysAndSignatures() throws {
        let dir = TemporaryDirectory()
        let generate = try runProcess("signify-openbsd", ["-G", "-n", "-p", dir("s.pub"), "-s", dir("s.sec"), "-c", "made by signify"])
        #expect(generate.status == 0, "\(generate.stderr)")
        try write(dir("msg"), "message\n")
        let sign = try runProcess("signify-openbsd", ["-S", "-s", dir("s.sec"), "-m", dir("msg"), "-x", dir("msg.sig")])
        #expect(sign.status == 0, "\(sign.stderr)")
        let publicKey = try SignifyPublicKey(contentsOf: dir("s.pub"))
        let signature = try SignifySignature(bytes: try FileIO.readAll(dir("msg.sig")))
        #expect(publicKey.isValidSignature(signature, for: try FileIO.readAll(dir("msg"))))
        // And enroll signs with signify's secret key, which signify then verifies.
        let secret = try SignifySecretKey(contentsOf: dir("s.sec"))
        #expect(secret.keyID == publicKey.keyID)
        try write(dir("msg2.sig"), try secret.sign(try FileIO.readAll(dir("msg"))).fileContents(publicKeyName: "s.pub"))
        let verify = try runProcess("signify-openbsd", ["-V", "-p", dir("s.pub"), "-x", dir("msg2.sig"), "-m", dir("msg")])
        #expect(verify.status == 0, "\(verify.stderr)")
    }
}
