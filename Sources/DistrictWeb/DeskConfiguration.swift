import AgeKit
import EnrollCore
import Foundation
import Synchronization

/// How the review desk runs: which store, which forms, cookies, sign-in policy.
public struct DeskConfiguration: Sendable {
    /// The district store's location (a directory). The desk opens it per request and never
    /// holds it between requests, so the CLI works on the same store meanwhile.
    public var storeLocation: String
    /// The objects directory of a PostgreSQL store (nil for a SQLite store directory).
    public var objectsLocation: String?
    /// The forms' schemas (labels for the sections and fields).
    public var catalog: FormCatalog
    /// Whether cookies carry `Secure` (set when serving over TLS).
    public var secureCookies: Bool
    /// When sign-in slows down and locks.
    public var loginPolicy: LoginPolicy
    /// How long a session lasts.
    public var sessionLifetime: Duration
    /// Applications per queue page.
    public var pageSize: Int
    /// The office's own work (admins only): where archives are imported from and written to.
    public var office: OfficeSetup?
    /// Who signs the printed 学龄人口信息采集表 and 入学通知书 (the district's key, `--key`);
    /// without it the print buttons are disabled and say why.
    public var issuer: DocumentIssuer?

    /// Creates a configuration.
    public init(
        storeLocation: String, objectsLocation: String? = nil, catalog: FormCatalog, secureCookies: Bool = false, loginPolicy: LoginPolicy = .standard,
        sessionLifetime: Duration = .seconds(8 * 3600), pageSize: Int = 50
    ) {
        self.storeLocation = storeLocation
        self.objectsLocation = objectsLocation
        self.catalog = catalog
        self.secureCookies = secureCookies
        self.loginPolicy = loginPolicy
        self.sessionLifetime = sessionLifetime
        self.pageSize = pageSize
    }

    /// The directories and keys of the admin's import and export work, fixed when the desk
    /// starts: a request only ever picks a file *listed* in ``importDirectory``, and the desk
    /// names every file it writes into ``outputDirectory`` itself.
    public struct OfficeSetup: Sendable {
        /// Where the transfer archives arrive (the USB stick's mount point).
        public var importDirectory: String
        /// Where status archives and exports are written.
        public var outputDirectory: String
        /// The district's signing key for status archives, and the district's name.
        public var districtKey: SignifySecretKey?
        /// The district's name in status archives.
        public var districtName: String
        /// The identities that decrypt `.age` transfer archives.
        public var identities: [AgeIdentity]?

        /// Creates the setup.
        public init(
            importDirectory: String, outputDirectory: String, districtKey: SignifySecretKey?, districtName: String, identities: [AgeIdentity]?
        ) {
            self.importDirectory = importDirectory
            self.outputDirectory = outputDirectory
            self.districtKey = districtKey
            self.districtName = districtName
            self.identities = identities
        }
    }

    /// A PostgreSQL store opened once and shared by the requests (its connection pool).
    private let shared = SharedStore()

    /// Opens the store for one request: a SQLite store directory afresh, a PostgreSQL store
    /// (its connection pool) once for the desk's whole run.
    func openStore() throws -> DistrictStore {
        guard PostgresLocation.isPostgres(storeLocation) else { return try DistrictStore(location: storeLocation) }
        return try shared.store.withLock { store in
            if let store { return store }
            let opened = try DistrictStore(location: storeLocation, objects: objectsLocation)
            store = opened
            return opened
        }
    }
}

/// The desk's one PostgreSQL store, opened by the first request.
final class SharedStore: Sendable {
    let store = Mutex<DistrictStore?>(nil)
}
