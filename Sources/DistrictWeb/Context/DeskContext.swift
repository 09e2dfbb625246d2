import EnrollCore
import EnrollWeb
import Hummingbird

/// The signed-in clerk of a request.
public struct Clerk: Sendable, Hashable {
    /// The account's name, recorded as the actor of every decision.
    public var name: String
    /// What the account may do.
    public var role: AccountRole
}

/// The review desk's request context: the browser's CSRF token, the signed-in clerk and
/// the store opened for this request.
public struct DeskContext: CSRFRequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The CSRF token pages put into their forms (set by EnrollWeb's `CSRFMiddleware`).
    public var csrfToken = ""
    /// The clerk signed in, set by ``SessionMiddleware`` (nil on the sign-in page).
    public var clerk: Clerk?
    /// The session token from the cookie.
    var sessionToken: String?
    /// The store, opened for this request only.
    var store: DistrictStore?

    /// Creates the context for a request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The signed-in clerk and the store, for handlers behind ``SessionMiddleware``.
    func signedIn() throws -> (Clerk, DistrictStore) {
        guard let clerk, let store else { throw DeskError.signInRequired() }
        return (clerk, store)
    }
}
