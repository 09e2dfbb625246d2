import Foundation

/// The district store's operations, split by job. A backend (SQLite today, PostgreSQL for a
/// city) implements all of them over its database; ``DistrictStore`` is what callers use.
///
/// Every operation that writes is one transaction, and every decision inside it comes from the
/// pure rules (``MergeRule``, ``ReviewRule``, ``CrossApplicationRules``), so all backends
/// behave alike and one test suite runs against each.

/// Applications: listing, reading and review decisions.
public protocol ApplicationRepository {
    /// The applications matching a query, by collection number.
    func applications(_ query: ApplicationQuery) throws -> [ApplicationSummary]
    /// One application in full.
    /// - Parameter reference: Its id, a unique id prefix, or its 8-digit collection number.
    /// - Throws: `store.unknown-application` when none or several match.
    func detail(_ reference: String) throws -> ApplicationDetail
    /// Every application with its current form data, by collection number.
    func exportRows() throws -> [ExportRow]
    /// Calls `body` with every application the query matches, with its current form data, by
    /// collection number, holding only a small batch of rows in memory at a time (a 200,000-row
    /// spreadsheet export streams through it). The rows are read in one read transaction, so
    /// they are one consistent view of the store; `body` must not write to the store.
    /// - Throws: what the database or `body` throws; `body`'s error ends the reading.
    func forEachExportRow(_ query: ExportQuery, _ body: (ExportRow) throws -> Void) throws
    /// A stored revision's files.
    /// - Parameters:
    ///   - reference: The application.
    ///   - revision: The revision number (the current one when nil).
    /// - Throws: `store.unknown-application`, `store.unknown-revision`.
    func storedRevision(_ reference: String, revision: Int?) throws -> StoredRevision
    /// Every application (or one station's) as the status archive needs it.
    func statusRows(station: String?) throws -> [ApplicationStatusRow]
    /// Applies a review decision (``ReviewRule``) and logs it, in one transaction.
    /// - Returns: The application after the decision.
    func review(_ decision: ReviewDecision) throws -> ApplicationSummary
}

/// Revisions held by the submit lock (DESIGN §12): a reviewer accepts or refuses them.
public protocol HeldRevisions {
    /// Makes the application's held revision current, keeping its status and decision; the
    /// cross-application rules run on it then. Audited as `review.accept-revision`.
    /// - Throws: `review.no-held-revision` when none waits, `store.unknown-application`.
    func acceptRevision(_ reference: String, reviewer: String) throws -> ApplicationSummary
    /// Refuses the application's held revision with reasons; the current revision stands.
    /// Audited as `review.refuse-revision`.
    /// - Throws: `review.no-held-revision`, `review.reason-missing`, `store.unknown-application`.
    func refuseRevision(_ reference: String, reasons: [String], reviewer: String) throws -> ApplicationSummary
}

/// The collection-number blocks the district issued to stations (DESIGN §12).
public protocol NumberBlockRegistry {
    /// Takes `count` consecutive numbers of a year for a station from the counter the import
    /// assigns from, records the block and audits it (`numbers.issue`), in one transaction.
    /// - Throws: `import.collection-numbers-exhausted` when the year has too few left.
    func issueBlock(station: String, year: Int, count: Int, actor: String) throws -> NumberBlock
    /// Every block issued, oldest first.
    func numberBlocks() throws -> [NumberBlock]
}

/// The district a store serves (DESIGN §7: set at `enroll store init`).
public protocol DistrictSetting {
    /// The district, or nil for a store made before stores had one.
    func servedDistrict() throws -> String?
    /// Gives the store its district (audited as `store.init`); setting the same again is fine.
    /// - Throws: `store.district-mismatch` when the store already serves another district.
    func serve(district: String, actor: String) throws
}

/// The district's school list (`enroll schools add|list`): addresses and contacts for the
/// families' answers.
public protocol SchoolDirectory {
    /// Adds a school, or replaces the entry of the same name; audited as `schools.add`.
    func addSchool(_ school: SchoolInfo, actor: String) throws
    /// The schools, by name.
    func schools() throws -> [SchoolInfo]
    /// Takes in a whole school list (`enroll schools import`) in one transaction: all of it is
    /// written or, on any error, none. `replacing`: the list becomes exactly `schools` (entries
    /// not in it are removed); otherwise each school is added or its entry of the same name
    /// replaced, and the others stay. Audited once as `schools.import` with the counts.
    /// - Parameter schools: The schools, names unique (the caller checks; a repeated name is
    ///   refused by the database and nothing is written).
    /// - Returns: How many entries were added, updated and removed.
    func importSchools(_ schools: [SchoolInfo], replacing: Bool, actor: String) throws -> SchoolImportCounts
}

