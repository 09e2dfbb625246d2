import AgeKit
import EnrollCore

/// Keys made for fuzzing only and published here on purpose: the seeds in fuzz/corpus are
/// signed and encrypted with them, so mutations start from inputs that pass the signature and
/// decryption checks. They protect nothing.
enum FuzzKeys {
    /// A signify secret key without a passphrase (`signify -G -n`).
    static let districtSecretFile = """
        untrusted comment: enroll fuzz district key (test only) secret key
        RWRCSwAAAACKdANQqAlbWuQS6sw4Fg4DPKWWuP1fKrEECYg6UMqBSmr3v0W/DznKHGzm45HtbqZNxyD8P5mdpBQAYM+34gBIKU5VhiLNNTur7oIeiDLf76PWgykqbZn+JiWQrr+VbNA=

        """
    /// Its public key.
    static let districtPublicFile = """
        untrusted comment: enroll fuzz district key (test only) public key
        RWQECYg6UMqBSilOVYYizTU7q+6CHogy3++j1oMpKm2Z/iYlkK6/lWzQ

        """
    /// An age identity (`age-keygen`); its recipient is
    /// age1nxv9eprwk23qazqsywr0wckuv94rwtun25qc8f9g2wgxpfz32cmqcxnjgx.
    static let ageIdentity = "AGE-SECRET-KEY-12T2VFNYA90N4ZEZLPGVNC3RML7X57V4Y542CWLK3NV6527G9ECJS6LVWYG"

    static let districtSecret = try! SignifySecretKey(bytes: Array(districtSecretFile.utf8))
    static let districtPublic = try! SignifyPublicKey(bytes: Array(districtPublicFile.utf8))
    static let identity = try! AgeIdentity(string: ageIdentity)

    /// A trust store that trusts the district key, as a station's does.
    static let trust: TrustStore = {
        var store = TrustStore()
        try! store.add(districtPublic, name: "fuzz-district", source: "FuzzKeys.swift")
        return store
    }()
}
