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

/// What the registrar adds at 提交 (`new`, `revise`, `sign`).
struct SubmissionOptions: ParsableArguments {
    @Option(name: .long, help: "Why the application is submitted outside its form's collection window; kept in the signed bundle, the district sees it. 补录原因。")
    var lateReason: String?

    /// The submission now (ENROLL_NOW sets the clock for training and tests).
    func submission() throws -> Submission { try Submission.now(lateReason: lateReason) }
}
