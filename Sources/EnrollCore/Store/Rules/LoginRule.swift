import Foundation

/// How many wrong passwords an account may have before sign-in slows down and then locks.
public struct LoginPolicy: Sendable, Hashable {
    /// Wrong passwords in a row answered at once; each further one waits before answering.
    public var freeFailures: Int
    /// The wait after the first slowed-down failure; it doubles with each further one.
    public var firstDelay: Duration
    /// The longest wait.
    public var maximumDelay: Duration
    /// Wrong passwords in a row that lock the account.
    public var lockAfter: Int
    /// How long a lock lasts.
    public var lockDuration: Duration

    /// Creates a policy.
    public init(freeFailures: Int, firstDelay: Duration, maximumDelay: Duration, lockAfter: Int, lockDuration: Duration) {
        self.freeFailures = freeFailures
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.lockAfter = lockAfter
        self.lockDuration = lockDuration
    }

    /// The office default: 3 free tries, then 1 s, 2 s, 4 s…, locked for 15 minutes after 6.
    public static let standard = LoginPolicy(
        freeFailures: 3, firstDelay: .seconds(1), maximumDelay: .seconds(8), lockAfter: 6, lockDuration: .seconds(15 * 60))
}

/// The sign-in rule as a pure function: the account's failure count and lock, a password that
/// was right or wrong, and the time → the new count and lock, and how long to wait before
/// answering. The store applies the result in one transaction.
public enum LoginRule {
    /// The part of an account the rule reads and changes.
    public struct State: Sendable, Hashable {
        /// Wrong passwords in a row.
        public var failures: Int
        /// Until when the account is locked.
        public var lockedUntil: Date?

        /// Creates a state.
        public init(failures: Int, lockedUntil: Date?) {
            self.failures = failures
            self.lockedUntil = lockedUntil
        }
    }

    /// What a sign-in attempt leads to.
    public enum Outcome: Sendable, Hashable {
        /// Signed in; the count is reset.
        case signedIn
        /// The account is locked until the date (the password was not even looked at).
        case locked(until: Date)
        /// Wrong password; answer after the delay (zero for the first free tries).
        case wrongPassword(delay: Duration)
    }

    /// Whether the account is locked at `now`.
    public static func isLocked(_ state: State, now: Date) -> Bool {
        if let until = state.lockedUntil, until > now { return true }
        return false
    }

    /// Applies one sign-in attempt.
    /// - Parameters:
    ///   - state: The account's state before.
    ///   - passwordCorrect: Whether the password matched (ignored while locked).
    ///   - now: The time of the attempt.
    ///   - policy: The thresholds.
    /// - Returns: The state after and the outcome.
    public static func attempt(_ state: State, passwordCorrect: Bool, now: Date, policy: LoginPolicy) -> (State, Outcome) {
        if let until = state.lockedUntil, until > now { return (state, .locked(until: until)) }
        if passwordCorrect { return (State(failures: 0, lockedUntil: nil), .signedIn) }
        // A lock that has run out starts a fresh count.
        let failures = (state.lockedUntil == nil ? state.failures : 0) + 1
        if failures >= policy.lockAfter {
            let until = now.addingTimeInterval(policy.lockDuration.seconds)
            return (State(failures: failures, lockedUntil: until), .locked(until: until))
        }
        guard failures > policy.freeFailures else { return (State(failures: failures, lockedUntil: nil), .wrongPassword(delay: .zero)) }
        var delay = policy.firstDelay
        for _ in 0..<(failures - policy.freeFailures - 1) where delay < policy.maximumDelay { delay *= 2 }
        return (State(failures: failures, lockedUntil: nil), .wrongPassword(delay: min(delay, policy.maximumDelay)))
    }
}

extension Duration {
    /// The duration in seconds, as a time interval.
    var seconds: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
