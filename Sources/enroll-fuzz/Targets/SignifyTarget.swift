import EnrollCore

/// signify public key, secret key and signature files (DESIGN §4). A public key and a
/// signature that parse are checked against each other, and must write back byte-identical
/// in their base64 line.
enum SignifyTarget {
    static let target = FuzzTarget(name: "signify", summary: "SignifyPublicKey / SignifySecretKey / SignifySignature file parsing") { input in
        let bytes = Array(input)
        let publicKey = try? SignifyPublicKey(bytes: bytes, path: "fuzz.pub")
        let signature = try? SignifySignature(bytes: bytes, path: "fuzz.sig")
        _ = try? SignifySecretKey(bytes: bytes, path: "fuzz.sec")
        if let publicKey {
            _ = publicKey.isValidSignature(fixedSignature, for: bytes)
            fuzzInvariant((try? SignifyPublicKey(bytes: publicKey.fileContents)) == publicKey, "a public key does not survive a round trip")
        }
        if let signature {
            _ = fixedKey.isValidSignature(signature, for: bytes)
            let again = try? SignifySignature(bytes: signature.fileContents(publicKeyName: "fuzz.pub"))
            fuzzInvariant(again == signature, "a signature does not survive a round trip")
        }
    }

    static let (fixedSecret, fixedKey) = SignifySecretKey.generate(name: "fuzz")
    static let fixedSignature = try! fixedSecret.sign(Array("enroll fuzz".utf8))
}
