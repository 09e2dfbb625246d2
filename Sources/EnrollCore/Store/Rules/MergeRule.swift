/// The merge rule of DESIGN §7, as a pure decision: what the store holds for an application and
/// the revision arriving → what to do with it.
///
/// The rule reads nothing and writes nothing; every store backend asks it and applies the
/// answer inside the bundle's transaction, so SQLite and PostgreSQL merge alike and the rule is
/// tested from a table. Keyed on `Enroll-Application-ID`:
/// - a revision whose tag-manifest digest the store already holds → ``Decision/unchanged``
///   (idempotent re-import);
/// - an application the store does not know → ``Decision/new(outOfOrder:)``; out of order
///   when it is not revision 1 (the earlier ones never arrived);
/// - any revision of a withdrawn application → ``Decision/refused(_:)``;
/// - the next revision whose `Enroll-Previous-Revision` is the current digest →
///   ``Decision/supersede(status:)``, except (the submit lock, DESIGN §12: "确认提交后家长不可再修改信息")
///   an application revision of a verified or admitted application, which is
///   ``Decision/hold(replacing:)``: stored beside the current revision, its status and decision
///   unchanged, flagged `revision-after-decision` until a reviewer accepts or refuses it. A
///   revision held this way is the chain's tip: the next one chains onto it; an authorization
///   or its revocation (`BundleKind/keepsDecision`) supersedes with the status unchanged;
/// - anything else (same number with other content, an older number, a gap or a broken
///   chain) → ``Decision/conflict(_:)``, held for review.
public enum MergeRule {
    /// What the store holds for the application.
    public struct Current: Sendable, Hashable {
        /// The review status.
        public var status: ApplicationStatus
        /// The current revision's number.
        public var revision: Int
        /// The current revision's tag-manifest digest.
        public var digest: String
        /// The newest revision held for a reviewer (after a decision), if any.
        public var held: Tip?

        public init(status: ApplicationStatus, revision: Int, digest: String, held: Tip? = nil) {
            self.status = status
            self.revision = revision
            self.digest = digest
            self.held = held
        }

        /// The revision the next one must chain onto: the held one, or else the current one.
        public var tip: Tip { held ?? Tip(revision: revision, digest: digest) }
    }

    /// A revision's number and tag-manifest digest.
    public struct Tip: Sendable, Hashable {
        public var revision: Int
        public var digest: String

        public init(revision: Int, digest: String) {
            self.revision = revision
            self.digest = digest
        }
    }

    /// The statuses in which a revision is held instead of superseding (the submit lock).
    public static let lockedStatuses: Set<ApplicationStatus> = [.verified, .admitted]

    /// The revision arriving, as its signed bag-info says.
    public struct Incoming: Sendable, Hashable {
        /// `Enroll-Revision`.
        public var revision: Int
        /// `Enroll-Previous-Revision` (nil on revision 1).
        public var previous: String?
        /// The tag-manifest digest.
        public var digest: String
        /// `Enroll-Kind`.
        public var kind: BundleKind
        /// Whether the store already holds a revision with this digest (of any state).
        public var alreadyStored: Bool

        public init(revision: Int, previous: String?, digest: String, kind: BundleKind, alreadyStored: Bool) {
            self.revision = revision
            self.previous = previous
            self.digest = digest
            self.kind = kind
            self.alreadyStored = alreadyStored
        }
    }

    /// Why a revision is held as a conflict.
    public enum ConflictReason: Sendable, Hashable, CustomStringConvertible {
        /// A revision with a number the store already has (or an older one), but other content.
        case sameOrOlderRevision(incoming: Int, current: Int)
        /// A higher revision that does not chain onto the current one (a gap, or a previous
        /// digest that is not the current revision's).
        case brokenChain(incoming: Int, current: Int)

        public var description: String {
            switch self {
            case .sameOrOlderRevision(let incoming, let current):
                "revision \(incoming) differs from the one already held (current revision \(current))"
            case .brokenChain(let incoming, let current):
                "revision \(incoming) does not follow the current revision \(current) (broken chain)"
            }
        }

        /// The reason for the family-facing report, in both languages.
        public var text: LocalizedText {
            switch self {
            case .sameOrOlderRevision(let incoming, _):
                LocalizedText(zh: "第 \(incoming) 版与已有的同号版本内容不同", en: description)
            case .brokenChain(let incoming, let current):
                LocalizedText(zh: "第 \(incoming) 版不接续当前第 \(current) 版", en: description)
            }
        }
    }

    /// Why a revision is refused outright.
    public enum RefusalReason: String, Sendable, Hashable {
        /// The application was withdrawn; nothing after a withdrawal is accepted.
        case withdrawn
    }

    /// What to do with the incoming revision.
    public enum Decision: Sendable, Hashable {
        /// Already held: change nothing.
        case unchanged
        /// A new application; `outOfOrder` when its first revision to arrive is not 1 (it is
        /// stored, and flagged as a conflict for review).
        case new(outOfOrder: Bool)
        /// The next revision in the chain: it becomes current with this status (a withdrawal
        /// withdraws; a revision goes back to review).
        case supersede(status: ApplicationStatus)
        /// Stored beside the current revision and held for review.
        case conflict(ConflictReason)
        /// The submit lock: stored beside the current revision (the status and decision do not
        /// change) and flagged `revision-after-decision`; `replacing` is the digest of an
        /// earlier held revision it chains onto, which it replaces as the one to review.
        case hold(replacing: String?)
        /// Not stored as a revision; kept in quarantine with the reason.
        case refused(RefusalReason)
    }

    /// Decides what to do with a revision.
    /// - Parameters:
    ///   - current: What the store holds for the application, or nil if it does not know it.
    ///   - incoming: The revision arriving.
    /// - Returns: The decision the store applies.
    public static func decide(current: Current?, incoming: Incoming) -> Decision {
        if incoming.alreadyStored { return .unchanged }
        guard let current else { return .new(outOfOrder: incoming.revision != 1) }
        if current.status == .withdrawn { return .refused(.withdrawn) }
        let tip = current.tip
        if incoming.revision == tip.revision + 1 && incoming.previous == tip.digest {
            if incoming.kind == .withdrawal { return .supersede(status: .withdrawn) }
            // 去授权 / 取消授权 change who may act for the family, nothing a reviewer judged: the
            // status and decision stay (and no lock holds it), unless a held revision waits,
            // which it then carries.
            if incoming.kind.keepsDecision && current.held == nil { return .supersede(status: current.status) }
            if lockedStatuses.contains(current.status) { return .hold(replacing: current.held?.digest) }
            return .supersede(status: .received)
        }
        if incoming.revision <= tip.revision {
            return .conflict(.sameOrOlderRevision(incoming: incoming.revision, current: tip.revision))
        }
        return .conflict(.brokenChain(incoming: incoming.revision, current: tip.revision))
    }

    /// The status a new application starts in.
    public static func initialStatus(for kind: BundleKind) -> ApplicationStatus {
        kind == .withdrawal ? .withdrawn : .received
    }
}

extension MergeRule.Decision {
    /// The outcome an import reports for this decision.
    public var outcome: ImportReport.Outcome {
        switch self {
        case .unchanged: .unchanged
        case .new(let outOfOrder): outOfOrder ? .conflict : .new
        case .supersede: .updated
        case .conflict: .conflict
        case .hold: .held
        case .refused: .refused
        }
    }
}
