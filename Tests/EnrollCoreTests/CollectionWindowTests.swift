import Foundation
import SampleKit
import Testing

@testable import EnrollCore

/// Collection windows (DESIGN §12, docs/FORMS.md `x-enroll-windows`): the clock, the station's
/// refusal at 提交 without a late reason, the signed `Enroll-Signed-At`, the district's flag.
@Suite("Collection windows and the clock")
struct CollectionWindowTests {
    static let harbin = try! sharedCatalog.form("harbin-public-primary-2024")

    static func time(_ text: String) -> Date { StoreClock.parse(text)! }

    @Test func theHarbinWindowIsTheManualsToTheSecond() {
        #expect(Self.harbin.windows.map(\.text) == ["2024-06-03T08:00:00+08:00 – 2024-06-14T23:59:59+08:00"])
        for (text, inside) in [
            ("2024-06-03T07:59:59+08:00", false), ("2024-06-03T08:00:00+08:00", true), ("2024-06-05T10:00:00+08:00", true),
            ("2024-06-14T23:59:59+08:00", true), ("2024-06-15T00:00:00+08:00", false), ("2024-06-14T15:59:59Z", true),
        ] {
            #expect(CollectionWindowRule.isInside(Self.time(text), Self.harbin.windows) == inside, "\(text)")
        }
        let beijing2024 = try! sharedCatalog.form("beijing-local-primary-2024")
        #expect(beijing2024.windows.map(\.text) == ["2024-05-06T00:00:00+08:00 – 2024-05-31T23:59:59+08:00"])
        // The 2025 non-local manual gives no dates: always inside.
        #expect(CollectionWindowRule.isInside(Self.time("2031-01-01T00:00:00+08:00"), try! sharedCatalog.form("beijing-nonlocal-primary-2025").windows))
    }

    @Test func outsideTheWindowOnlyAReasonLetsTheStationSubmit() {
        let late = Self.time("2024-06-20T09:30:00+08:00")
        let refused = CollectionWindowRule.check(form: Self.harbin, signedAt: late, lateReason: nil, file: "b1")
        #expect(refused.map(\.code.rawValue) == ["form.outside-window"])
        #expect(refused[0].message.zh.contains("2024-06-20T09:30:00+08:00") && refused[0].message.en.contains("--late-reason"))
        #expect(CollectionWindowRule.check(form: Self.harbin, signedAt: late, lateReason: "  \n ", file: "b1").map(\.code.rawValue) == ["form.outside-window"])
        #expect(CollectionWindowRule.check(form: Self.harbin, signedAt: late, lateReason: "家长住院，补录", file: "b1").isEmpty)
        #expect(CollectionWindowRule.check(form: Self.harbin, signedAt: Self.time("2024-06-05T10:00:00+08:00"), lateReason: nil, file: "b1").isEmpty)
    }

    @Test func theClockIsSetForATaskAndWrittenInShanghaiTime() throws {
        let fixed = Self.time("2024-06-05T02:00:00Z")
        try StoreClock.$fixed.withValue(fixed) { () throws in
            #expect(try StoreClock.current() == fixed)
            #expect(StoreClock.now() == "2024-06-05T02:00:00Z")
            #expect(StoreClock.signingText(try StoreClock.current()) == "2024-06-05T10:00:00+08:00")
            #expect(SampleBundles.signingTime(for: Self.harbin) == fixed, "a clock inside the window is used")
        }
        try StoreClock.$fixed.withValue(Self.time("2025-01-01T00:00:00+08:00")) {
            #expect(StoreClock.signingText(SampleBundles.signingTime(for: Self.harbin)) == "2024-06-05T10:00:00+08:00")
        }
        #expect(StoreClock.parse("2024-06-05 10:00") == nil && StoreClock.parse("2024-06-05T10:00:00") == nil)
    }

    /// A draft of the first Harbin sample's data, unsigned.
    static func draft(_ district: DistrictFixture, _ dir: TemporaryDirectory, _ name: String) throws -> String {
        let source = DistrictFixture.sample("harbin-public-primary-2024-000001")
        try BundleOperations().create(
            form: "harbin-public-primary-2024", formVersion: Self.harbin.version, data: source + "/data/form.json",
            attachments: try district.attachments(of: source), directory: dir(name))
        return dir(name)
    }

