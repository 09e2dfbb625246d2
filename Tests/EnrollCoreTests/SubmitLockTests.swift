import Foundation
import Testing

@testable import EnrollCore

/// The submit lock (DESIGN §12, Harbin: "确认提交后家长不可再修改信息，如需修改请联系学校招生负责人"):
/// a revision of a verified or admitted application keeps the decision and waits for a reviewer.
@Suite("Submit lock: revisions after a decision (every backend)")
struct SubmitLockTests {
    /// Revision 1 imported and decided, and revision 2 (another employer) signed from it.
    static func decided(
        _ district: DistrictFixture, _ dir: TemporaryDirectory, admit: Bool
    ) throws -> (number: String, r1: String, r2: String) {
        let r1 = try district.application("r1", from: "harbin-public-primary-2024-000001")
        try district.importing(r1)
        let number = try district.store.applications()[0].collectionNumber
        try district.store.review(.verify, number, reviewer: "clerk")
        if admit { try district.store.review(.admit, number, school: "哈尔滨市第一小学", reviewer: "clerk") }
        var data = try JSONSerialization.jsonObject(with: Data(try FileIO.readAll(r1 + "/data/form.json"))) as! [String: Any]
        var guardian = data["guardian1"] as! [String: Any]
        guardian["employer"] = "哈尔滨市第二百货商店"
        data["guardian1"] = guardian
        try JSONSerialization.data(withJSONObject: data).write(to: URL(fileURLWithPath: dir("r2.json")))
        try BundleOperations().revise(r1, data: dir("r2.json"), attachments: [], directory: dir("r2"), signer: (district.key, "station-a"))
        return (number, r1, dir("r2"))
    }

    @Test(arguments: StoreBackendKind.allCases) func anAdmittedApplicationKeepsItsDecisionUntilTheRevisionIsAccepted(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let (number, _, r2) = try Self.decided(district, dir, admit: true)
        let report = try district.importing(r2)
        #expect(report.items.map(\.outcome) == [.held])
        #expect(report.items[0].flags == ["revision-after-decision"])
        #expect(report.items[0].diagnostics.map(\.code.rawValue) == ["import.revision-held"])
        #expect(report.isClean, "a held revision is not a failure")
        var summary = try district.store.detail(number).summary
        #expect(summary.status == .admitted && summary.school == "哈尔滨市第一小学" && summary.revision == 1)
        #expect(summary.flags == ["revision-after-decision"])
        #expect(try district.store.detail(number).revisions.map(\.state) == [.current, .held])
        // Re-importing the held revision changes nothing.
        #expect(try district.importing(r2).items.map(\.outcome) == [.unchanged])

        summary = try district.store.acceptRevision(number, reviewer: "head")
        #expect(summary.status == .admitted && summary.school == "哈尔滨市第一小学", "accepting keeps the decision")
        #expect(summary.revision == 2 && summary.flags.isEmpty)
        #expect(try district.store.detail(number).revisions.map(\.state) == [.superseded, .current])
        let formJSON = try #require(try district.store.detail(number).formJSON)
        #expect(formJSON.contains("哈尔滨市第二百货商店"))
        let events = try district.store.events(application: summary.applicationId)
        #expect(events.map(\.action.rawValue).suffix(2) == ["import.held", "review.accept-revision"])
        #expect(events.last?.actor == "head")
        #expect(events.last?.detail == ["from": "1", "to": "2", "digest": try district.store.detail(number).revisions[1].digest, "status": "admitted"])
        // Nothing waits any more.
        #expect(thrownCodes { try district.store.acceptRevision(number, reviewer: "head") } == ["review.no-held-revision"])
    }

    @Test(arguments: StoreBackendKind.allCases) func aRefusedRevisionLeavesTheCurrentOneStanding(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let (number, _, r2) = try Self.decided(district, dir, admit: false)
        #expect(try district.importing(r2).items.map(\.outcome) == [.held])
        #expect(try district.store.applications(flag: "revision-after-decision").map(\.collectionNumber) == [number])
        #expect(thrownCodes { try district.store.refuseRevision(number, reasons: ["  "], reviewer: "head") } == ["review.reason-missing"])
        let summary = try district.store.refuseRevision(number, reasons: ["请联系学校招生负责人修改"], reviewer: "head")
        #expect(summary.status == .verified && summary.revision == 1 && summary.flags.isEmpty)
        #expect(try district.store.detail(number).revisions.map(\.state) == [.current, .refused])
        let last = try #require(try district.store.events(application: summary.applicationId).last)
        #expect(last.action.rawValue == "review.refuse-revision" && last.detail["reasons"] == "请联系学校招生负责人修改")
        #expect(thrownCodes { try district.store.refuseRevision(number, reasons: ["x"], reviewer: "head") } == ["review.no-held-revision"])
        #expect(thrownCodes { try district.store.acceptRevision("ffffffff", reviewer: "head") } == ["store.unknown-application"])
    }

    @Test(arguments: StoreBackendKind.allCases) func aRejectionWhileARevisionWaitsLetsTheNextRevisionGoBackToReview(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir, backend: backend)
        let (number, _, r2) = try Self.decided(district, dir, admit: false)
        #expect(try district.importing(r2).items.map(\.outcome) == [.held])
        try district.store.review(.reject, number, reasons: ["户籍信息不符"], reviewer: "clerk")
        try BundleOperations().revise(r2, data: nil, attachments: [], directory: dir("r3"), signer: (district.key, "station-a"))
        #expect(try district.importing(dir("r3")).items.map(\.outcome) == [.updated])
        let summary = try district.store.detail(number).summary
        #expect(summary.status == .received && summary.revision == 3 && summary.reasons.isEmpty && summary.flags.isEmpty)
        #expect(try district.store.detail(number).revisions.map(\.state) == [.superseded, .superseded, .current])
    }
}
