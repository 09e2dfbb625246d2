import Foundation
import Testing

@testable import EnrollCore

/// Station-issued collection numbers (DESIGN §12): the district signs a block per station, the
/// station gives the next number at 提交, the district refuses numbers outside the block.
@Suite("Collection numbers from station blocks (every backend)")
struct CollectionNumberTests {
    /// The district's key, trusted by the station.
    struct District {
        let key: SignifySecretKey
        let trust: TrustStore

        init(_ dir: TemporaryDirectory) throws {
            let written = try KeyFiles.generate(in: dir("district-keys"), name: "district")
            key = try SignifySecretKey(contentsOf: written.secret)
            var trust = TrustStore()
            try trust.add(try SignifyPublicKey(contentsOf: written.public), name: "district", source: written.public)
            self.trust = trust
        }
    }

    static func submission(_ number: String?) -> Submission {
        Submission(signedAt: StoreClock.parse("2024-06-05T10:00:00+08:00")!, collectionNumber: number)
    }

    @Test(arguments: StoreBackendKind.allCases) func blocksComeFromTheImportCounterAndAreAudited(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: backend)
        let first = try fixture.store.issueNumbers(station: "station-a", year: 2024, count: 100, actor: "admin")
        #expect(first.first == "24000001" && first.last == "24000100" && first.count == 100)
        let second = try fixture.store.issueNumbers(station: "station-b", year: 2024, count: 5, actor: "admin")
        #expect(second.first == "24000101" && second.last == "24000105")
        #expect(try fixture.store.numberBlocks().map(\.station) == ["station-a", "station-b"])
        // A station without a block gets the next number of the same counter: never one of a block.
        let report = try fixture.importing(try fixture.application("a", from: "harbin-public-primary-2024-000001"))
        #expect(report.items[0].collectionNumber == "24000106")
        let issued = try #require(try fixture.store.events().first { $0.action.rawValue == "numbers.issue" })
        #expect(issued.actor == "admin" && issued.detail == ["station": "station-a", "first": "24000001", "last": "24000100", "count": "100"])
        #expect(thrownCodes { _ = try fixture.store.issueNumbers(station: "station-a", year: 2024, count: 999_999, actor: "admin") }
            == ["import.collection-numbers-exhausted"])
    }

    @Test func aBlockFileIsSignedAndCheckedAtTheStation() throws {
        let dir = TemporaryDirectory()
        let district = try District(dir)
        let block = NumberBlock(station: "station-a", year: 2024, first: "24000001", last: "24000003", issuedAt: "2024-05-30T02:00:00Z")
        try NumberBlockFile.write(block, key: district.key, keyName: "district.pub", to: dir("block"))
        #expect(try read(dir("block")).hasPrefix("untrusted comment: verify with district.pub\n"))
        #expect(try NumberBlockFile.read(dir("block"), trust: district.trust).block == block)
        #expect(thrownCodes { try NumberBlockFile.write(block, key: district.key, keyName: "district.pub", to: dir("block")) } == ["io.exists"])

        try write(dir("forged"), try read(dir("block")).replacingOccurrences(of: "24000003", with: "24000999"))
        #expect(thrownCodes { _ = try NumberBlockFile.read(dir("forged"), trust: district.trust) } == ["sig.invalid"])
        let other = try District(TemporaryDirectory())
        #expect(thrownCodes { _ = try NumberBlockFile.read(dir("block"), trust: other.trust) } == ["sig.untrusted-key"])
        let text = try read(dir("block"))
        try write(dir("bare"), String(text.prefix(upTo: text.index(text.firstIndex(of: "\n")!, offsetBy: 1))))
        #expect(thrownCodes { _ = try NumberBlockFile.read(dir("bare"), trust: district.trust) } == ["station.number-block"])
    }

    @Test func theStationGivesTheNextNumberAndKeepsItForTheApplication() throws {
        let dir = TemporaryDirectory()
        let district = try District(dir)
        try NumberBlockFile.write(
            NumberBlock(station: "station-a", year: 2024, first: "24000010", last: "24000011", issuedAt: "x"),
            key: district.key, keyName: "district.pub", to: dir("block"))
        let station = StationNumbers(directory: dir("station"))
        #expect(try station.number(for: "app-1", station: "station-a", year: 2024) == nil, "no block yet: the district assigns")
        try station.importBlock(dir("block"), trust: district.trust)
        #expect(try station.number(for: "app-1", station: "station-a", year: 2024) == "24000010")
        #expect(try station.number(for: "app-1", station: "station-b", year: 2024) == nil, "another station's block is not used")
        #expect(try station.number(for: "app-1", station: "station-a", year: 2025) == nil, "nor another year's")
        try station.record("24000010", application: "app-1")
        #expect(try station.number(for: "app-1", station: "station-a", year: 2024) == "24000010", "a revision keeps its number")
        #expect(try station.number(for: "app-2", station: "station-a", year: 2024) == "24000011")
        try station.record("24000011", application: "app-2")
        #expect(try station.number(for: "app-3", station: "station-a", year: 2024) == nil, "a used-up block leaves it to the district")
        try write(dir("station/numbers/used.tsv"), "24000010 app-1\n")
        #expect(thrownCodes { _ = try station.used() } == ["station.index-malformed"])
    }

    @Test(arguments: StoreBackendKind.allCases) func theDistrictTakesNumbersFromTheStationsBlockOnly(backend: StoreBackendKind) throws {
        let dir = TemporaryDirectory()
        let fixture = try DistrictFixture(dir, backend: backend)
        let block = try fixture.store.issueNumbers(station: "station-a", year: 2024, count: 3, actor: "admin")
        let a = try fixture.application("a", from: "harbin-public-primary-2024-000001", submission: Self.submission(block.first))
        let report = try fixture.importing(a)
        #expect(report.items.map(\.outcome) == [.new] && report.items[0].collectionNumber == block.first)

        // The next revision carries the same number and is accepted.
        try BundleOperations().revise(a, data: nil, attachments: [], directory: dir("a2"), signer: (fixture.key, "station-a"), submission: Self.submission(nil))
        #expect(try read(dir("a2/bag-info.txt")).contains("Enroll-Collection-Number: \(block.first)\n"))
        #expect(try fixture.importing(dir("a2")).items.map(\.outcome) == [.updated])

        // Outside the block, or already used by another application: quarantined.
        let outside = try fixture.application("b", from: "harbin-public-primary-2024-000002", submission: Self.submission("24000999"))
        let reused = try fixture.application("c", from: "harbin-public-primary-2024-000003", submission: Self.submission(block.first))
        let refused = try fixture.importing(outside, reused)
        #expect(refused.items.map(\.outcome) == [.quarantined, .quarantined])
        #expect(refused.items.map { $0.diagnostics.map(\.code.rawValue) } == [["import.collection-number"], ["import.collection-number"]])
        #expect(refused.items[0].diagnostics[0].message.en.contains("24000999") && refused.items[0].diagnostics[0].message.en.contains("station-a"))
        #expect(try fixture.store.applications().count == 1)
    }
}
