import Foundation

/// Where an application stands in review (DESIGN §7): received → verified | rejected (reasons)
/// → admitted (school) | withdrawn. Stored as its raw value, which never changes.
public enum ApplicationStatus: String, Sendable, Codable, CaseIterable {
    /// Imported, waiting for a reviewer (审核中).
    case received
    /// Documents checked and correct (审核通过).
    case verified
    /// Rejected with reasons the family sees (驳回).
    case rejected
    /// Admitted to a school (录取).
    case admitted
    /// Withdrawn by the family (撤销); no later revision is accepted.
    case withdrawn

    /// What the status means to the family, in both languages.
    public var familyText: LocalizedText {
        switch self {
        case .received, .verified: LocalizedText(zh: "审核中", en: "under review")
        case .rejected: LocalizedText(zh: "驳回", en: "rejected")
        case .admitted: LocalizedText(zh: "录取", en: "admitted")
        case .withdrawn: LocalizedText(zh: "已撤销", en: "withdrawn")
        }
    }
}

/// The part a stored revision plays in its application's history.
public enum RevisionState: String, Sendable, Codable, CaseIterable {
    /// The revision the application stands on now.
    case current
    /// An earlier revision replaced by the next one in the chain.
    case superseded
    /// A revision that does not fit the chain (same number, other content, or a gap); held
    /// for a reviewer.
    case conflict
    /// A revision of a verified or admitted application (the submit lock), waiting for a
    /// reviewer to accept or refuse it; the current revision and the decision stand meanwhile.
    case held
    /// A held revision a reviewer refused; kept, never current.
    case refused
}

/// Whether the registering guardian has granted the legal guardian(s) of the detailed
/// information the right to view the child's registration and handle its enrollment business
/// (Beijing 2025, 003 §六(一): "授予法定监护人查看孩子的登记信息或办理入学业务的权限。当前已授权 /
/// 当前未授权"). Read from the application's revisions: the latest `authorization` or
/// `authorization-revoked` revision that became current decides; none means never granted.
public enum AuthorizationStatus: String, Sendable, Codable, CaseIterable {
    /// 当前已授权.
    case granted
    /// 当前未授权, after a 取消授权.
    case revoked

    /// The status after an application's revisions, in revision order (only those that
    /// became current: a held or conflicting revision decides nothing); nil when none of them
    /// is an authorization or its revocation.
    public static func after(kinds: [BundleKind]) -> AuthorizationStatus? {
        switch kinds.last(where: \.keepsDecision) {
        case .authorization?: .granted
        case .authorizationRevoked?: .revoked
        default: nil
        }
    }

    /// The status as the manual's page shows it.
    public var text: LocalizedText {
        switch self {
        case .granted: LocalizedText(zh: "当前已授权", en: "Authorized")
        case .revoked: LocalizedText(zh: "当前未授权", en: "Not authorized")
        }
    }

    /// The family-facing line: the right and its status, in the manual's words.
    public var line: LocalizedText {
        LocalizedText(
            zh: "授予法定监护人查看孩子的登记信息或办理入学业务的权限：\(text.zh)",
            en: "Right of the legal guardians to view the child's registration and handle its enrollment: \(text.en)")
    }
}

/// Something about an application a reviewer must look at. Stored as its raw value.
public struct ReviewFlag: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// A revision that does not follow the current one (same number with other content, or a
    /// broken chain), or a first import that is not revision 1.
    public static let conflict = ReviewFlag(rawValue: "conflict")
    /// Another application names the same child ID number (DESIGN §5, cross-application rule
    /// `unique`).
    public static let duplicateChild = ReviewFlag(rawValue: "duplicate-child")
    /// More applications share a guardian phone than the form allows (rule `quota`).
    public static let phoneQuota = ReviewFlag(rawValue: "phone-quota")
    /// A revision signed after the district verified or admitted the application (the submit
    /// lock, DESIGN §12): held until a reviewer accepts or refuses it
    /// (`enroll review accept-revision|refuse-revision`).
    public static let revisionAfterDecision = ReviewFlag(rawValue: "revision-after-decision")

    /// Signed outside its form's collection window (`Enroll-Signed-At`, `x-enroll-windows`);
    /// the detail has the registrar's late reason.
    public static let outsideWindow = ReviewFlag(rawValue: "outside-window")

    /// Every flag the store raises, for listing and validation of `--flag`.
    public static let all: [ReviewFlag] = [.conflict, .duplicateChild, .phoneQuota, .revisionAfterDecision, .outsideWindow]
}