/// The append-only audit log.
public protocol AuditLog {
    /// Appends an event.
    func append(_ entry: AuditEntry) throws
    /// The log, oldest first; only events about one application if given.
    func events(application: String?) throws -> [AuditEvent]
}

/// The station keys the district accepts.
public protocol TrustRegistry {
    /// The trusted keys and revocations as a trust store for verification.
    func trustStore() throws -> TrustStore
    /// Trusts a station's key.
    /// - Throws: `sig.trust-duplicate` when the key already belongs to another station.
    func trust(_ key: SignifyPublicKey, station: String, actor: String, note: String) throws
    /// Revokes a key: bundles signed with it are quarantined from now on.
    func revoke(_ keyID: KeyID, actor: String, reason: String) throws
    /// Every key the store knows, with who added or revoked it, when and why.
    func trustedKeys() throws -> [TrustedKey]
}

/// What an import needs: the merge, quarantine, and the import lock.
public protocol ImportTarget {
    /// Whether a revision with this tag-manifest digest is stored (of any state).
    func holdsRevision(_ digest: String) throws -> Bool
    /// Merges one revision, its files already in the object store: reads the application's
    /// state, asks ``MergeRule``, applies the decision with the cross-application rules and
    /// the audit event, in one transaction.
    func merge(_ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item
    /// Keeps a bundle aside with its reasons (replacing an earlier entry with the same key),
    /// and logs it.
    func quarantine(_ entry: QuarantineEntry, actor: String) throws
    /// The quarantined bundles, oldest first.
    func quarantined() throws -> [QuarantineEntry]
}

/// A district store backend: every job, plus the content-addressed objects beside it.
public protocol StoreBackend: AnyObject, ApplicationRepository, HeldRevisions, NumberBlockRegistry, DistrictSetting, SchoolDirectory, AuditLog, TrustRegistry, ImportTarget, AccountDirectory, ReviewQueue {
    /// Where the bundles' files are kept.
    var objects: ObjectStore { get }
    /// Takes the store's import lock: one import at a time; readers and reviewers never wait
    /// for it. Released when the returned lock is released or deinitialised.
    /// - Throws: `import.store-busy` when another import holds it.
    func lockForImport() throws -> ImportLock
}

/// The district's clerks: accounts (bcrypt password hashes, roles, sign-in failures and locks)
/// and their signed-in sessions.
public protocol AccountDirectory {
    /// Every account, by name.
    func accounts() throws -> [Account]
    /// One account, or nil.
    func account(named name: String) throws -> Account?
    /// Adds an account and logs it.
    /// - Throws: `account.exists` when the name is taken.
    func addAccount(_ account: Account) throws
    /// Replaces an account's role, hash, disabled flag, failures and lock; logs `action` when given.
    /// - Throws: `account.unknown`.
    func updateAccount(_ account: Account, event: AuditEntry?) throws
    /// Applies one sign-in attempt (``LoginRule``) to the account's failure count and lock in
    /// one transaction, and logs a new lock.
    /// - Returns: The account after, and the outcome; nil when there is no such account.
    func recordSignIn(_ name: String, passwordCorrect: Bool, now: Date, policy: LoginPolicy) throws -> (Account, LoginRule.Outcome)?
    /// Stores a new session.
    func createSession(_ session: DeskSession) throws
    /// The session with this token digest, or nil.
    func session(tokenDigest: String) throws -> DeskSession?
    /// Ends one session.
    func deleteSession(tokenDigest: String) throws
    /// Ends every session of an account (disabled, new password).
    func deleteSessions(account: String) throws
    /// The common rejection reasons, in the order they were added.
    func reviewReasons() throws -> [ReviewReason]
    /// Adds a common rejection reason.
    func addReviewReason(_ text: String, actor: String) throws
    /// Removes a common rejection reason.
    func removeReviewReason(id: Int64, actor: String) throws
}

/// What the review desk reads beyond plain listing: a filtered, sorted page of the queue, the
/// search by number, and the form data of every revision.
public protocol ReviewQueue {
    /// One page of the queue.
    func queue(_ query: QueueQuery) throws -> QueuePage
    /// The applications a clerk's search names: an 8-digit collection number, an application
    /// id or id prefix, or the child's ID number.
    func search(_ text: String) throws -> [ApplicationSummary]
    /// The applications whose current revision shares a guardian phone with this one's.
    func sharingPhone(with applicationID: String) throws -> [ApplicationSummary]
    /// The applications for the same child (ID number) as this one.
    func sameChild(as applicationID: String) throws -> [ApplicationSummary]
    /// Every revision of an application with its form data, oldest first.
    func revisionForms(_ reference: String) throws -> [RevisionForm]
}
