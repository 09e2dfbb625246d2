import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONSchema
import SampleKit
import StationWeb
import Testing

@Suite("Station web app")
struct StationWebTests {
    static let harbin = "harbin-public-primary-2024"
    static let beijing = "beijing-nonlocal-primary-2025"

    /// `<input|select … id="X" … name="N">` controls and `<label for="X">` of a page.
    static func controls(_ html: String) -> [(id: String, name: String)] {
        let tag = try! NSRegularExpression(pattern: #"<(?:input|select)\b[^>]*>"#)
        var found: [(String, String)] = []
        for match in tag.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            let text = String(html[Range(match.range, in: html)!])
            guard let name = attribute("name", text), name.hasPrefix("/") || name.hasPrefix("attachment:") else { continue }
            found.append((attribute("id", text) ?? "", name))
        }
        return found
    }

    static func attribute(_ name: String, _ tag: String) -> String? {
        guard let range = tag.range(of: " \(name)=\""), let end = tag[range.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(tag[range.upperBound..<end])
    }

    static func tag(withID id: String, in html: String) -> String? {
        guard let range = html.range(of: "id=\"\(id)\"") else { return nil }
        let start = html[..<range.lowerBound].lastIndex(of: "<")!
        let end = html[range.upperBound...].firstIndex(of: ">")!
        return String(html[start...end])
    }

    @Test("every form of Schemas/ renders with a label for each control and a control for each field of a valid application",
          arguments: ["harbin-public-primary-2024", "beijing-local-primary-2024", "beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024",
                     "beijing-nonlocal-primary-2025"])
    func rendersEveryForm(form: String) async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let sample = try StationFixture.sample(form)
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let page = try await browser.open(client, "/forms/\(form)/new")
            #expect(page.status == .ok)
            let controls = Self.controls(page.body)
            #expect(controls.count > 20)
            for control in controls {
                #expect(!control.id.isEmpty, "control \(control.name) has an id")
                #expect(page.body.contains("<label for=\"\(control.id)\">"), "control \(control.name) has a label")
            }
            let names = Set(controls.map(\.name))
            for leaf in StationFixture.controls(sample.document) {
                // Array items beyond the first are added by the page script from the template.
                let first = leaf.name.replacingOccurrences(of: #"/[1-9][0-9]*/"#, with: "/0/", options: .regularExpression)
                #expect(names.contains(first), "a control for \(leaf.name)")
            }
            for slot in sample.attachments.map(\.slot) {
                #expect(names.contains("attachment:\(slot)"))
            }
            #expect(page.body.contains("type=\"date\""))
            #expect(page.body.contains("inputmode=\"tel\""))
            #expect(page.body.contains("<span class=\"req\" aria-hidden=\"true\">*</span>"))
            #expect(page.body.contains("capture=\"environment\""))
            #expect(!page.body.contains("http://") && !page.body.contains("https://"), "nothing is fetched from outside")
        }
    }

