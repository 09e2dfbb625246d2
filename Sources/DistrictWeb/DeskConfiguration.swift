import EnrollCore
import Foundation

/// How the review desk runs: which store, which forms, cookies, sign-in policy.
public struct DeskConfiguration: Sendable {
    /// The district store's location (a directory). The desk opens it per request and never
    /// holds it between requests, so the CLI works on the same store meanwhile.
    public var storeLocation: String
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

    /// Creates a configuration.
    public init(
        storeLocation: String, catalog: FormCatalog, secureCookies: Bool = false, loginPolicy: LoginPolicy = .standard,
        sessionLifetime: Duration = .seconds(8 * 3600), pageSize: Int = 50
    ) {
        self.storeLocation = storeLocation
        self.catalog = catalog
        self.secureCookies = secureCookies
        self.loginPolicy = loginPolicy
        self.sessionLifetime = sessionLifetime
        self.pageSize = pageSize
    }

    /// Opens the store for one request.
    func openStore() throws -> DistrictStore { try DistrictStore(location: storeLocation) }
}
