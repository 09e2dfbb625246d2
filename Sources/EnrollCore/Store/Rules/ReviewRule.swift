/// A reviewer's decision on an application.
public enum ReviewAction: String, Sendable, Codable, CaseIterable {
    /// Documents checked and correct: received → verified.
    case verify
    /// Put back to received for a closer look, with a reason.
    case hold
    /// Rejected with reasons (驳回).
    case reject
    /// Admitted to a school (录取).
    case admit

    /// The status the action leads to.
    public var target: ApplicationStatus {
        switch self {
        case .verify: .verified
        case .hold: .received
        case .reject: .rejected
        case .admit: .admitted
        }
    }

    /// The statuses the action may start from.
    public var allowedFrom: Set<ApplicationStatus> {
        switch self {
        case .verify: [.received, .rejected]
        case .hold: [.received, .verified, .rejected]
        case .reject: [.received, .verified]
        case .admit: [.verified]
        }
    }
}

/// A decision as a reviewer asks for it.
public struct ReviewDecision: Sendable, Hashable {
    /// What is decided.
    public var action: ReviewAction
    /// The application: its id, a unique id prefix, or its collection number.
    public var reference: String
    /// Why (required to reject or hold; the family sees them).
    public var reasons: [String]
    /// The school (required to admit).
    public var school: String?
    /// Who decides (an account or a login name), recorded in the audit log.
    public var reviewer: String
    /// The application's version the reviewer saw (``ApplicationSummary/version``); when
    /// given, the decision is refused with `review.stale` if the application changed since.
    public var expectedVersion: Int64?

    public init(
        _ action: ReviewAction, _ reference: String, reasons: [String] = [], school: String? = nil, reviewer: String,
        expectedVersion: Int64? = nil
    ) {
        self.action = action
        self.reference = reference
        self.reasons = reasons
        self.school = school
        self.reviewer = reviewer
        self.expectedVersion = expectedVersion
    }
}

/// The review rule as a pure function: the state an application is in and a decision → the
/// state it moves to, or the reason it may not. Every backend applies the result in one
/// transaction together with its audit event.
public enum ReviewRule {
    /// The part of an application a decision changes.
    public struct State: Sendable, Hashable {
        public var status: ApplicationStatus
        public var reasons: [String]
        public var school: String?

        public init(status: ApplicationStatus, reasons: [String], school: String?) {
            self.status = status
            self.reasons = reasons
            self.school = school
        }
    }

    /// Applies a decision.
    /// - Parameters:
    ///   - decision: The decision.
    ///   - state: The application's state now.
    ///   - collectionNumber: The application's collection number, for the message.
    /// - Returns: The state after the decision.
    /// - Throws: `EnrollError` with `review.not-allowed` when the move is not allowed
    ///   from the current status, `review.reason-missing` when a rejection or hold has
    ///   no reason, `review.school-missing` when an admission names no school.
    public static func apply(_ decision: ReviewDecision, to state: State, collectionNumber: String) throws -> State {
        let action = decision.action
        guard action.allowedFrom.contains(state.status) else {
            throw EnrollError.invalid(
                .reviewNotAllowed, Location(),
                zh: "申请 \(collectionNumber) 当前状态为“\(state.status.familyText.zh)”，不能执行“\(action.rawValue)”。",
                en: "Application \(collectionNumber) is \(state.status.rawValue); \(action.rawValue) is not allowed from there.")
        }
        let reasons = decision.reasons.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if (action == .reject || action == .hold) && reasons.isEmpty {
            throw EnrollError.usage(
                .reviewReasonMissing, Location(),
                zh: "驳回或暂缓必须写明理由（--reason），家长会看到这些理由。", en: "Rejecting or holding needs reasons (--reason); the family will see them.")
        }
        let school = decision.school?.trimmingCharacters(in: .whitespaces)
        if action == .admit && (school ?? "").isEmpty {
            throw EnrollError.usage(.reviewSchoolMissing, Location(), zh: "录取必须写明学校（--school）。", en: "Admitting needs the school (--school).")
        }
        switch action {
        case .reject, .hold: return State(status: action.target, reasons: reasons, school: state.school)
        case .verify: return State(status: action.target, reasons: [], school: state.school)
        case .admit: return State(status: action.target, reasons: [], school: school)
        }
    }
}

import Foundation

extension ReviewRule {
    /// Applies a decision to a stored application: the record as it is to be written, and the
    /// audit event that goes with it (`from`, `to`, `revision`, each reason an entry of its
    /// own, the school of an admission), for a backend to write in one transaction.
    /// - Throws: As ``apply(_:to:collectionNumber:)``.
    static func applied(_ decision: ReviewDecision, to record: ApplicationRecord) throws -> (record: ApplicationRecord, event: AuditEntry) {
        var record = record
        let before = State(status: record.status, reasons: record.reasons, school: record.school)
        let after = try apply(decision, to: before, collectionNumber: record.collectionNumber)
        record.status = after.status
        record.reasons = after.reasons
        record.school = after.school
        record.updatedAt = StoreClock.now()
        var detail = ["from": before.status.rawValue, "to": after.status.rawValue, "revision": String(record.currentRevision)]
        // Each reason an entry of its own: reason.1, reason.2, … (never one joined string).
        for (index, reason) in after.reasons.enumerated() { detail["reason.\(index + 1)"] = reason }
        if decision.action == .admit, let school = after.school { detail["school"] = school }
        return (record, AuditEntry(actor: decision.reviewer, application: record.id, action: .review(decision.action), detail: detail))
    }
}