    @Test("a state-changing request without the CSRF token, or with another browser's, is refused with web.csrf")
    func csrfRefusal() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let missing = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "张三")], withToken: false)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("web.csrf"))
            var other = Browser()
            _ = try await other.open(client, "/")
            var forged = browser
            forged.token = other.token
            let wrong = try await forged.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "张三")])
            #expect(wrong.status == .forbidden)
            #expect(wrong.body.contains("web.csrf"))
            #expect(DraftStore(stationDirectory: fixture.configuration.directory).list().isEmpty, "nothing was saved")
            // The right token from another site's page (its Origin) is refused too.
            let crossSite = try await browser.postEncodedForm(client, "/status", fields: [], origin: "http://evil.example")
            #expect(crossSite.status == .forbidden)
            #expect(crossSite.body.contains("web.csrf"))
            let accepted = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "张三")])
            #expect(accepted.status == .seeOther)
        }
    }

    @Test("the CSRF token travels in a hidden field or the X-CSRF-Token header, never in a URL: a token in the query is refused")
    func csrfTokenNotInURLs() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let home = try await browser.open(client, "/")
            let form = try await browser.open(client, "/forms/\(Self.harbin)/new")
            for page in [home.body, form.body] {
                #expect(!page.contains("_csrf="), "no URL carries the token")
                #expect(page.contains("<input type=\"hidden\" name=\"_csrf\" value=\"\(browser.token)\">"))
            }
            #expect(form.body.contains("enctype=\"multipart/form-data\" novalidate data-check=\"/forms/\(Self.harbin)/check?lang=zh\" data-csrf=\"\(browser.token)\"><input type=\"hidden\" name=\"_csrf\""),
                    "the multipart form sends the token as its first part")
            let inQuery = try await browser.postEncodedForm(client, "/pack?_csrf=\(browser.token)", fields: [("target", "0")], withToken: false)
            #expect(inQuery.status == .forbidden)
            #expect(inQuery.body.contains("web.csrf"))
            let notFirst = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "张三"), ("_csrf", browser.token)], withToken: false)
            #expect(notFirst.status == .forbidden, "a multipart body is checked from its first part")
            let first = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "张三")])
            #expect(first.status == .seeOther)
            #expect(DraftStore(stationDirectory: fixture.configuration.directory).list().count == 1, "the body after the token still reached the handler")
        }
    }

    @Test("暂存 keeps an incomplete draft that reopens with what was typed; a save from a stale page gets 409")
    func saveReopenAndStale() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let saved = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "李小明"), ("/application/phone", "13800000000"), ("_action", "save")])
            #expect(saved.status == .seeOther)
            let location = try #require(saved.location)
            #expect(location.hasPrefix("/drafts/"))
            let draftPath = String(location.prefix { $0 != "?" })
            let reopened = try await browser.open(client, location)
            #expect(reopened.status == .ok)
            #expect(reopened.body.contains("value=\"李小明\""))
            #expect(reopened.body.contains("name=\"_etag\" value=\"1\""))
            // Two tabs opened at save 1: the first saves, the second is told.
            let first = try await browser.post(client, draftPath, fields: [("_etag", "1"), ("/student/name", "李小明"), ("_action", "save")])
            #expect(first.status == .seeOther)
            let second = try await browser.post(client, draftPath, fields: [("_etag", "1"), ("/student/name", "王二"), ("_action", "save")])
            #expect(second.status == .conflict)
            #expect(second.body.contains("web.draft-stale"))
            let id = try #require(UUID(uuidString: String(draftPath.dropFirst("/drafts/".count))))
            let kept = try #require(try DraftStore(stationDirectory: fixture.configuration.directory).load(id))
            #expect(kept.etag == 2)
            #expect(String(decoding: kept.formJSON, as: UTF8.self).contains("李小明"))
        }
    }

    @Test("提交 signs a complete application: the bundle verifies against the station key and holds the data typed",
          arguments: ["harbin-public-primary-2024", "beijing-nonlocal-primary-2025"])
    func submitSigns(form: String) async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let sample = try StationFixture.sample(form)
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            let blank = try await browser.open(client, "/forms/\(form)/new")
            // The notice texts are shown with their version before the form.
            let notices = try fixture.configuration.catalog.form(form).notices
            #expect(!notices.isEmpty)
            for notice in notices {
                #expect(blank.body.contains("<h2 id=\"notice-\(notice.id)-title\">\(notice.label.zh)（\(notice.version)）</h2>"), "\(notice.id)")
                #expect(blank.body.contains(notice.sha256))
            }
            let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
            let fields = StationFixture.controls(sample.document) + [("_action", "submit")]
            let submitted = try await browser.post(client, "/drafts?form=\(form)", fields: fields, files: files)
            #expect(submitted.status == .seeOther, "\(submitted.body.prefix(2000))")
            let location = try #require(submitted.location)
            #expect(location.hasPrefix("/applications/"))
            let page = try await browser.open(client, location)
            #expect(page.status == .ok)
            #expect(page.body.contains("id=\"application-id\""))
            let records = try StationRecords(directory: fixture.configuration.directory).records()
            let record = try #require(records.first)
            var trust = TrustStore()
            try trust.add(fixture.publicKey, name: "test-station", source: "test")
            let verification = try ApplicationValidator(catalog: fixture.configuration.catalog, trust: trust).validate(directory: record.path)
            #expect(verification.isValid, "\(verification.diagnostics)")
            #expect(verification.signer?.name == "test-station")
            // 提交 recorded each text accepted: its id, version and digest, at the signing time.
            #expect(verification.header?.noticesAccepted.map(\.notice) == notices.map(\.id))
            #expect(verification.header?.noticesAccepted.map(\.sha256) == notices.map(\.sha256))
            #expect(verification.header?.noticesAccepted.allSatisfy { $0.acceptedAt == verification.header?.signedAt } == true)
            let stored = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: record.path + "/" + BundleLayout.form))))
            #expect(stored == sample.document)
            #expect(DraftStore(stationDirectory: fixture.configuration.directory).list().isEmpty, "the draft became the bundle")
            // The submitted application is read-only: no control of it can be edited, and its
            // photos are shown without an upload control.
            #expect(!page.body.contains("type=\"file\""), "a submitted application offers no upload")
            #expect(page.body.contains("class=\"thumbs\""), "its photos are shown")
            for control in Self.controls(page.body) {
                #expect(Self.tag(withID: control.id, in: page.body)?.contains(" disabled") == true, "\(control.name) is disabled")
            }
        }
    }

    @Test("提交 outside the form's collection window asks for the registrar's reason and signs it into the bundle")
    func submitOutsideWindowNeedsReason() async throws {
        var late = try StationFixture()
        // A week after Harbin's window (2024-06-03 – 06-14) closed.
        late.configuration.clock = { ISO8601DateFormatter().date(from: "2024-06-21T09:00:00+08:00")! }
        let fixture = late
        defer { fixture.remove() }
        let form = "harbin-public-primary-2024"
        let sample = try StationFixture.sample(form)
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(form)/new")
            let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
            let fields = StationFixture.controls(sample.document) + [("_action", "submit")]
            let refused = try await browser.post(client, "/drafts?form=\(form)", fields: fields, files: files)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("name=\"_late_reason\""), "the page asks for the reason")
            #expect(try StationRecords(directory: fixture.configuration.directory).records().isEmpty, "nothing signed without a reason")
            let draft = try #require(DraftStore(stationDirectory: fixture.configuration.directory).list().first)
            let etag = "\(draft.etag)"
            let retried = try await browser.post(
                client, "/drafts/\(draft.id.uuidString.lowercased())",
                fields: StationFixture.controls(sample.document) + [("_etag", etag), ("_action", "submit"), ("_late_reason", "家长出差\n返回后补报")])
            #expect(retried.status == .seeOther, "\(retried.body.prefix(2000))")
            let record = try #require(try StationRecords(directory: fixture.configuration.directory).records().first)
            let info = String(decoding: try Data(contentsOf: URL(fileURLWithPath: record.path + "/bag-info.txt")), as: UTF8.self)
            #expect(info.contains("Enroll-Late-Reason: 家长出差 返回后补报\n"), "\(info)")
        }
    }

    @Test("a submitted application changes only through a new revision (chained to it) or 撤销, both from its page")
    func reviseAndWithdraw() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let sample = try StationFixture.sample(Self.harbin, seed: 9)
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
            let first = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: StationFixture.controls(sample.document) + [("_action", "submit")], files: files)
            let page = String(try #require(first.location).prefix { $0 != "?" })
            _ = try await browser.open(client, page)
            let revise = try await browser.post(client, page + "/revise", fields: [])
            #expect(revise.status == .seeOther)
            let draftPage = try await browser.open(client, try #require(revise.location))
            #expect(draftPage.body.contains("name=\"_etag\" value=\"1\""))
            #expect(draftPage.body.contains("<img src=\"/drafts/"), "the photos came along")
            var fields = StationFixture.controls(sample.document)
            let phone = try #require(fields.firstIndex { $0.name == "/filler/backupPhone" })
            fields[phone].value = "13912345678"
            let draft = String(try #require(revise.location).prefix { $0 != "?" })
            let second = try await browser.post(client, draft, fields: fields + [("_etag", "1"), ("_action", "submit")])
            #expect(second.status == .seeOther, "\(second.body.prefix(1500))")
            let records = try StationRecords(directory: fixture.configuration.directory).records()
            #expect(records.map(\.revision).sorted() == [1, 2])
            let r1 = try #require(records.first { $0.revision == 1 })
            let r2 = try #require(records.first { $0.revision == 2 })
            let v1 = try BundleVerifier(trust: nil).verify(directory: r1.path)
            let v2 = try BundleVerifier(trust: nil).verify(directory: r2.path)
            #expect(v2.header?.previousRevision == v1.tagManifestDigest)
            #expect(v2.isSigned && v2.isValid)
            _ = try await browser.open(client, page)
            let withdrawn = try await browser.postEncodedForm(client, page + "/withdraw", fields: [("reason", "家长决定不再申请")])
            #expect(withdrawn.status == .seeOther)
            let after = try StationRecords(directory: fixture.configuration.directory).records()
            #expect(after.first { $0.revision == 3 }?.kind == .withdrawal)
            let again = try await browser.postEncodedForm(client, page + "/withdraw", fields: [("reason", "再次")])
            #expect(again.status == .conflict)
            #expect(again.body.contains("web.submitted"))
        }
    }

    @Test("提交 of an incomplete application keeps the draft and marks each error at its field")
    func submitShowsErrorsAtFields() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let result = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/application/phone", "12345"), ("_action", "submit")])
            #expect(result.status == .unprocessableContent)
            let id = FormRenderer.controlID("/application/phone")
            let control = try #require(Self.tag(withID: id, in: result.body))
            #expect(control.contains("aria-invalid=\"true\""))
            #expect(control.contains("aria-describedby=\"\(id)-msg\""))
            let message = try #require(result.body.range(of: "id=\"\(id)-msg\""))
            let text = result.body[message.upperBound...].prefix(600)
            #expect(text.contains("form.format.cn-mobile"))
            #expect(text.contains("注册联系电话") && text.contains("Registration phone"), "the message names the field in both languages")
            #expect(Self.tag(withID: FormRenderer.attachmentID("student-photo"), in: result.body)?.contains("aria-invalid=\"true\"") == true)
            #expect(try StationRecords(directory: fixture.configuration.directory).records().isEmpty, "nothing was signed")
            #expect(DraftStore(stationDirectory: fixture.configuration.directory).list().count == 1, "the draft is kept")
        }
    }

    @Test("leaving a field checks it with the engine: a wrong ID check digit is reported at the ID field")
    func fieldCheck() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        let sample = try StationFixture.sample(Self.harbin)
        let rightFields = StationFixture.controls(sample.document)
        let index = try #require(rightFields.firstIndex { $0.name == "/student/idNumber" })
        let good = rightFields[index].value
        var wrongFields = rightFields
        wrongFields[index].value = String(good.dropLast()) + (good.last == "1" ? "2" : "1")
        let wrongSent = wrongFields
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let wrong = try await browser.postEncoded(client, "/forms/\(Self.harbin)/check", fields: wrongSent + [("_field", "/student/idNumber")])
            #expect(wrong.status == .ok)
            #expect(wrong.body.contains(FormRenderer.controlID("/student/idNumber")))
            #expect(wrong.body.contains("form.format.cn-resident-id"))
            let right = try await browser.postEncoded(client, "/forms/\(Self.harbin)/check", fields: rightFields + [("_field", "/student/idNumber")])
            #expect(right.status == .ok)
            #expect(!right.body.contains("form.format.cn-resident-id"))
            #expect(right.body.contains("\"messages\":[]"))
        }
    }

    @Test("a file named .jpg that is not an image is refused at its slot and not stored")
    func nonImageRefused() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let result = try await browser.post(
                client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "赵六"), ("_action", "save")],
                files: [("attachment:student-photo", "photo.jpg", Array("this is a text file, not a photo\n".utf8))])
            #expect(result.status == .unprocessableContent)
            let id = FormRenderer.attachmentID("student-photo")
            #expect(Self.tag(withID: id, in: result.body)?.contains("aria-invalid=\"true\"") == true)
            #expect(result.body.contains("attachment.media-type"))
            let draft = try #require(DraftStore(stationDirectory: fixture.configuration.directory).list().first)
            #expect(draft.attachments.isEmpty)
            #expect(String(decoding: draft.formJSON, as: UTF8.self).contains("赵六"), "the typed data is saved all the same")
        }
    }

    @Test("an upload over the per-file limit is refused with 413 and leaves no file behind")
    func oversizeUpload() async throws {
        let fixture = try StationFixture(limits: MultipartLimits(fileBytes: 4096, requestBytes: 1 << 20))
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let result = try await browser.post(
                client, "/drafts?form=\(Self.harbin)", fields: [("_action", "save")],
                files: [("attachment:student-photo", "big.jpg", [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0x41, count: 10_000))])
            #expect(result.status == .contentTooLarge)
            #expect(result.body.contains("web.upload-too-large"))
            let left = try FileManager.default.contentsOfDirectory(atPath: fixture.configuration.uploadsDirectory)
            #expect(left.isEmpty)
            #expect(DraftStore(stationDirectory: fixture.configuration.directory).list().isEmpty)
        }
    }

    @Test("names from a request are identifiers, never paths: traversal attempts find nothing")
    func pathTraversal() async throws {
        let fixture = try StationFixture()
        defer { fixture.remove() }
        try await fixture.application().test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(Self.harbin)/new")
            let saved = try await browser.post(client, "/drafts?form=\(Self.harbin)", fields: [("/student/name", "钱七"), ("_action", "save")])
            let draft = String(try #require(saved.location).prefix { $0 != "?" })
            for uri in [
                "/drafts/..%2F..%2Fbundles.tsv", "\(draft)/files/student-photo/..%2F..%2Fbag-info.txt",
                "\(draft)/files/..%2F..%2F..%2F/bag-info.txt", "/forms/..%2F..%2Fetc%2Fpasswd/new", "/applications/not-an-id",
                "\(draft)/files/student-photo/1.jpg",
            ] {
                let page = try await browser.open(client, uri)
                #expect(page.status == .notFound, "\(uri)")
            }
        }
    }
}
