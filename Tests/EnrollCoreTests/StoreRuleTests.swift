import JSONSchema
import Testing

@testable import EnrollCore

/// The merge rule of DESIGN §7, from a table: no database.
@Suite("Merge rule")
struct MergeRuleTests {
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)
    static let c = String(repeating: "c", count: 64)

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var current: MergeRule.Current?
        var incoming: MergeRule.Incoming
        var expected: MergeRule.Decision
        var outcome: ImportReport.Outcome
        var testDescription: String { name }
    }

    static func current(_ status: ApplicationStatus, _ revision: Int, _ digest: String) -> MergeRule.Current {
        MergeRule.Current(status: status, revision: revision, digest: digest)
    }

    static func incoming(_ revision: Int, previous: String?, _ digest: String, kind: BundleKind = .application, stored: Bool = false) -> MergeRule.Incoming {
        MergeRule.Incoming(revision: revision, previous: previous, digest: digest, kind: kind, alreadyStored: stored)
    }

    static let cases: [Case] = [
        Case(name: "unknown application, revision 1 → new", current: nil, incoming: incoming(1, previous: nil, a),
             expected: .new(outOfOrder: false), outcome: .new),
        Case(name: "unknown application, revision 3 → new, held as out of order", current: nil, incoming: incoming(3, previous: b, a),
             expected: .new(outOfOrder: true), outcome: .conflict),
        Case(name: "a withdrawal as the first revision → new", current: nil, incoming: incoming(1, previous: nil, a, kind: .withdrawal),
             expected: .new(outOfOrder: false), outcome: .new),
        Case(name: "same digest again → unchanged", current: current(.received, 1, a), incoming: incoming(1, previous: nil, a, stored: true),
             expected: .unchanged, outcome: .unchanged),
        Case(name: "an older stored revision again → unchanged", current: current(.verified, 2, b), incoming: incoming(1, previous: nil, a, stored: true),
             expected: .unchanged, outcome: .unchanged),
        Case(name: "stored digest of a withdrawn application → unchanged, not refused",
             current: current(.withdrawn, 2, b), incoming: incoming(2, previous: a, b, kind: .withdrawal, stored: true),
             expected: .unchanged, outcome: .unchanged),
        Case(name: "next revision chained to the current → supersedes, back to review",
             current: current(.received, 1, a), incoming: incoming(2, previous: a, b),
             expected: .supersede(status: .received), outcome: .updated),
        Case(name: "submit lock: next revision of a verified application → held, decision kept",
             current: current(.verified, 1, a), incoming: incoming(2, previous: a, b),
             expected: .hold(replacing: nil), outcome: .held),
        Case(name: "submit lock: next revision of an admitted application → held",
             current: current(.admitted, 1, a), incoming: incoming(2, previous: a, b),
             expected: .hold(replacing: nil), outcome: .held),
        Case(name: "submit lock: a revision chained onto the held one replaces it as the one to review",
             current: MergeRule.Current(status: .admitted, revision: 1, digest: a, held: .init(revision: 2, digest: b)),
             incoming: incoming(3, previous: b, c), expected: .hold(replacing: b), outcome: .held),
        Case(name: "submit lock: another revision 2 beside the held one → conflict with the held number",
             current: MergeRule.Current(status: .verified, revision: 1, digest: a, held: .init(revision: 2, digest: b)),
             incoming: incoming(2, previous: a, c), expected: .conflict(.sameOrOlderRevision(incoming: 2, current: 2)), outcome: .conflict),
        Case(name: "submit lock: a withdrawal of an admitted application still withdraws",
             current: current(.admitted, 1, a), incoming: incoming(2, previous: a, b, kind: .withdrawal),
             expected: .supersede(status: .withdrawn), outcome: .updated),
        Case(name: "rejected after a revision was held: the next revision chains onto the held one and goes back to review",
             current: MergeRule.Current(status: .rejected, revision: 1, digest: a, held: .init(revision: 2, digest: b)),
             incoming: incoming(3, previous: b, c), expected: .supersede(status: .received), outcome: .updated),
        Case(name: "next revision after a rejection → supersedes, back to review",
             current: current(.rejected, 1, a), incoming: incoming(2, previous: a, b),
             expected: .supersede(status: .received), outcome: .updated),
        Case(name: "withdrawal chained to the current → supersedes, withdrawn",
             current: current(.received, 2, b), incoming: incoming(3, previous: b, c, kind: .withdrawal),
             expected: .supersede(status: .withdrawn), outcome: .updated),
        Case(name: "same number, other content → conflict",
             current: current(.received, 2, b), incoming: incoming(2, previous: a, c),
             expected: .conflict(.sameOrOlderRevision(incoming: 2, current: 2)), outcome: .conflict),
        Case(name: "older number, other content → conflict",
             current: current(.received, 3, c), incoming: incoming(2, previous: a, b),
             expected: .conflict(.sameOrOlderRevision(incoming: 2, current: 3)), outcome: .conflict),
        Case(name: "next number chained to another revision → broken chain",
             current: current(.received, 2, b), incoming: incoming(3, previous: a, c),
             expected: .conflict(.brokenChain(incoming: 3, current: 2)), outcome: .conflict),
        Case(name: "a gap in the numbers → broken chain",
             current: current(.received, 1, a), incoming: incoming(3, previous: a, c),
             expected: .conflict(.brokenChain(incoming: 3, current: 1)), outcome: .conflict),
        Case(name: "anything new after a withdrawal → refused",
             current: current(.withdrawn, 2, b), incoming: incoming(3, previous: b, c),
             expected: .refused(.withdrawn), outcome: .refused),
        Case(name: "a conflicting number after a withdrawal → refused too",
             current: current(.withdrawn, 2, b), incoming: incoming(2, previous: a, c),
             expected: .refused(.withdrawn), outcome: .refused),
    ]

    @Test(arguments: cases) func decides(_ row: Case) {
        let decision = MergeRule.decide(current: row.current, incoming: row.incoming)
        #expect(decision == row.expected)
        #expect(decision.outcome == row.outcome)
    }

    @Test func conflictReasonsSayWhatInBothLanguages() {
        let reason = MergeRule.ConflictReason.brokenChain(incoming: 3, current: 1)
        #expect(reason.description == "revision 3 does not follow the current revision 1 (broken chain)")
        #expect(reason.text.zh == "第 3 版不接续当前第 1 版")
    }
}

