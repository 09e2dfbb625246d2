import Foundation

extension DistrictStore {
    /// One page of the review queue: filtered, sorted, sliced.
    public func queue(_ query: QueueQuery) throws -> QueuePage { try backend.queue(query) }

    /// The applications a search names: an 8-digit collection number, an application id (or
    /// a prefix of at least 8 characters), or the child's ID number. The number is a
    /// parameter, never logged.
    public func search(_ text: String) throws -> [ApplicationSummary] { try backend.search(text) }

    /// The other applications of a flag: the same child elsewhere, and the applications
    /// sharing a guardian phone with this one.
    /// - Parameter applicationID: The application's full id.
    public func related(to applicationID: String) throws -> (sameChild: [ApplicationSummary], samePhone: [ApplicationSummary]) {
        (try backend.sameChild(as: applicationID), try backend.sharingPhone(with: applicationID))
    }

    /// Every revision of an application with its form data, oldest first.
    public func revisionForms(_ reference: String) throws -> [RevisionForm] { try backend.revisionForms(reference) }

    /// The document photos (and other attachments) of an application's revision, in bundle
    /// order: the files under `data/attachments/`.
    /// - Parameters:
    ///   - reference: The application.
    ///   - revision: The revision (the current one when nil).
    public func attachments(of reference: String, revision: Int? = nil) throws -> [StoredFile] {
        try backend.storedRevision(reference, revision: revision).files
            .filter { $0.path.hasPrefix("data/attachments/") }
            .sorted { $0.path.localizedStandardCompare($1.path) == .orderedAscending }
    }

    /// One attachment's bytes, found by its position among ``attachments(of:revision:)``: only
    /// a file of that application's revision is ever read, and the path read is the object
    /// store's, never one a caller names.
    /// - Throws: `store.unknown-application`, `store.unknown-revision`, and
    ///   `web.unknown-application` when there is no attachment at that position.
    public func attachment(of reference: String, index: Int, revision: Int? = nil) throws -> (file: StoredFile, bytes: [UInt8]) {
        let files = try attachments(of: reference, revision: revision)
        guard files.indices.contains(index) else {
            throw EnrollError.invalid(
                .webUnknownApplication, Location(), zh: "该申请没有第 \(index + 1) 份材料。", en: "The application has no document number \(index + 1).")
        }
        return (files[index], try FileIO.readAll(objects.path(of: files[index].object)))
    }
}
