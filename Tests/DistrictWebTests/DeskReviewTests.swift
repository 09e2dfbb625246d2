import DistrictWeb
import EnrollCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import JSONSchema
import Testing

/// The queue, one application beside its photos, decisions by two clerks, bulk actions, and
/// the CLI working on the same store while the desk serves it.
@Suite struct DeskReviewTests {
    /// The value of an `<input name=NAME value=…>` on a page.
    static func inputValue(_ name: String, in text: String) -> String? {
        text.range(of: "name=\"\(name)\" value=\"").map { String(text[$0.upperBound...].prefix { $0 != "\"" }) }
    }

    @Test func theQueueFiltersSortsAndPages() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let all = try fixture.openStore().applications()
        try await fixture.test(pageSize: 5) { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            let first = try await browser.get("/queue")
            #expect(first.status == .ok)
            #expect(first.text.contains("共 \(all.count) 个"))
            #expect(first.text.contains("page=2"))
            let api = try JSONSerialization.jsonObject(with: TestBody.data(try await browser.get("/api/queue?page=3").body)) as! [String: Any]
            let items = api["items"] as! [[String: Any]]
            #expect(api["total"] as? Int == all.count)
            #expect(items.map { $0["collectionNumber"] as! String } == Array(all.map(\.collectionNumber).dropFirst(10).prefix(5)))

            let harbin = try JSONSerialization.jsonObject(
                with: TestBody.data(try await browser.get("/api/queue?form=harbin-public-primary-2024&sort=number&desc=1").body)) as! [String: Any]
            let numbers = (harbin["items"] as! [[String: Any]]).map { $0["collectionNumber"] as! String }
            #expect(numbers == all.filter { $0.form == "harbin-public-primary-2024" }.map(\.collectionNumber).sorted().reversed())

            let bad = try await browser.get("/api/queue?status=lost")
            #expect(bad.status == .badRequest && bad.jsonCode == "usage.bad-name")
            let badDate = try await browser.get("/api/queue?from=2026-13-40")
            #expect(badDate.status == .badRequest && badDate.jsonCode == "usage.bad-name")
        }
    }

    @Test func theSearchTakesTheNumberInTheBodyAndOpensTheApplication() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let target = try store.applications()[3]
        let data = try JSONParser.parse(Array(try store.detail(target.applicationId).formJSON!.utf8))
        let idNumber = try #require(data["student"]?["idNumber"]?.stringValue)
        try await fixture.test { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            for needle in [target.collectionNumber, idNumber, String(target.applicationId.prefix(13))] {
                let response = try await browser.post("/search", [("q", needle)])
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/applications/\(target.applicationId)")
                #expect(response.headers[.location]?.contains(needle) != true || needle.count == 13)
            }
            let none = try await browser.post("/search", [("q", "99999999")])
            #expect(none.status == .ok && none.text.contains("没有找到"))
            // The queue's own links never carry a collection or ID number.
            let queue = try await browser.get("/queue").text
            #expect(!queue.contains("href=\"/applications/\(target.collectionNumber)"))
            #expect(!queue.contains(idNumber))
            // A number in the URL is not an application.
            #expect(try await browser.get("/applications/\(target.collectionNumber)").status == .notFound)
        }
    }

    @Test func anApplicationShowsSectionsBesideTheirPhotosHistoryFlagsAndAudit() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let target = try #require(try store.applications().first { $0.form == "harbin-public-primary-2024" })
        let files = try store.attachments(of: target.applicationId)
        try await fixture.test { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            let page = try await browser.get("/applications/\(target.applicationId)")
            #expect(page.status == .ok)
            let text = page.text
            #expect(text.contains("学生信息") || text.contains("Student"))
            #expect(text.contains("id=\"section-student\"") && text.contains("id=\"section-hukou\""))
            // The student's photo stands in the student section, before the next section starts.
            let student = try #require(text.range(of: "id=\"section-student\""))
            let next = text.range(of: "<section", range: student.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
            let photo = try #require(files.firstIndex { $0.path.contains("/student-photo/") })
            #expect(text[student.upperBound..<next].contains("/applications/\(target.applicationId)/documents/\(photo)"))
            #expect(text.contains("data-act=\"rotate\"") && text.contains("data-act=\"zoom-in\""))
            // The ID number in full for the signed-in clerk.
            let data = try JSONParser.parse(Array(try store.detail(target.applicationId).formJSON!.utf8))
            #expect(text.contains(data["student"]!["idNumber"]!.stringValue!))
            #expect(text.contains("id=\"history\"") && text.contains("id=\"audit\"") && text.contains("import.new"))

            let image = try await browser.get("/applications/\(target.applicationId)/documents/\(photo)")
            #expect(image.status == .ok && image.headers[.contentType] == "image/jpeg")
            #expect(Array(image.body.readableBytesView) == Array(try Data(contentsOf: URL(fileURLWithPath: store.objects.path(of: files[photo].object)))))
            let missing = try await browser.get("/applications/\(target.applicationId)/documents/\(files.count)")
            #expect(missing.status == .notFound && missing.pageCode == "web.unknown-application")
            // No path reaches the file system: traversal and non-numbers are not documents.
            for path in ["/applications/\(target.applicationId)/documents/..%2F..%2Fdistrict.sqlite", "/applications/../district.sqlite",
                         "/applications/\(target.applicationId)/documents/-1", "/assets/../district.sqlite"] {
                let response = try await browser.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(!response.text.contains("SQLite format"), "\(path)")
            }
            let json = try JSONSerialization.jsonObject(with: TestBody.data(try await browser.get("/api/applications/\(target.applicationId)").body)) as! [String: Any]
            #expect((json["summary"] as? [String: Any])?["applicationId"] as? String == target.applicationId)
        }
    }

    @Test func twoClerksDecidingAtOnceTheSecondIsToldAndNothingIsOverwritten() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        try store.addReviewReason("户口簿照片不清晰", actor: "wang.admin")
        let target = try store.applications()[0]
        try await fixture.test { client in
            var li = Browser(client)
            var zhao = Browser(client)
            _ = try await li.signIn("li.clerk")
            _ = try await zhao.signIn("zhao.clerk")
            let liPage = try await li.get("/applications/\(target.applicationId)").text
            let zhaoPage = try await zhao.get("/applications/\(target.applicationId)").text
            let version = try #require(Self.inputValue("version", in: liPage))
            #expect(Self.inputValue("version", in: zhaoPage) == version)
            #expect(liPage.contains("户口簿照片不清晰"))

            let rejected = try await li.post(
                "/applications/\(target.applicationId)/decision",
                [("action", "reject"), ("version", version), ("reason", "户口簿照片不清晰"), ("other", "缺少房产证照片")])
            #expect(rejected.status == .seeOther)
            let late = try await zhao.post("/applications/\(target.applicationId)/decision", [("action", "verify"), ("version", version)])
            #expect(late.status == .conflict && late.pageCode == "review.stale")
            #expect(late.text.contains("驳回"))
        }
        let after = try store.detail(target.applicationId).summary
        #expect(after.status == .rejected && after.reasons == ["户口簿照片不清晰", "缺少房产证照片"])
        let decisions = try store.events(application: target.applicationId).filter { $0.action.rawValue.hasPrefix("review.") }
        #expect(decisions.map(\.actor) == ["li.clerk"])
        #expect(decisions[0].detail["reason.1"] == "户口簿照片不清晰" && decisions[0].detail["reason.2"] == "缺少房产证照片")
    }

    @Test func aRefusedDecisionSaysWhyAtTheForm() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let target = try fixture.openStore().applications()[0]
        try await fixture.test { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            let page = try await browser.get("/applications/\(target.applicationId)").text
            let version = try #require(Self.inputValue("version", in: page))
            let noReason = try await browser.post("/applications/\(target.applicationId)/decision", [("action", "reject"), ("version", version)])
            #expect(noReason.status == .unprocessableContent && noReason.pageCode == "review.reason-missing")
            let notYet = try await browser.post("/applications/\(target.applicationId)/decision", [("action", "admit"), ("version", version), ("school", "第一小学")])
            #expect(notYet.pageCode == "review.not-allowed")
        }
    }

    @Test func bulkActionsDecideTheSelectedApplicationsEachOnItsOwnVersion() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let store = try fixture.openStore()
        let chosen = Array(try store.applications().prefix(3))
        // One of them changes after the clerk's queue page was drawn.
        try store.review(.hold, chosen[2].applicationId, reasons: ["待核实"], reviewer: "cli-user")
        try await fixture.test { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            _ = try await browser.get("/queue")
            let response = try await browser.post(
                "/queue/bulk", [("action", "verify")] + chosen.map { ("app", "\($0.applicationId):\($0.version)") })
            #expect(response.status == .ok)
            #expect(response.text.contains("review.stale"))
        }
        let statuses = try chosen.map { try store.detail($0.applicationId).summary.status }
        #expect(statuses == [.verified, .verified, .received])
        #expect(try store.events().filter { $0.action == .review(.verify) }.map(\.actor) == ["li.clerk", "li.clerk"])
    }

    @Test func theCLIWorksOnTheStoreWhileTheDeskServesItAndEachSeesTheOther() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let target = try fixture.openStore().applications()[1]
        try await fixture.test { client in
            var browser = Browser(client)
            _ = try await browser.signIn("li.clerk")
            _ = try await browser.get("/queue")
            // The CLI (another process opening the same directory) decides; the desk shows it at once.
            let cli = try DeskFixture.runCLI(["review", "verify", target.collectionNumber, "--store", fixture.storePath])
            #expect(cli.status == 0, "\(cli.output)")
            let page = try await browser.get("/applications/\(target.applicationId)").text
            #expect(page.contains("status-verified"))
            let version = try #require(Self.inputValue("version", in: page))
            #expect(try await browser.post(
                "/applications/\(target.applicationId)/decision", [("action", "admit"), ("version", version), ("school", "哈尔滨市第一小学")]).status == .seeOther)
            // The desk's decision shows in the CLI's log with the clerk's account.
            let log = try DeskFixture.runCLI(["log", "--store", fixture.storePath, "--format", "json"])
            #expect(log.status == 0)
            #expect(log.output.contains("\"actor\":\"li.clerk\"") || log.output.contains("\"actor\" : \"li.clerk\""))
            #expect(log.output.contains("review.admit"))
        }
    }
}

extension DeskFixture {
    /// The built `enroll` program beside the test bundle.
    static var enrollProgram: String {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: url.path + "/enroll") { return url.path + "/enroll" }
            url.deleteLastPathComponent()
        }
        return repositoryRoot + "/.build/debug/enroll"
    }

    /// Runs the CLI to the end; its output and status.
    static func runCLI(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: enrollProgram)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