/// The review rule from a table: which moves are allowed, what they need, where they lead.
@Suite("Review rule")
struct ReviewRuleTests {
    static func state(_ status: ApplicationStatus, reasons: [String] = [], school: String? = nil) -> ReviewRule.State {
        ReviewRule.State(status: status, reasons: reasons, school: school)
    }

    @Test(arguments: ReviewAction.allCases, ApplicationStatus.allCases)
    func everyMoveIsAllowedExactlyFromItsStatuses(action: ReviewAction, status: ApplicationStatus) {
        let decision = ReviewDecision(action, "24000001", reasons: ["理由"], school: "第一小学", reviewer: "clerk")
        let allowed: [ReviewAction: Set<ApplicationStatus>] = [
            .verify: [.received, .rejected], .hold: [.received, .verified, .rejected],
            .reject: [.received, .verified], .admit: [.verified],
        ]
        if allowed[action]!.contains(status) {
            let after = try? ReviewRule.apply(decision, to: Self.state(status), collectionNumber: "24000001")
            #expect(after?.status == action.target)
        } else {
            #expect(thrownCodes { _ = try ReviewRule.apply(decision, to: Self.state(status), collectionNumber: "24000001") }
                    == ["review.not-allowed"])
        }
    }

    @Test func rejectingAndHoldingNeedReasonsAdmittingNeedsASchool() {
        let from = Self.state(.received)
        #expect(thrownCodes { _ = try ReviewRule.apply(ReviewDecision(.reject, "x", reasons: ["  ", ""], reviewer: "c"), to: from, collectionNumber: "x") }
                == ["review.reason-missing"])
        #expect(thrownCodes { _ = try ReviewRule.apply(ReviewDecision(.hold, "x", reviewer: "c"), to: from, collectionNumber: "x") }
                == ["review.reason-missing"])
        #expect(thrownCodes { _ = try ReviewRule.apply(ReviewDecision(.admit, "x", school: " ", reviewer: "c"), to: Self.state(.verified), collectionNumber: "x") }
                == ["review.school-missing"])
    }

    @Test func decisionsSetAndClearReasonsAndSchool() throws {
        let rejected = try ReviewRule.apply(ReviewDecision(.reject, "x", reasons: [" 照片不清晰 ", ""], reviewer: "c"), to: Self.state(.received), collectionNumber: "x")
        #expect(rejected == Self.state(.rejected, reasons: ["照片不清晰"]))
        let verified = try ReviewRule.apply(ReviewDecision(.verify, "x", reviewer: "c"), to: rejected, collectionNumber: "x")
        #expect(verified == Self.state(.verified))
        let admitted = try ReviewRule.apply(ReviewDecision(.admit, "x", school: "第一小学", reviewer: "c"), to: verified, collectionNumber: "x")
        #expect(admitted == Self.state(.admitted, school: "第一小学"))
    }
}

/// The Beijing phone quota counts the registration phone, 监护人(一)'s (seed 001:
/// 每个监护人手机号码最多允许注册三个账号 — an account is registered with one phone).
@Suite("Phone quota keys")
struct PhoneQuotaKeyTests {
    @Test(arguments: [
        "beijing-local-primary-2024", "beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025",
    ])
    func beijingCountsTheRegistrationPhoneOnly(_ formID: String) throws {
        let form = try sharedCatalog.form(formID)
        let sample = repositoryRoot + "/SampleBundles/valid/\(formID)-000001/data/form.json"
        let document = try JSONParser.parse(FileIO.readAll(sample))
        let facts = CrossApplicationRules.facts(form: form, document: document)
        let guardian1 = try #require(document.value(at: JSONPointer(parsing: "/guardian1/phone"))?.stringValue)
        #expect(facts.phones == [CrossApplicationRules.PhoneQuota(phone: guardian1, max: 3)])
    }
}
