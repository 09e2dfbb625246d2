import DistrictWeb
import EnrollCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import JSONSchema
import NIOCore
import Testing
import WebTestSupport

/// 打印采集表 and 打印入学通知书 on the application page: the district's key, the rules, the
/// audit event naming the clerk.
@Suite struct DeskPrintTests {
    static let issuer: DocumentIssuer = {
        let (key, _) = SignifySecretKey.generate(name: "test-district")
        return DocumentIssuer(key: key, name: "test-district")
    }()

    static func childName(_ store: DistrictStore, _ id: String) throws -> String {
        let data = try JSONParser.parse(Array(try #require(try store.detail(id).formJSON).utf8))
        return try #require(data["student"]?["name"]?.stringValue)
    }

    @Test func aClerkPrintsTheCollectionFormAndTheAuditLogNamesThem() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let local = try #require(try store.applications().first { $0.form == "harbin-public-primary-2024" })
        let name = try Self.childName(store, local.applicationId)
        try await fixture.test(issuer: Self.issuer) { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            let page = try await browser.get("/applications/\(local.applicationId)")
            let link = "href=\"/applications/\(local.applicationId)/collection-form.pdf\" download>打印采集表 / Print collection form</a>"
            #expect(page.text.contains(link))
            #expect(!page.text.contains("id=\"print-admission-notice\""), "only an admitted child has an admission notice")
            let response = try await browser.get("/applications/\(local.applicationId)/collection-form.pdf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            #expect(response.headers[.contentDisposition] == "attachment; filename=\"collection-form-\(local.collectionNumber).pdf\"")
            #expect(response.headers[.cacheControl] == "no-store")
            let bytes = Array(response.body.readableBytesView)
            #expect(bytes.starts(with: Array("%PDF".utf8)))
            let text = try PDFText.of(bytes)
            #expect(text.contains(local.collectionNumber))
            #expect(text.contains(name))
        }
        let issued = try store.events(application: local.applicationId).filter { $0.action == .printIssued }
        #expect(issued.count == 1)
        #expect(issued.first?.actor == "li.clerk")
        #expect(issued.first?.detail["kind"] == "collection-form")
    }

    @Test func aNonLocalFormWaitsForVerificationAndAnAdmittedChildGetsTheNotice() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let nonLocal = try #require(try store.applications().first { $0.form.hasPrefix("beijing-nonlocal-") && $0.status == .received })
        let id = nonLocal.applicationId
        try await fixture.test(issuer: Self.issuer) { client in
            var browser = Browser(client)
            _ = try await browser.signIn("zhao.clerk")
            let page = try await browser.get("/applications/\(id)")
            #expect(page.text.contains("id=\"print-collection-form\" disabled aria-describedby=\"print-collection-form-why\""))
            #expect(page.text.contains("data-code=\"print.not-verified\""))
            let refused = try await browser.get("/applications/\(id)/collection-form.pdf")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.pageCode == "print.not-verified")
            let notAdmitted = try await browser.get("/applications/\(id)/admission-notice.pdf")
            #expect(notAdmitted.status == .unprocessableContent)
            #expect(notAdmitted.pageCode == "print.not-admitted")

            try store.review(.verify, id, reviewer: "zhao.clerk")
            try store.review(.admit, id, school: "北京市顺义区第一小学", reviewer: "zhao.clerk")
            let admitted = try await browser.get("/applications/\(id)")
            #expect(admitted.text.contains("href=\"/applications/\(id)/admission-notice.pdf\" download>打印入学通知书 / Print admission notice</a>"))
            let notice = try await browser.get("/applications/\(id)/admission-notice.pdf")
            #expect(notice.status == .ok)
            #expect(notice.headers[.contentDisposition] == "attachment; filename=\"admission-notice-\(nonLocal.collectionNumber).pdf\"")
            let text = try PDFText.of(Array(notice.body.readableBytesView))
            #expect(text.contains(nonLocal.collectionNumber))
            #expect(text.contains(try Self.childName(store, id)))
            #expect(text.contains("北京市顺义区第一小学"))
            let form = try await browser.get("/applications/\(id)/collection-form.pdf")
            #expect(form.status == .ok, "verified, then admitted: the collection form prints")
        }
        let kinds = try store.events(application: id).filter { $0.action == .printIssued }.map { $0.detail["kind"] ?? "" }
        #expect(kinds == ["admission-notice", "collection-form"], "refused prints are not recorded")
    }

    @Test func withoutTheDistrictKeyTheButtonsSayWhyAndNothingPrints() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let local = try #require(try store.applications().first { $0.form == "harbin-public-primary-2024" })
        try await fixture.test { client in
            var browser = Browser(client)
            let signedOut = try await browser.get("/applications/\(local.applicationId)/collection-form.pdf")
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers[.location] == "/login")
            _ = try await browser.signIn("li.clerk")
            let page = try await browser.get("/applications/\(local.applicationId)")
            #expect(page.text.contains("data-code=\"print.key-missing\""))
            #expect(page.text.contains("enroll district serve --key DISTRICT.sec"))
            let refused = try await browser.get("/applications/\(local.applicationId)/collection-form.pdf")
            #expect(refused.status == .conflict)
            #expect(refused.pageCode == "print.key-missing")
        }
        #expect(try store.events(application: local.applicationId).filter { $0.action == .printIssued }.isEmpty)
    }
}
