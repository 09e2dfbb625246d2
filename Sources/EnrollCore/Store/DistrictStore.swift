import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The district's store: applications, their stored revisions and files, review decisions,
/// the audit log and the trusted station keys.
///
/// What callers (the CLI, the district web app, the importer) use. It opens the backend a
/// location names — a directory for the embedded SQLite store — and adds what is the same for
/// every backend: writing a stored revision back out, the person at the keyboard, the status
/// texts. Readers never wait for an import; one import runs at a time.
public final class DistrictStore: Sendable {
    /// Where the store is, as given.
    public let location: String
    /// The backend holding the data.
    public let backend: any StoreBackend & Sendable

    /// Opens the store at a location, creating it if new, and migrates its schema.
    /// - Parameters:
    ///   - location: A store directory (SQLite), or a `postgres://USER@HOST:PORT/DATABASE`
    ///     (or `postgresql://`) URL: a city store on PostgreSQL (``PostgreSQLBackend``).
    ///   - objects: The objects directory of a PostgreSQL store (a shared mount every
    ///     importer and desk of the store sees); a SQLite store keeps its own, and takes none.
    /// - Throws: `store.unavailable` if it cannot be opened, `usage.store-url` for a bad URL
    ///   or a PostgreSQL store without an objects directory.
    public init(location: String, objects: String? = nil) throws {
        self.location = location
        if PostgresLocation.isPostgres(location) {
            guard let objects, !objects.isEmpty else {
                throw EnrollError.usage(
                    .usageStoreURL, Location(),
                    zh: "PostgreSQL 库需要对象目录：请用 --objects DIR（或环境变量 ENROLL_OBJECTS）给出各导入进程共享的目录。",
                    en: "A PostgreSQL store needs its objects directory: give --objects DIR (or ENROLL_OBJECTS), a directory every importer shares.")
            }
            backend = try PostgreSQLBackend(url: location, objects: objects)
        } else {
            backend = try SQLiteBackend(directory: location)
        }
    }

    /// Opens a store directory (SQLite).
    public convenience init(directory: String) throws {
        try self.init(location: directory)
    }

    /// Opens a store over a backend made elsewhere (tests, other backends).
    public init(backend: any StoreBackend & Sendable, location: String) {
        self.backend = backend
        self.location = location
    }

    /// The bundles' files.
    public var objects: ObjectStore { backend.objects }

    // MARK: Applications

    /// The applications, optionally only those with a status, a flag or a station, by
    /// collection number.
    public func applications(status: ApplicationStatus? = nil, flag: ReviewFlag? = nil, station: String? = nil) throws -> [ApplicationSummary] {
        try backend.applications(ApplicationQuery(status: status, flag: flag, station: station))
    }

    /// One application in full.
    /// - Parameter reference: Its id, a unique id prefix, or its 8-digit collection number.
    public func detail(_ reference: String) throws -> ApplicationDetail { try backend.detail(reference) }

    /// Every application with its current form data, by collection number.
    public func exportRows() throws -> [ExportRow] { try backend.exportRows() }

    /// Streams the applications a query matches, with their current form data, by collection
    /// number, in bounded memory (see ``ApplicationRepository/forEachExportRow(_:_:)``).
    public func forEachExportRow(_ query: ExportQuery = ExportQuery(), _ body: (ExportRow) throws -> Void) throws {
        try backend.forEachExportRow(query, body)
    }

    /// Records a review decision; the decision and the audit event commit together.
    /// - Parameter expectedVersion: The version the reviewer saw (``ApplicationSummary/version``);
    ///   when given and the application changed since, nothing is written.
    /// - Returns: The application after the decision.
    /// - Throws: `review.*` when the move is not allowed or details are missing,
    ///   `review.stale` when the application changed since `expectedVersion`.
    @discardableResult
    public func review(
        _ action: ReviewAction, _ reference: String, reasons: [String] = [], school: String? = nil, reviewer: String,
        expectedVersion: Int64? = nil
    ) throws -> ApplicationSummary {
        try backend.review(
            ReviewDecision(action, reference, reasons: reasons, school: school, reviewer: reviewer, expectedVersion: expectedVersion))
    }

    /// Accepts the revision the submit lock held: it becomes current, the status and decision
    /// stay; the decision and its audit event (`review.accept-revision`) commit together.
    /// - Returns: The application after the answer.
    /// - Throws: `review.no-held-revision` when no revision waits.
    @discardableResult
    public func acceptRevision(_ reference: String, reviewer: String) throws -> ApplicationSummary {
        try backend.acceptRevision(reference, reviewer: reviewer)
    }

