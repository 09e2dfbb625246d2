import ArgumentParser
import EnrollCore

/// A station's signing key, optional: without it a making command keeps an unsigned draft.
struct SigningOptions: ParsableArguments {
    @Option(name: .long, help: "The station's secret key (signify format, mode 0600); without it the bundle stays an unsigned draft.")
    var key: String?

    @Option(name: .long, help: "The station's name (default: the key file's name without .sec).")
    var station: String?

    /// The key and station name, or nil when no key was given.
    func signer() throws -> (key: SignifySecretKey, station: String)? {
        try key.map { try KeyFiles.signer(keyFile: $0, name: station) }
    }
}

/// A station's signing key, required (`sign`, `pack`, `sample generate`).
struct StationKeyOptions: ParsableArguments {
    @Option(name: .long, help: "The station's secret key (signify format, mode 0600).")
    var key: String

    @Option(name: .long, help: "The station's name (default: the key file's name without .sec).")
    var station: String?

    /// The key and station name.
    func signer() throws -> (key: SignifySecretKey, station: String) {
        try KeyFiles.signer(keyFile: key, name: station)
    }
}
