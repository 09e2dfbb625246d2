import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONSchema
import SampleKit
import StationWeb
import Testing

/// Beijing 2025's 授权 field (`/authorization/granted`) is set only by the revision kinds 去授权
/// and 取消授权: the station's pages show no input for it, a new application never has it
/// whatever a request says, and a plain revision after 去授权 keeps it as it was.
@Suite("Station web app: fields only a revision kind sets")
struct StationAuthorizationTests {
    static let beijing = "beijing-nonlocal-primary-2025"
    static let granted = "/authorization/granted"

    @Test("no input for /authorization/granted; a forged one is dropped; a plain revision after 去授权 keeps it granted")
    func kindOwnedFieldsAreCarriedNotTyped() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let catalog = try StationFixture.catalog.get()
        let form = try catalog.form(Self.beijing)
        #expect(form.kindOwnedFields.map(\.description) == [Self.granted])
        let sample = try StationFixture.sample(Self.beijing, seed: 11)
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let blank = try await browser.open(client, "/forms/\(Self.beijing)/new")
            #expect(blank.status == .ok)
            #expect(!blank.body.contains("name=\"\(Self.granted)\""), "the page has no 授权 input")
            #expect(blank.body.contains("name=\"/student/name\""), "the other fields are there")

            // Revision 1, with a forged 授权 value in the request: it is not kept.
            let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
            let first = try await browser.post(
                client, "/drafts?form=\(Self.beijing)",
                fields: StationFixture.controls(sample.document) + [(Self.granted, "true"), ("_action", "submit")], files: files)
            #expect(first.status == .seeOther, "\(first.body.prefix(1500))")
            let page = String(try #require(first.location).prefix { $0 != "?" })
            let r1 = try #require(try StationRecords(directory: fixture.configuration.directory).records().first)
            let data1 = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: r1.path + "/data/form.json"))))
            #expect(data1.value(at: try JSONPointer(parsing: "/authorization")) == nil, "a new application has no 授权")

            // 去授权 as `enroll revise --kind authorization` makes it, recorded by the station.
            let r2path = fixture.directory + "/r2"
            let operations = BundleOperations()
            try operations.revise(r1.path, data: nil, attachments: [], directory: r2path, kind: .authorization, rules: RevisionRules(form: form))
            let finished = try operations.finish(
                r2path, validator: ApplicationValidator(catalog: catalog, trust: nil), signer: (fixture.secret, "test-station"))
            #expect(finished.isSigned)
            try StationRecords(directory: fixture.configuration.directory).record(bundle: r2path, header: finished.header, catalog: catalog)

            // A plain revision from the station: the page shows no 授权 input, the request tries
            // to revoke it, and the signed revision 3 still carries it granted.
            _ = try await browser.open(client, page)
            let revise = try await browser.post(client, page + "/revise", fields: [])
            #expect(revise.status == .seeOther)
            let draftPage = try await browser.open(client, try #require(revise.location))
            #expect(!draftPage.body.contains("name=\"\(Self.granted)\""))
            let fields = StationFixture.controls(sample.document)
            let draft = String(try #require(revise.location).prefix { $0 != "?" })
            let third = try await browser.post(client, draft, fields: fields + [(Self.granted, "false"), ("_etag", "1"), ("_action", "submit")])
            #expect(third.status == .seeOther, "\(third.body.prefix(1500))")
            let r3 = try #require(try StationRecords(directory: fixture.configuration.directory).records().first { $0.revision == 3 })
            let data3 = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: r3.path + "/data/form.json"))))
            #expect(data3.value(at: try JSONPointer(parsing: Self.granted)) == .bool(true), "the plain revision kept 去授权")
            #expect(try BundleVerifier(trust: nil).verify(directory: r3.path).header?.kind == .application)
        }
    }
}