    /// Refuses the revision the submit lock held, with reasons; the current revision stands.
    /// Audited as `review.refuse-revision`.
    /// - Throws: `review.no-held-revision`, `review.reason-missing`.
    @discardableResult
    public func refuseRevision(_ reference: String, reasons: [String], reviewer: String) throws -> ApplicationSummary {
        try backend.refuseRevision(reference, reasons: reasons, reviewer: reviewer)
    }

    // MARK: The district served

    /// The district the store serves, or nil for a store made before stores had one.
    public func servedDistrict() throws -> String? { try backend.servedDistrict() }

    /// Gives the store its district (`enroll store init`); from then on a bundle for another
    /// district is quarantined (`import.wrong-district`) and exports hold this district only.
    /// - Throws: `store.district-mismatch` when it already serves another one.
    public func serve(district: String, actor: String) throws { try backend.serve(district: district, actor: actor) }

    // MARK: Schools

    /// Adds a school to the district's list (or replaces its entry); audited.
    public func addSchool(_ school: SchoolInfo, actor: String) throws { try backend.addSchool(school, actor: actor) }

    /// The district's schools, by name.
    public func schools() throws -> [SchoolInfo] { try backend.schools() }

    /// Takes in a whole school list in one transaction (all or nothing), replacing the list or
    /// merging into it; audited as `schools.import`.
    @discardableResult
    public func importSchools(_ schools: [SchoolInfo], replacing: Bool, actor: String) throws -> SchoolImportCounts {
        try backend.importSchools(schools, replacing: replacing, actor: actor)
    }

    // MARK: Collection numbers

    /// Issues a block of collection numbers to a station (`enroll numbers issue`), taken from
    /// the counter the import assigns from; audited as `numbers.issue`.
    /// - Throws: `import.collection-numbers-exhausted` when the year has too few left.
    public func issueNumbers(station: String, year: Int, count: Int, actor: String) throws -> NumberBlock {
        try backend.issueBlock(station: station, year: year, count: count, actor: actor)
    }

    /// Every block issued, oldest first.
    public func numberBlocks() throws -> [NumberBlock] { try backend.numberBlocks() }

    // MARK: Audit log and trust

    /// The audit log, oldest first; only events about one application if given.
    public func events(application: String? = nil) throws -> [AuditEvent] { try backend.events(application: application) }

    /// The trusted station keys and revocations.
    public func trustStore() throws -> TrustStore { try backend.trustStore() }

    /// Adds a station's public key to the district's trust.
    public func trust(_ key: SignifyPublicKey, station: String, actor: String, note: String) throws {
        try backend.trust(key, station: station, actor: actor, note: note)
    }

    /// Revokes a key: bundles signed with it are quarantined from now on.
    public func revoke(_ keyID: KeyID, actor: String, reason: String) throws { try backend.revoke(keyID, actor: actor, reason: reason) }

    /// Every key the store knows, with who added or revoked it, when and why.
    public func trustedKeys() throws -> [TrustedKey] { try backend.trustedKeys() }

    // MARK: Stored bundles

    /// Writes a stored revision back out as the original signed bundle, byte for byte.
    /// - Parameters:
    ///   - reference: The application id or collection number.
    ///   - revision: The revision number (default: the current one).
    ///   - output: The bundle directory to create; it must not exist.
    /// - Returns: The tag-manifest digest of the exported revision.
    /// - Throws: `import.unknown-*` codes, `io.exists`, I/O errors; nothing is left behind.
    @discardableResult
    public func exportBundle(_ reference: String, revision: Int? = nil, to output: String) throws -> String {
        let stored = try backend.storedRevision(reference, revision: revision)
        guard DirectoryWalker.kind(of: output) == nil else {
            throw EnrollError.io(.ioExists, Location(file: output), zh: "目标目录已存在，不会覆盖。", en: "The target directory exists and will not be overwritten.")
        }
        let parent = PathName(output).parent
        let staging = PathName(output).hiddenSibling(suffix: ".export-" + UUID().uuidString)
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        do {
            for file in stored.files {
                let path = staging + "/" + file.path
                try FileManager.default.createDirectory(
                    atPath: PathName(path).parent, withIntermediateDirectories: true)
                try FileIO.createExclusive(path, try FileIO.readAll(objects.path(of: file.object)))
            }
            try FileManager.default.createDirectory(atPath: staging + "/data", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: staging, toPath: output)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return stored.digest
    }

    // MARK: Who and what

    /// The name recorded for actions by the person at the keyboard.
    public static var defaultActor: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }

    /// What a status means to the family.
    public static func statusText(_ status: ApplicationStatus) -> LocalizedText { status.familyText }
}
