import DistrictWeb
import EnrollCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Sign-in, sessions, cookies, CSRF and roles, over HTTP.
@Suite struct DeskSecurityTests {
    @Test func withoutASessionPagesRedirectToTheSignInAndTheAPIAnswers401() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let id = try fixture.openStore().applications()[0].applicationId
        try await fixture.test { client in
            var browser = Browser(client)
            for path in ["/", "/queue", "/applications/\(id)", "/applications/\(id)/documents/0", "/admin"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                #expect(response.headers[.location] == "/login", "\(path)")
            }
            for path in ["/api/queue", "/api/applications/\(id)"] {
                let response = try await browser.get(path)
                #expect(response.status == .unauthorized)
                #expect(response.jsonCode == "web.sign-in-required")
            }
            // A made-up session cookie is no session.
            browser.cookies["desk-session"] = "forged"
            #expect(try await browser.get("/api/queue").status == .unauthorized)
        }
    }

    @Test func signInSetsAnExpiringHttpOnlySameSiteCookieAndSignOutEndsTheSession() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        try await fixture.test { client in
            var browser = Browser(client)
            let page = try await browser.get("/login")
            #expect(page.text.contains("name=\"username\"") && page.text.contains("name=\"password\"") && page.text.contains("type=\"password\""))
            let response = try await browser.signIn("li.clerk")
            #expect(response.status == .seeOther && response.headers[.location] == "/queue")
            let cookie = try #require(browser.lastSetCookies.first { $0.hasPrefix("desk-session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=28800") && cookie.contains("Expires="))
            #expect(!cookie.contains("Secure"))
            #expect(try await browser.get("/queue").status == .ok)
            let token = try #require(browser.cookies["desk-session"])

            #expect(try await browser.post("/logout", []).status == .seeOther)
            #expect(browser.cookies["desk-session"] == nil)
            // The old token no longer signs anyone in, even if replayed.
            browser.cookies["desk-session"] = token
            #expect(try await browser.get("/api/queue").status == .unauthorized)
        }
    }

    @Test func cookiesAreSecureWhenServedOverTLS() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        try await fixture.test(secureCookies: true) { client in
            var browser = Browser(client)
            let login = try await browser.get("/login")
            #expect(login.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
            _ = try await browser.post("/login", [("username", "li.clerk"), ("password", DeskFixture.password)])
            let session = try #require(browser.lastSetCookies.first { $0.hasPrefix("desk-session=") })
            #expect(session.contains("Secure") && session.contains("HttpOnly"))
        }
    }

    @Test func wrongPasswordsSlowDownThenLockTheAccount() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        try await fixture.test { client in
            var browser = Browser(client)
            var codes: [String] = []
            var statuses: [HTTPResponse.Status] = []
            var slowed: [Bool] = []
            for _ in 0..<3 {
                let start = ContinuousClock.now
                let response = try await browser.signIn("zhao.clerk", password: "not the password")
                slowed.append(ContinuousClock.now - start >= .milliseconds(20))
                statuses.append(response.status)
                codes.append(response.pageCode ?? "")
            }
            #expect(codes == ["account.sign-in-failed", "account.sign-in-failed", "account.locked"])
            #expect(statuses == [.unauthorized, .unauthorized, .tooManyRequests])
            #expect(slowed[1])
            // Locked: the right password does not sign in now.
            let locked = try await browser.signIn("zhao.clerk")
            #expect(locked.status == .tooManyRequests && locked.pageCode == "account.locked")
            #expect(browser.cookies["desk-session"] == nil)
            // Another account is not affected.
            #expect(try await browser.signIn("li.clerk").status == .seeOther)
        }
        #expect(try fixture.openStore().events().contains { $0.action == .accountLocked && $0.actor == "zhao.clerk" })
    }

    @Test func everyStateChangeNeedsTheCSRFTokenOfThisBrowser() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        let id = try fixture.openStore().applications()[0].applicationId
        try await fixture.test { client in
            var browser = Browser(client)
            // Even the sign-in form needs it.
            _ = try await browser.get("/login")
            let bare = try await browser.post("/login", [("username", "li.clerk"), ("password", DeskFixture.password)], csrf: false)
            #expect(bare.status == .forbidden && bare.pageCode == "web.csrf")
            _ = try await browser.signIn("wang.admin")
            let page = try await browser.get("/applications/\(id)")
            let version = try #require(page.text.range(of: #"name="version" value=""#).map { String(page.text[$0.upperBound...].prefix { $0 != "\"" }) })
            let decision = [("action", "verify"), ("version", version)]
            for (label, response) in [
                ("no token", try await browser.post("/applications/\(id)/decision", decision, csrf: false)),
                ("wrong token", try await browser.post("/applications/\(id)/decision", decision + [("_csrf", "AAAA")], csrf: false)),
                ("other site", try await browser.post("/applications/\(id)/decision", decision, headers: [.origin: "http://evil.example"])),
                ("bulk", try await browser.post("/queue/bulk", [("action", "verify"), ("app", "\(id):\(version)")], csrf: false)),
                ("reasons", try await browser.post("/admin/reasons", [("text", "x")], csrf: false)),
                ("sign-out", try await browser.post("/logout", [], csrf: false)),
            ] {
                #expect(response.status == .forbidden, "\(label)")
                #expect(response.pageCode == "web.csrf", "\(label)")
            }
            // Another browser's token does not fit this browser's cookie.
            var other = Browser(client)
            _ = try await other.get("/login")
            let foreign = try await browser.post("/applications/\(id)/decision", decision + [("_csrf", other.csrf)], csrf: false)
            #expect(foreign.status == .forbidden)
            #expect(try fixture.openStore().detail(id).summary.status == .received)
            #expect(try await browser.post("/applications/\(id)/decision", decision).status == .seeOther)
            #expect(try fixture.openStore().detail(id).summary.status == .verified)
        }
    }

    @Test func aReviewerCannotReachAdminActions() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        try await fixture.test { client in
            var reviewer = Browser(client)
            _ = try await reviewer.signIn("li.clerk")
            let page = try await reviewer.get("/admin")
            #expect(page.status == .forbidden && page.pageCode == "web.forbidden")
            let post = try await reviewer.post("/admin/reasons", [("text", "照片模糊")])
            #expect(post.status == .forbidden && post.pageCode == "web.forbidden")
            var admin = Browser(client)
            _ = try await admin.signIn("wang.admin")
            #expect(try await admin.get("/admin").status == .ok)
            #expect(try await admin.post("/admin/reasons", [("text", "照片模糊")]).status == .seeOther)
        }
        #expect(try fixture.openStore().reviewReasons().map(\.text) == ["照片模糊"])
        #expect(try fixture.openStore().events().last?.actor == "wang.admin")
    }

    @Test func pagesCarryHeadersThatKeepThemOnThisSite() async throws {
        let dir = TemporaryDirectory()
        let fixture = try DeskFixture(dir)
        try await fixture.test { client in
            var browser = Browser(client)
            let page = try await browser.get("/login")
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true)
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(page.headers[.cacheControl] == "no-store")
            let script = try await browser.get("/assets/desk.js")
            #expect(script.status == .ok && script.text.contains("rotate"))
        }
    }
}
