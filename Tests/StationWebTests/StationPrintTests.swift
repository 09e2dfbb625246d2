import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONSchema
import NIOCore
import SampleKit
import StationWeb
import Testing
import WebTestSupport

@Suite("Station web app: printing")
struct StationPrintTests {
    /// Submits a generated application of `form`; returns its page's path and the child's name.
    static func submit(_ client: some TestClientProtocol, _ browser: inout Browser, form: String, seed: UInt64) async throws -> (page: String, id: String, name: String) {
        let sample = try StationFixture.sample(form, seed: seed)
        _ = try await browser.open(client, "/forms/\(form)/new")
        let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
        let submitted = try await browser.post(client, "/drafts?form=\(form)", fields: StationFixture.controls(sample.document) + [("_action", "submit")], files: files)
        try #require(submitted.status == .seeOther, "\(submitted.body.prefix(1500))")
        let page = String(try #require(submitted.location).prefix { $0 != "?" })
        let name = try #require(sample.document["student"]?["name"]?.stringValue)
        return (page, String(page.dropFirst("/applications/".count)), name)
    }

    /// The district's answer for an application, as `enroll status import` keeps it.
    static func answer(_ fixture: StationFixture, id: String, form: String, status: ApplicationStatus, number: String) throws {
        let entry = StatusEntry(
            applicationId: id, revision: 1, status: status.rawValue, reasons: [], school: nil, collectionNumber: number,
            station: "test-station", form: form, updatedAt: "2024-06-06T10:00:00Z")
        _ = try StationStatus(directory: fixture.configuration.directory).merge([entry])
    }

    static func get(_ client: some TestClientProtocol, _ browser: Browser, _ uri: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: browser.cookie])
    }

    @Test("打印回执 after 提交 downloads the signed receipt: a PDF with the application ID and the child's name, not cached")
    func receipt() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let (page, id, name) = try await Self.submit(client, &browser, form: StationWebTests.harbin, seed: 21)
            let shown = try await browser.open(client, page + "?submitted=1")
            #expect(shown.body.contains("<a class=\"button print\" id=\"print-receipt\" href=\"\(page)/receipt.pdf\" download>打印回执</a>"))
            let response = try await Self.get(client, browser, page + "/receipt.pdf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"receipt-\(id).pdf\"")
            #expect(response.headers[.cacheControl] == "no-store")
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.starts(with: Array("%PDF".utf8)))
            let text = try PDFText.of(bytes)
            #expect(text.contains(id), "the receipt is numbered with the application ID before the district gave a number")
            #expect(text.contains(name))
            let left = try FileManager.default.contentsOfDirectory(atPath: fixture.configuration.uploadsDirectory)
            #expect(left.isEmpty, "the temporary PDF is removed: \(left)")
        }
    }

    @Test("打印采集表 is disabled with print.number-missing until the district's answer gives the number, then prints it")
    func collectionFormAfterNumber() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let (page, id, name) = try await Self.submit(client, &browser, form: StationWebTests.harbin, seed: 22)
            let before = try await browser.open(client, page)
            #expect(before.body.contains("id=\"print-collection-form\" disabled aria-describedby=\"print-collection-form-why\""))
            #expect(before.body.contains("data-code=\"print.number-missing\""))
            let refused = try await Self.get(client, browser, page + "/collection-form.pdf")
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("print.number-missing"))

            try Self.answer(fixture, id: id, form: StationWebTests.harbin, status: .received, number: "24000017")
            let after = try await browser.open(client, page)
            #expect(after.body.contains("href=\"\(page)/collection-form.pdf\" download>打印采集表</a>"))
            let response = try await Self.get(client, browser, page + "/collection-form.pdf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"collection-form-24000017.pdf\"")
            let text = try PDFText.of(Array(response.body.readableBytesView))
            #expect(text.contains("24000017"))
            #expect(text.contains(name))
        }
    }

    @Test("a non-local form's collection form waits for 审核通过 (print.not-verified, in the page's language), then prints")
    func nonLocalNeedsVerification() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let (page, id, name) = try await Self.submit(client, &browser, form: StationWebTests.beijing, seed: 23)
            try Self.answer(fixture, id: id, form: StationWebTests.beijing, status: .received, number: "25000003")
            let english = try await browser.open(client, page + "?lang=en")
            #expect(english.body.contains("data-code=\"print.not-verified\">Application 25000003 is on a non-local form"))
            let refused = try await Self.get(client, browser, page + "/collection-form.pdf")
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("print.not-verified"))

            try Self.answer(fixture, id: id, form: StationWebTests.beijing, status: .verified, number: "25000003")
            let response = try await Self.get(client, browser, page + "/collection-form.pdf")
            #expect(response.status == .ok)
            let text = try PDFText.of(Array(response.body.readableBytesView))
            #expect(text.contains("25000003"))
            #expect(text.contains(name))
        }
    }

    @Test("a withdrawn application prints nothing: no buttons, and the receipt is refused with print.withdrawn")
    func withdrawnPrintsNothing() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let (page, _, _) = try await Self.submit(client, &browser, form: StationWebTests.harbin, seed: 24)
            _ = try await browser.open(client, page)
            let withdrawn = try await browser.postEncodedForm(client, page + "/withdraw", fields: [("reason", "家长决定不再申请")])
            #expect(withdrawn.status == .seeOther)
            let shown = try await browser.open(client, page)
            #expect(!shown.body.contains("id=\"print-receipt\""))
            let refused = try await Self.get(client, browser, page + "/receipt.pdf")
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("print.withdrawn"))
        }
    }
}
