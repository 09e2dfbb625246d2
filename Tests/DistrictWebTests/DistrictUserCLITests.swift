import EnrollCore
import Foundation
import Testing

/// `enroll district user add|list|disable|enable|passwd`, run as the built program.
@Suite struct DistrictUserCLITests {
    @Test func accountsAreManagedFromTheCommandLineWithThePasswordOnStdin() throws {
        let dir = TemporaryDirectory()
        let store = dir("store")
        let added = try DeskFixture.runCLI(["district", "user", "add", "chen", "--role", "admin", "--store", store, "--lang", "en"], input: "first-password\n")
        #expect(added.status == 0, "\(added.output)")
        #expect(added.output.contains("Added account chen (admin)"))
        #expect(!added.output.contains("first-password"))

        let again = try DeskFixture.runCLI(["district", "user", "add", "chen", "--role", "reviewer", "--store", store, "--format", "json"], input: "other-password\n")
        #expect(again.status == 1 && again.output.contains("account.exists"))
        let weak = try DeskFixture.runCLI(["district", "user", "add", "liu", "--role", "reviewer", "--store", store, "--format", "json"], input: "short\n")
        #expect(weak.status == 2 && weak.output.contains("account.password-weak"))
        let badRole = try DeskFixture.runCLI(["district", "user", "add", "liu", "--role", "boss", "--store", store], input: "long enough pw\n")
        #expect(badRole.status != 0)

        let opened = try DistrictStore(directory: store)
        guard case .signedIn = try opened.signIn("chen", password: "first-password") else {
            Issue.record("the password given on stdin does not sign in")
            return
        }
        let passwd = try DeskFixture.runCLI(["district", "user", "passwd", "chen", "--store", store], input: "second-password\n")
        #expect(passwd.status == 0, "\(passwd.output)")
        guard case .refused = try opened.signIn("chen", password: "first-password") else {
            Issue.record("the old password still signs in")
            return
        }
        #expect(try DeskFixture.runCLI(["district", "user", "disable", "chen", "--store", store]).status == 0)
        let list = try DeskFixture.runCLI(["district", "user", "list", "--store", store, "--format", "json"])
        let rows = try JSONSerialization.jsonObject(with: Data(list.output.utf8)) as! [[String: Any]]
        #expect(rows.count == 1 && rows[0]["name"] as? String == "chen" && rows[0]["disabled"] as? Bool == true)
        #expect(!list.output.contains("$2b$"))
        let missing = try DeskFixture.runCLI(["district", "user", "disable", "nobody", "--store", store, "--format", "json"])
        #expect(missing.status == 1 && missing.output.contains("account.unknown"))
        #expect(try DeskFixture.runCLI(["district", "user", "enable", "chen", "--store", store]).status == 0)
        guard case .signedIn = try opened.signIn("chen", password: "second-password") else {
            Issue.record("the new password does not sign in after enable")
            return
        }
        let log = try DeskFixture.runCLI(["log", "--store", store, "--format", "json"])
        #expect(log.output.contains("account.add") && log.output.contains("account.passwd") && !log.output.contains("second-password"))
    }
}
