import Crypto
import Foundation
import HummingbirdBcrypt

/// The answer to a sign-in attempt.
public enum SignInResult: Sendable {
    /// Signed in: a new session.
    case signedIn(SignedIn)
    /// Refused, with why (`account.sign-in-failed`, `account.locked`, `account.disabled`) and
    /// how long the caller waits before answering (the slow-down after repeated failures).
    case refused(EnrollError, delay: Duration)
}

extension DistrictStore {
    /// The bcrypt cost of new password hashes (2¹² rounds, about a quarter of a second).
    public static let bcryptCost: UInt8 = 12

    /// The longest password bcrypt reads, in UTF-8 bytes.
    public static let maximumPasswordBytes = 72

    /// The shortest password accepted, in characters.
    public static let minimumPasswordLength = 8

    /// Creates a clerk's account with its password hashed by bcrypt (`Bcrypt.hash` from
    /// hummingbird-auth, which calls the OpenBSD `bcrypt_hashpass`).
    /// - Parameters:
    ///   - name: The sign-in name: 1–64 letters, digits, `.`, `_` or `-`.
    ///   - role: What the account may do.
    ///   - password: The password (8–72 bytes); only its hash is kept.
    ///   - actor: Who creates it, for the audit log.
    ///   - cost: The bcrypt cost (tests use a low one).
    /// - Returns: The account.
    /// - Throws: `account.name-invalid`, `account.password-weak`, `account.exists`.
    @discardableResult
    public func addAccount(_ name: String, role: AccountRole, password: String, actor: String, cost: UInt8 = bcryptCost) throws -> Account {
        try Self.checkAccountName(name)
        try Self.checkPassword(password)
        let account = Account(
            name: name, role: role, passwordHash: Bcrypt.hash(password, cost: cost), createdAt: StoreClock.now(), createdBy: actor)
        try backend.addAccount(account)
        return account
    }

    /// Every clerk's account, by name.
    public func accounts() throws -> [Account] { try backend.accounts() }

    /// One account.
    /// - Throws: `account.unknown`.
    public func account(named name: String) throws -> Account {
        guard let account = try backend.account(named: name) else { throw AccountErrors.unknown(name) }
        return account
    }

    /// Disables an account (or enables it again); disabling ends its sessions.
    /// - Throws: `account.unknown`.
    public func setDisabled(_ name: String, _ disabled: Bool, actor: String) throws {
        var account = try account(named: name)
        account.disabled = disabled
        if !disabled { account.failedLogins = 0; account.lockedUntil = nil }
        try backend.updateAccount(
            account, event: AuditEntry(actor: actor, action: .accountDisable, detail: ["account": name, "disabled": String(disabled)]))
    }

    /// Gives an account a new password (bcrypt); its sessions end and its lock is lifted.
    /// - Throws: `account.unknown`, `account.password-weak`.
    public func setPassword(_ name: String, password: String, actor: String, cost: UInt8 = bcryptCost) throws {
        try Self.checkPassword(password)
        var account = try account(named: name)
        account.passwordHash = Bcrypt.hash(password, cost: cost)
        account.failedLogins = 0
        account.lockedUntil = nil
        try backend.updateAccount(account, event: AuditEntry(actor: actor, action: .accountPassword, detail: ["account": name]))
        try backend.deleteSessions(account: name)
    }

    /// Signs a clerk in: checks the password with bcrypt (`Bcrypt.verify`, which calls
    /// `bcrypt_checkpass`), applies ``LoginRule`` to the account's failures, and on success
    /// stores a new session whose token only the caller sees.
    /// - Parameters:
    ///   - name: The sign-in name.
    ///   - password: The password typed.
    ///   - policy: When to slow down and lock.
    ///   - lifetime: How long the session lasts.
    ///   - now: The time of the attempt.
    /// - Returns: The session, or the refusal and how long to wait before answering.
    public func signIn(
        _ name: String, password: String, policy: LoginPolicy = .standard, lifetime: Duration = .seconds(8 * 3600), now: Date = Date()
    ) throws -> SignInResult {
        guard let account = try backend.account(named: name) else {
            // The same work as for a real account, so timing does not tell which names exist.
            _ = Bcrypt.verify(password, hash: Self.timingHash)
            return .refused(Self.signInFailed(), delay: .zero)
        }
        let locked = LoginRule.isLocked(
            LoginRule.State(failures: account.failedLogins, lockedUntil: account.lockedUntil.flatMap(StoreClock.parse)), now: now)
        let correct = !locked && Bcrypt.verify(password, hash: account.passwordHash)
        guard let recorded = try backend.recordSignIn(name, passwordCorrect: correct, now: now, policy: policy) else {
            return .refused(Self.signInFailed(), delay: .zero)
        }
        let (after, outcome) = recorded
        switch outcome {
        case .locked(let until):
            return .refused(Self.locked(until: until), delay: .zero)
        case .wrongPassword(let delay):
            return .refused(Self.signInFailed(), delay: delay)
        case .signedIn:
            guard !after.disabled else {
                return .refused(
                    EnrollError.invalid(
                        .accountDisabled, Location(), zh: "该账号已停用，请联系管理员。", en: "This account is disabled; ask an administrator."),
                    delay: .zero)
            }
            let token = Self.newToken()
            let session = DeskSession(
                tokenDigest: Self.tokenDigest(token), account: name, createdAt: StoreClock.string(now),
                expiresAt: StoreClock.string(now.addingTimeInterval(lifetime.seconds)))
            try backend.createSession(session)
            return .signedIn(SignedIn(token: token, session: session, account: after))
        }
    }