/// What an audit event records. Stored as its raw value, dotted like the diagnostic codes.
public struct AuditAction: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    /// An import run started (its paths).
    public static let importRun = AuditAction(rawValue: "import.run")
    /// A new application was imported.
    public static let importNew = AuditAction(rawValue: "import.new")
    /// A revision superseded the current one.
    public static let importUpdated = AuditAction(rawValue: "import.updated")
    /// A withdrawal superseded the current revision.
    public static let importWithdrawn = AuditAction(rawValue: "import.withdrawn")
    /// A conflicting revision was held for review.
    public static let importConflict = AuditAction(rawValue: "import.conflict")
    /// A revision of a verified or admitted application was held for a reviewer (the submit lock).
    public static let importHeld = AuditAction(rawValue: "import.held")
    /// A reviewer accepted a held revision: it became current, the decision unchanged.
    public static let revisionAccepted = AuditAction(rawValue: "review.accept-revision")
    /// A reviewer refused a held revision, with reasons: the current revision stands.
    public static let revisionRefused = AuditAction(rawValue: "review.refuse-revision")
    /// A revision of a withdrawn application was refused.
    public static let importRefused = AuditAction(rawValue: "import.refused")
    /// A bundle was quarantined with its reasons.
    public static let importQuarantined = AuditAction(rawValue: "import.quarantined")
    /// A block of collection numbers was issued to a station (detail: station, first, last).
    public static let numbersIssue = AuditAction(rawValue: "numbers.issue")
    /// The store was given the district it serves (`enroll store init`).
    public static let storeInit = AuditAction(rawValue: "store.init")
    /// A district store pushed into the city store (`enroll store push`), with what was new.
    public static let storePush = AuditAction(rawValue: "store.push")
    /// A school was added to (or updated in) the district's school list.
    public static let schoolsAdd = AuditAction(rawValue: "schools.add")
    /// A school list taken in from a spreadsheet (`enroll schools import`), as one event.
    public static let schoolsImport = AuditAction(rawValue: "schools.import")
    /// A station key was trusted.
    public static let trustAdd = AuditAction(rawValue: "trust.add")
    /// A station key was revoked.
    public static let trustRevoke = AuditAction(rawValue: "trust.revoke")
    /// A status archive was exported for the field.
    public static let statusExport = AuditAction(rawValue: "status.export")
    /// A document was printed for an application (`enroll print`); the detail holds its
    /// kind, 校验码, key ID and issue time, so `print verify --number --code` can find it.
    public static let printIssued = AuditAction(rawValue: "print.issued")
    /// A clerk's account was created (its name and role).
    public static let accountAdd = AuditAction(rawValue: "account.add")
    /// An account was disabled; its sessions ended.
    public static let accountDisable = AuditAction(rawValue: "account.disable")
    /// An account was given a new password; its sessions ended.
    public static let accountPassword = AuditAction(rawValue: "account.passwd")
    /// An account was locked after too many wrong passwords.
    public static let accountLocked = AuditAction(rawValue: "account.locked")
    /// A common rejection reason was added to the district's list.
    public static let reasonAdd = AuditAction(rawValue: "reason.add")
    /// A common rejection reason was removed from the district's list.
    public static let reasonRemove = AuditAction(rawValue: "reason.remove")

    /// Harbin's 修改学生姓名 became current (detail: field, from → to).
    public static let importNameChange = AuditAction(rawValue: "import.name-change")
    /// Harbin's 修改填报学校 became current (detail: field, from → to).
    public static let importSchoolChange = AuditAction(rawValue: "import.school-change")
    /// Beijing 2025's 去授权 became current (detail: field, from → to).
    public static let importAuthorization = AuditAction(rawValue: "import.authorization")
    /// Beijing 2025's 取消授权 became current (detail: field, from → to).
    public static let importAuthorizationRevoked = AuditAction(rawValue: "import.authorization-revoked")

    /// The event of a revision that became current: `import.updated` for a plain one, the
    /// kind's own event for a revision kind of its own.
    public static func importRevision(_ kind: BundleKind) -> AuditAction {
        switch kind {
        case .nameChange: .importNameChange
        case .schoolChange: .importSchoolChange
        case .authorization: .importAuthorization
        case .authorizationRevoked: .importAuthorizationRevoked
        case .withdrawal: .importWithdrawn
        case .application: .importUpdated
        }
    }

    /// The event of a review decision (`review.verify`, `review.hold`, …).
    public static func review(_ action: ReviewAction) -> AuditAction { AuditAction(rawValue: "review." + action.rawValue) }
}