    @Test func theStationRefusesLateWithoutAReasonAndSignsTheReason() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let validator = ApplicationValidator(catalog: sharedCatalog, trust: nil)
        let late = Self.time("2024-06-20T09:30:00+08:00")
        let refused = try Self.draft(district, dir, "late")
        #expect(thrownCodes {
            _ = try BundleOperations().finish(refused, validator: validator, signer: (district.key, "station-a"), submission: Submission(signedAt: late))
        } == ["form.outside-window"])
        #expect(!FileManager.default.fileExists(atPath: refused), "a refused bundle is removed")

        let bundle = try Self.draft(district, dir, "late-with-reason")
        let finished = try BundleOperations().finish(
            bundle, validator: validator, signer: (district.key, "station-a"),
            submission: Submission(signedAt: late, lateReason: "家长住院，\n补录"))
        #expect(finished.header.signedAt == "2024-06-20T09:30:00+08:00" && finished.header.lateReason == "家长住院， 补录")
        let info = try read(bundle + "/bag-info.txt")
        #expect(info.contains("Enroll-Signed-At: 2024-06-20T09:30:00+08:00\n") && info.contains("Enroll-Late-Reason: 家长住院， 补录\n"))
        let verified = try BundleVerifier(trust: district.trust).verify(directory: bundle)
        #expect(verified.isValid && verified.header?.signedAt == "2024-06-20T09:30:00+08:00")

        // The fields are signed: editing the reason afterwards breaks the bundle.
        try FileManager.default.copyItem(atPath: bundle, toPath: dir("forged"))
        try write(dir("forged/bag-info.txt"), info.replacingOccurrences(of: "家长住院， 补录", with: "系统故障"))
        let forged = try BundleVerifier(trust: district.trust).verify(directory: dir("forged"))
        #expect(!forged.isValid && forged.diagnostics.map(\.code.rawValue).contains("bag.tag-checksum-mismatch"))

        // The district imports it and flags it, with the reason.
        let report = try district.importing(bundle)
        #expect(report.items.map(\.outcome) == [.new] && report.items[0].flags == ["outside-window"])
        #expect(report.items[0].diagnostics.map(\.code.rawValue) == ["import.outside-window"])
        let flag = try #require(try district.store.detail(report.items[0].collectionNumber!).flags.first)
        #expect(flag.flag == "outside-window" && flag.detail.contains("家长住院") && flag.detail.contains("2024-06-20T09:30:00+08:00"))
    }

    @Test func aSubmissionInsideTheWindowIsNotFlagged() throws {
        let dir = TemporaryDirectory()
        let district = try DistrictFixture(dir)
        let bundle = try Self.draft(district, dir, "on-time")
        try BundleOperations().finish(
            bundle, validator: ApplicationValidator(catalog: sharedCatalog, trust: nil), signer: (district.key, "station-a"),
            submission: Submission(signedAt: Self.time("2024-06-05T10:00:00+08:00")))
        let report = try district.importing(bundle)
        #expect(report.items.map(\.outcome) == [.new] && report.items[0].flags.isEmpty && report.items[0].diagnostics.isEmpty)
    }

    @Test func aMalformedSigningTimeOrCollectionNumberIsABagInfoError() {
        var header = BundleHeader(
            form: "harbin-public-primary-2024", formVersion: "2024.1", applicationID: UUID(), revision: 1, previousRevision: nil, kind: .application)
        header.signedAt = "2024-06-05T10:00:00+08:00"
        header.collectionNumber = "24000001"
        var info = BagInfo()
        header.apply(to: &info)
        let (parsed, fine) = BundleHeader.parse(info, file: "bag-info.txt")
        #expect(fine.isEmpty && parsed?.signedAt == "2024-06-05T10:00:00+08:00" && parsed?.collectionNumber == "24000001")
        info.set("Enroll-Signed-At", "2024-06-05 10:00")
        info.set("Enroll-Collection-Number", "2400001X")
        let problems = BundleHeader.parse(info, file: "bag-info.txt").1
        #expect(problems.map(\.code.rawValue) == ["bag.info-field-invalid", "bag.info-field-invalid"])
        #expect(problems.map(\.message.en).joined().contains("Enroll-Signed-At") && problems.map(\.message.en).joined().contains("Enroll-Collection-Number"))
    }
}
