import Foundation

/// What a district clerk's account may do in the review desk.
public enum AccountRole: String, Sendable, Codable, CaseIterable {
    /// Reviews applications: the queue, one application, decisions.
    case reviewer
    /// Everything a reviewer does, plus the office's other work: imports, trust and
    /// revocation, status archives, exports, the list of common rejection reasons.
    case admin
}

/// A clerk's account in the district store, as the store keeps it (the password only as its
/// bcrypt hash).
public struct Account: Sendable, Codable, Hashable {
    /// The sign-in name (letters, digits, `.`, `_`, `-`; unique).
    public var name: String
    /// What the account may do.
    public var role: AccountRole
    /// The bcrypt hash of the password (`$2b$…`), never the password.
    public var passwordHash: String
    /// A disabled account cannot sign in and its sessions are ended.
    public var disabled: Bool
    /// Wrong passwords since the last successful sign-in.
    public var failedLogins: Int
    /// Until when the account is locked after too many wrong passwords (ISO 8601, UTC).
    public var lockedUntil: String?
    /// When the account was created (ISO 8601, UTC).
    public var createdAt: String
    /// Who created it.
    public var createdBy: String

    /// Creates an account value.
    public init(
        name: String, role: AccountRole, passwordHash: String, disabled: Bool = false, failedLogins: Int = 0,
        lockedUntil: String? = nil, createdAt: String, createdBy: String
    ) {
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.failedLogins = failedLogins
        self.lockedUntil = lockedUntil
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}

/// A signed-in browser: the account and when the session ends. The store keeps only the
/// SHA-256 of the session token, so a copy of the database signs nobody in.
public struct DeskSession: Sendable, Hashable {
    /// SHA-256 (hex) of the token the browser holds in its cookie.
    public var tokenDigest: String
    /// The signed-in account's name.
    public var account: String
    /// When it was created (ISO 8601, UTC).
    public var createdAt: String
    /// When it ends (ISO 8601, UTC); an expired session signs nobody in.
    public var expiresAt: String

    /// Creates a session value.
    public init(tokenDigest: String, account: String, createdAt: String, expiresAt: String) {
        self.tokenDigest = tokenDigest
        self.account = account
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// A session as the sign-in hands it to the browser: the token (only here in clear) and the
/// signed-in account.
public struct SignedIn: Sendable {
    /// The session token for the cookie (43 characters, base64url of 32 random bytes).
    public var token: String
    /// The stored session.
    public var session: DeskSession
    /// The account signed in.
    public var account: Account
}

/// A common rejection reason the district keeps for its clerks to pick from.
public struct ReviewReason: Sendable, Codable, Hashable {
    /// The reason's number in the list.
    public var id: Int64
    /// The text the family sees.
    public var text: String
    /// Who added it.
    public var addedBy: String
    /// When (ISO 8601, UTC).
    public var addedAt: String
}
