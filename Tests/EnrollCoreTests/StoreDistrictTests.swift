import Foundation
import Testing

@testable import EnrollCore

/// A store serves one district (DESIGN §7): set at `enroll store init`, bundles for another
/// district quarantined, exports and status archives per district.
@Suite("One district per store (every backend)")
struct StoreDistrictTests {
    static func sampleDistrict(_ sample: String) throws -> String {
        let data = try JSONSerialization.jsonObject(with: Data(FileIO.readAll(DistrictFixture.sample(sample) + "/data/form.json"))) as! [String: Any]
        return (data["application"] as! [String: Any])["district"] as! String
    }

    @Test(arguments: StoreBackendKind.allCases) func aBundleForAnotherDistrictIsQuarantinedNamingBoth(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: backend)
        let ours = try Self.sampleDistrict("harbin-public-primary-2024-000001")
        #expect(try fixture.store.servedDistrict() == nil, "a new store has no district until init")
        try fixture.store.serve(district: ours, actor: "admin")
        try fixture.store.serve(district: ours, actor: "admin")
        #expect(thrownCodes { try fixture.store.serve(district: "不存在区", actor: "admin") } == ["store.district-mismatch"])
        #expect(try fixture.store.servedDistrict() == ours)

        let mine = try fixture.application("mine", from: "harbin-public-primary-2024-000001")
        let other = try fixture.application("other", from: "harbin-public-primary-2024-000001") { data in
            var application = data["application"] as! [String: Any]
            application["district"] = ours == "道里区" ? "道外区" : "道里区"
            data["application"] = application
            var student = data["student"] as! [String: Any]
            student["name"] = "另一人"
            data["student"] = student
        }
        let report = try fixture.importing(mine, other)
        #expect(report.items.map(\.outcome) == [.new, .quarantined])
        let problem = try #require(report.items[1].diagnostics.first)
        #expect(problem.code.rawValue == "import.wrong-district")
        #expect(problem.message.zh.contains(ours) && problem.message.en.contains(ours == "道里区" ? "道外区" : "道里区"))
        #expect(try fixture.store.events().contains { $0.action.rawValue == "store.init" && $0.detail["district"] == ours })
    }

    @Test(arguments: StoreBackendKind.allCases) func exportsHoldOnlyTheServedDistrict(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: backend)
        // Made before the store had a district: two districts in one store.
        let a = try fixture.application("a", from: "harbin-public-primary-2024-000001")
        let b = try fixture.application("b", from: "harbin-public-primary-2024-000002") { data in
            var application = data["application"] as! [String: Any]
            application["district"] = "呼兰区"
            data["application"] = application
        }
        try fixture.importing(a, b)
        #expect(try fixture.store.exportRows().count == 2)
        let ours = try Self.sampleDistrict("harbin-public-primary-2024-000001")
        try #require(ours != "呼兰区")
        try fixture.store.serve(district: ours, actor: "admin")
        #expect(try fixture.store.exportRows().map(\.summary.applicationId) == [try fixture.store.applications().first { $0.collectionNumber == "24000001" }!.applicationId])
        #expect(try fixture.store.backend.statusRows(station: nil).count == 1)
        let event = try #require(try fixture.store.events().last)
        #expect(event.action.rawValue == "store.init" && event.detail["otherDistricts"] == "呼兰区")
    }
}
