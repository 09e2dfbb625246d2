import Foundation

/// What became of a freshly made bundle (`enroll new|revise|withdraw`): signed (submitted),
/// or kept as an unsigned draft with what must be fixed before it can be signed.
public struct FinishedBundle: Sendable {
    /// The bundle directory.
    public var path: String
    /// Its metadata (with station and key when signed).
    public var header: BundleHeader
    /// Whether it was signed.
    public var isSigned: Bool
    /// For a draft, every problem its form found (errors must be fixed before signing);
    /// empty for a signed bundle.
    public var problems: [Diagnostic]
}

extension BundleOperations {
    /// Finishes a bundle just written as a draft: checks it against its form; with a signer,
    /// signs it if it passes and removes it (leaving nothing) if it does not; without one,
    /// keeps the draft and returns what must be fixed before signing.
    /// - Parameters:
    ///   - path: The draft bundle.
    ///   - validator: The application validator (its trust store is not used).
    ///   - signer: The station's key and name, or nil to keep a draft.
    ///   - submission: What is stamped at 提交 (now, by ``StoreClock``, when nil); a signature
    ///     outside the form's collection window needs its late reason.
    ///   - numbering: The station's collection number for the application (see `sign`).
    /// - Returns: The signed bundle, or the draft with its problems.
    /// - Throws: `EnrollError` with every error when a bundle to sign fails its form or its
    ///   collection window (`form.outside-window`; the bundle is removed), or when the draft
    ///   cannot be read at all.
    public func finish(
        _ path: String, validator: ApplicationValidator, signer: (key: SignifySecretKey, station: String)?,
        submission: Submission? = nil, numbering: ((BundleHeader) throws -> String?)? = nil
    ) throws -> FinishedBundle {
        let verification = try validator.verifier.verify(directory: path)
        let problems = verification.diagnostics + (try validator.contentDiagnostics(verification, directory: path))
        guard let header = verification.header else { throw EnrollError(problems) }
        guard let signer else {
            return FinishedBundle(path: path, header: header, isSigned: false, problems: problems)
        }
        var submission = try submission ?? Submission.now()
        if submission.notices.isEmpty, let form = try? validator.catalog.form(header.form) { submission.notices = form.notices }
        let all = problems + validator.submissionDiagnostics(header, submission, file: path)
        guard !all.containsErrors else {
            try? FileManager.default.removeItem(atPath: path)
            throw EnrollError(all.errors)
        }
        let signed = try sign(path, key: signer.key, station: signer.station, submission: submission, numbering: numbering)
        return FinishedBundle(path: path, header: signed, isSigned: true, problems: [])
    }
}