    /// The session and account a browser's token stands for, or nil when the token is
    /// unknown, expired (the session is then removed) or its account disabled.
    public func signedIn(token: String, now: Date = Date()) throws -> (session: DeskSession, account: Account)? {
        let digest = Self.tokenDigest(token)
        guard let session = try backend.session(tokenDigest: digest) else { return nil }
        guard let expires = StoreClock.parse(session.expiresAt), expires > now else {
            try backend.deleteSession(tokenDigest: digest)
            return nil
        }
        guard let account = try backend.account(named: session.account), !account.disabled else { return nil }
        return (session, account)
    }

    /// Ends the session a token stands for (sign-out).
    public func signOut(token: String) throws { try backend.deleteSession(tokenDigest: Self.tokenDigest(token)) }

    /// The common rejection reasons the district keeps.
    public func reviewReasons() throws -> [ReviewReason] { try backend.reviewReasons() }

    /// Adds a common rejection reason (an admin's work).
    /// - Throws: `review.reason-missing` for empty text.
    public func addReviewReason(_ text: String, actor: String) throws {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw EnrollError.usage(.reviewReasonMissing, Location(), zh: "理由不能为空。", en: "A reason cannot be empty.")
        }
        try backend.addReviewReason(text, actor: actor)
    }

    /// Removes a common rejection reason.
    public func removeReviewReason(id: Int64, actor: String) throws { try backend.removeReviewReason(id: id, actor: actor) }

    // MARK: Checks

    static func checkAccountName(_ name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy { ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0) }
        guard !name.isEmpty, name.count <= 64, allowed else {
            throw EnrollError.usage(
                .accountNameInvalid, Location(),
                zh: "账号名“\(name)”无效：只能用 1–64 个英文字母、数字、点、下划线或连字符。",
                en: "The account name \"\(name)\" is not valid: use 1-64 letters, digits, dots, underscores or hyphens.")
        }
    }

    static func checkPassword(_ password: String) throws {
        guard password.count >= minimumPasswordLength, password.utf8.count <= maximumPasswordBytes else {
            throw EnrollError.usage(
                .accountPasswordWeak, Location(),
                zh: "密码须为 \(minimumPasswordLength) 个字符以上、不超过 \(maximumPasswordBytes) 字节。",
                en: "The password must be at least \(minimumPasswordLength) characters and at most \(maximumPasswordBytes) bytes.")
        }
    }

    static func signInFailed() -> EnrollError {
        EnrollError.invalid(
            .accountSignInFailed, Location(),
            zh: "账号或密码不正确。多次输错后需等待，之后账号会暂时锁定。",
            en: "Wrong account name or password. After repeated failures you must wait, and then the account is locked for a while.")
    }

    static func locked(until: Date) -> EnrollError {
        EnrollError.invalid(
            .accountLocked, Location(),
            zh: "密码输错次数过多，账号已锁定至 \(StoreClock.string(until))（UTC）。请稍后再试或请管理员重设密码。",
            en: "Too many wrong passwords: the account is locked until \(StoreClock.string(until)) (UTC). Try later, or ask an administrator to set a new password.")
    }

    /// A bcrypt hash of nothing anyone types, checked when the account does not exist.
    static let timingHash = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)

    /// A new session token: 32 random bytes (swift-crypto), base64url.
    static func newToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The SHA-256 (hex) of a token, as the store keeps it.
    static func tokenDigest(_ token: String) -> String {
        SHA256.hash(data: Array(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
