/// A reviewer's answer to a revision the submit lock held (DESIGN §12, Harbin:
/// "确认提交后家长不可再修改信息，如需修改请联系学校招生负责人").
public enum HeldRevisionAction: String, Sendable, Codable, CaseIterable {
    /// The held revision becomes current; the status and decision stay as they are.
    case accept = "accept-revision"
    /// The held revision is refused with reasons; the current revision stands.
    case refuse = "refuse-revision"
}

/// The rule for held revisions as a pure function: whether a reviewer may accept or refuse
/// now, and with which reasons. Every backend applies the answer in one transaction with its
/// audit event.
public enum HeldRevisionRule {
    /// Checks an answer to a held revision.
    /// - Parameters:
    ///   - action: Accept or refuse.
    ///   - held: The revision waiting (the newest held one), or nil if none waits.
    ///   - reasons: Why (required to refuse).
    ///   - collectionNumber: The application's collection number, for the message.
    /// - Returns: The reasons, trimmed, empty ones dropped.
    /// - Throws: `EnrollError` with `review.no-held-revision` when no revision waits,
    ///   `review.reason-missing` when a refusal has no reason.
    public static func check(
        _ action: HeldRevisionAction, held: MergeRule.Tip?, reasons: [String], collectionNumber: String
    ) throws -> [String] {
        guard held != nil else {
            throw EnrollError.invalid(
                .reviewNoHeldRevision, Location(),
                zh: "申请 \(collectionNumber) 没有待审核的修改（审核通过或录取后提交的新版本）。",
                en: "Application \(collectionNumber) has no revision waiting for review (one signed after it was verified or admitted).")
        }
        let reasons = reasons.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if action == .refuse && reasons.isEmpty {
            throw EnrollError.usage(
                .reviewReasonMissing, Location(),
                zh: "不同意修改必须写明理由（--reason），家长会看到这些理由。",
                en: "Refusing a revision needs reasons (--reason); the family will see them.")
        }
        return reasons
    }
}

import Foundation
