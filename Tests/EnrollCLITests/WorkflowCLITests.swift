import Foundation
import Testing

/// The seeds' workflow rules from the command line (DESIGN §12): the clock, the collection
/// window at 提交, station-issued numbers, one district per store, the submit lock.
@Suite("enroll workflow rules")
struct WorkflowCLITests {
    let cli = CLITests()

    /// An unsigned copy of a generated Harbin sample: its data and every attachment.
    func draft(of sample: String, _ out: String, in dir: String, extra: [String] = []) throws -> CLITests.Run {
        let attachments = try FileManager.default.subpathsOfDirectory(atPath: dir + "/" + sample + "/data/attachments")
            .filter { $0.split(separator: "/").count == 2 }.sorted()
            .flatMap { ["--attach", "\($0.split(separator: "/")[0])=\(sample)/data/attachments/\($0)"] }
        return try cli.enroll(
            ["new", "--form", "harbin-public-primary-2024", "--data", sample + "/data/form.json", "--out", out] + attachments + extra, in: dir)
    }

    @Test func theClockTheWindowTheNumbersAndTheDistrict() throws {
        let dir = try cli.scratch()
        #expect(try cli.enroll(["keys", "generate", "--out", "keys", "--name", "st"], in: dir).status == 0)
        #expect(try cli.enroll(["keys", "generate", "--out", "district", "--name", "district"], in: dir).status == 0)
        let made = try cli.enroll(["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "1", "--out", "day", "--key", "keys/st.sec", "--small", "--seed", "3"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let sample = "day/harbin-public-primary-2024-000001"
        #expect(try String(contentsOfFile: dir + "/" + sample + "/bag-info.txt", encoding: .utf8).contains("Enroll-Signed-At: 2024-06-05T10:00:00+08:00\n"),
                "samples are signed inside their window")

        // Outside the window: refused without a reason (exit 1), signed with one.
        #expect(try draft(of: sample, "late", in: dir).status == 0)
        let late = ["ENROLL_NOW": "2024-06-20T10:00:00+08:00"]
        let refused = try cli.enroll(["sign", "late", "--key", "keys/st.sec", "--lang", "en"], in: dir, environment: late)
        #expect(refused.status == 1 && refused.stderr.contains("form.outside-window"), "\(refused.stdout)\(refused.stderr)")
        let malformed = try cli.enroll(["sign", "late", "--key", "keys/st.sec"], in: dir, environment: ["ENROLL_NOW": "tomorrow"])
        #expect(malformed.status == 2 && malformed.stderr.contains("usage.clock"), "\(malformed.stderr)")
        // enroll new reads the clock before it writes: a malformed one leaves no half-made bag.
        let badClock = try cli.enroll(
            ["new", "--form", "harbin-public-primary-2024", "--data", sample + "/data/form.json", "--key", "keys/st.sec", "--out", "bad-clock"],
            in: dir, environment: ["ENROLL_NOW": "2024-13-01T10:00:00+08:00"])
        #expect(badClock.status == 2 && badClock.stderr.contains("usage.clock"), "\(badClock.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/bad-clock"), "nothing is written under a malformed clock")
        let signed = try cli.enroll(["sign", "late", "--key", "keys/st.sec", "--late-reason", "家长住院 / parent in hospital", "--format", "json"], in: dir, environment: late)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(signed.stdout.contains("\"signedAt\":\"2024-06-20T10:00:00+08:00\"") || signed.stdout.contains("\"signedAt\" : \"2024-06-20T10:00:00+08:00\""), "\(signed.stdout)")
        let info = try String(contentsOfFile: dir + "/late/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Enroll-Late-Reason: 家长住院 / parent in hospital\n"))
        // 提交 records the 报名须知 read (Harbin's has no checkbox), its digest and the signing time.
        let notice = try #require(info.split(separator: "\n").first { $0.hasPrefix("Enroll-Notice-Accepted: ") }).split(separator: " ")
        #expect(notice.count == 5 && notice[1] == "registration-notice" && notice[2] == "2024.1" && notice[4] == "2024-06-20T10:00:00+08:00", "\(info)")
        #expect(notice.count == 5 && notice[3].count == 64)

        // A store for one district, a block of numbers for the station, the number given at 提交.
        let district = try (JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/" + sample + "/data/form.json"))) as! [String: Any])
        let ours = (district["application"] as! [String: Any])["district"] as! String
        #expect(try cli.enroll(["store", "init", "--store", "store", "--district", ours], in: dir).status == 0)
        let other = try cli.enroll(["store", "init", "--store", "store", "--district", "不存在区"], in: dir)
        #expect(other.status == 1 && other.stderr.contains("store.district-mismatch"), "\(other.stderr)")
        let issued = try cli.enroll(["numbers", "issue", "--store", "store", "--station", "st", "--count", "5", "--year", "2024",
                                     "--key", "district/district.sec", "--out", "st.block", "--lang", "en"], in: dir)
        #expect(issued.status == 0 && issued.stdout.contains("24000001–24000005"), "\(issued.stdout)\(issued.stderr)")
        let untrusted = try cli.enroll(["numbers", "import", "st.block", "--station-dir", "station", "--trust", "keys"], in: dir)
        #expect(untrusted.status == 1 && untrusted.stderr.contains("sig.untrusted-key"), "\(untrusted.stderr)")
        #expect(try cli.enroll(["numbers", "import", "st.block", "--station-dir", "station", "--trust", "district"], in: dir).status == 0)
        #expect(try draft(of: sample, "numbered", in: dir).status == 0)
        let given = try cli.enroll(["sign", "numbered", "--key", "keys/st.sec", "--station-dir", "station", "--lang", "en"],
                                   in: dir, environment: ["ENROLL_NOW": "2024-06-05T10:00:00+08:00"])
        #expect(given.status == 0 && given.stdout.contains("collection number 24000001"), "\(given.stdout)\(given.stderr)")

        #expect(try cli.enroll(["trust", "add", "keys/st.pub", "--store", "store"], in: dir).status == 0)
        let imported = try cli.enroll(["import", "numbered", "late", "--store", "store", "--format", "json"], in: dir)
        let report = try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        let items = report?["items"] as? [[String: Any]] ?? []
        #expect(items.compactMap { $0["collectionNumber"] as? String } == ["24000001", "24000006"], "\(imported.stdout)")
        #expect((items.last?["flags"] as? [String] ?? []).contains("outside-window"), "\(imported.stdout)")

        // The submit lock: a revision of an admitted application waits for a reviewer.
        #expect(try cli.enroll(["review", "verify", "24000001", "--store", "store"], in: dir).status == 0)
        #expect(try cli.enroll(["review", "admit", "24000001", "--store", "store", "--school", "示例小学"], in: dir).status == 0)
        let revised = try cli.enroll(["revise", "numbered", "--out", "numbered-2", "--key", "keys/st.sec", "--station-dir", "station",
                                      "--set", "/application/phone=13912345678"], in: dir, environment: ["ENROLL_NOW": "2024-06-06T10:00:00+08:00"])
        #expect(revised.status == 0, "\(revised.stderr)")
        #expect(try String(contentsOfFile: dir + "/numbered-2/bag-info.txt", encoding: .utf8).contains("Enroll-Collection-Number: 24000001\n"))
        let immutable = try cli.enroll(["revise", "numbered", "--out", "numbered-x", "--key", "keys/st.sec", "--set", "/student/birthDate=2018-01-01"],
                                       in: dir, environment: ["ENROLL_NOW": "2024-06-06T10:00:00+08:00"])
        #expect(immutable.status == 1 && immutable.stderr.contains("form.immutable-field"), "\(immutable.stderr)")
        #expect(try cli.enroll(["import", "numbered-2", "--store", "store"], in: dir).status == 0)
        let held = try cli.enroll(["review", "list", "--store", "store", "--flag", "revision-after-decision", "--format", "json"], in: dir)
        #expect(held.stdout.contains("\"admitted\"") && held.stdout.contains("24000001"), "\(held.stdout)")
        let noReason = try cli.enroll(["review", "refuse-revision", "24000001", "--store", "store"], in: dir)
        #expect(noReason.status == 2 && noReason.stderr.contains("review.reason-missing"), "\(noReason.stderr)")
        let accepted = try cli.enroll(["review", "accept-revision", "24000001", "--store", "store", "--format", "json"], in: dir)
        #expect(accepted.status == 0 && accepted.stdout.contains("\"admitted\""), "\(accepted.stdout)\(accepted.stderr)")
    }
    /// Beijing 2025's 去授权 / 取消授权 (003 §六(一)): signed revisions of their own that keep the
    /// decision; `review show` and the family's status answer give the status.
    @Test func authorizationAndItsRevocation() throws {
        let dir = try cli.scratch()
        #expect(try cli.enroll(["keys", "generate", "--out", "keys", "--name", "st"], in: dir).status == 0)
        #expect(try cli.enroll(["keys", "generate", "--out", "district", "--name", "district"], in: dir).status == 0)
        let made = try cli.enroll(["sample", "generate", "--form", "beijing-nonlocal-primary-2025", "--count", "1", "--out", "day",
                                   "--key", "keys/st.sec", "--small", "--seed", "5"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let sample = "day/beijing-nonlocal-primary-2025-000001"
        let info = try String(contentsOfFile: dir + "/" + sample + "/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Enroll-Notice-Accepted: guardian-notice 2024.1 "), "the sample records the 监护人须知 it accepted: \(info)")
        let id = try #require(info.split(separator: "\n").first { $0.hasPrefix("Enroll-Application-ID: ") }?.dropFirst(23)).description
        #expect(try cli.enroll(["trust", "add", "keys/st.pub", "--store", "store"], in: dir).status == 0)
        #expect(try cli.enroll(["import", sample, "--store", "store"], in: dir).status == 0)
        #expect(try cli.enroll(["review", "verify", id, "--store", "store"], in: dir).status == 0)

        let granted = try cli.enroll(["revise", sample, "--kind", "authorization", "--key", "keys/st.sec", "--out", "a2"], in: dir)
        #expect(granted.status == 0, "\(granted.stderr)")
        #expect(try String(contentsOfFile: dir + "/a2/bag-info.txt", encoding: .utf8).contains("Enroll-Kind: authorization\n"))
        let again = try cli.enroll(["revise", "a2", "--kind", "authorization", "--key", "keys/st.sec", "--out", "a2x", "--lang", "en"], in: dir)
        #expect(again.status == 1 && again.stderr.contains("form.revision-kind"), "already granted: \(again.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/a2x"))
        #expect(try cli.enroll(["import", "a2", "--store", "store"], in: dir).status == 0)
        let shown = try cli.enroll(["review", "show", id, "--store", "store", "--format", "json"], in: dir)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])["summary"] as? [String: Any]
        #expect(summary?["authorization"] as? String == "granted", "\(shown.stdout)")
        #expect(summary?["status"] as? String == "verified", "an authorization keeps the decision")

        let revoked = try cli.enroll(["revise", "a2", "--kind", "authorization-revoked", "--key", "keys/st.sec", "--out", "a3"], in: dir)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(try cli.enroll(["import", "a3", "--store", "store"], in: dir).status == 0)
        let after = try cli.enroll(["review", "show", id, "--store", "store", "--format", "json"], in: dir)
        let revokedSummary = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])["summary"] as? [String: Any]
        #expect(revokedSummary?["authorization"] as? String == "revoked" && revokedSummary?["status"] as? String == "verified", "\(after.stdout)")

        // The family's answer at the station: the status archive carries it in the manual's words.
        let exported = try cli.enroll(["status", "export", "--store", "store", "--key", "district/district.sec", "--out", "status.tar.zst"], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        let taken = try cli.enroll(["status", "import", "status.tar.zst", "--station-dir", "station", "--trust", "district"], in: dir)
        #expect(taken.status == 0, "\(taken.stderr)")
        let answer = try cli.enroll(["status", "show", id, "--station-dir", "station", "--lang", "zh"], in: dir)
        #expect(answer.status == 0 && answer.stdout.contains("授予法定监护人查看孩子的登记信息或办理入学业务的权限：当前未授权"), "\(answer.stdout)\(answer.stderr)")
    }
}
