import Foundation
import Testing

/// Paths as people type them, and one flag with one meaning.
@Suite("enroll paths and flags")
struct PathsAndFlagsCLITests {
    let cli = CLITests()

    /// `enroll new|revise|withdraw … --out y` died in Foundation's `deletingLastPathComponent`
    /// with a crash dump instead of writing `./y`.
    @Test func oneLetterRelativeOutputPaths() throws {
        let dir = try cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "k", "--name", "st1"], in: dir).status == 0)
        let draft = try cli.enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "d", "--lang", "en"], in: dir)
        #expect(draft.status == 0, "\(draft.stderr)")
        #expect(draft.stdout.hasPrefix("Made bundle d ("))
        let made = try cli.enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "y", "--key", "k/st1.sec", "--lang", "en"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.hasPrefix("Signed y ("))
        let revised = try cli.enroll(["revise", "y", "--schemas", "schemas", "--out", "z", "--key", "k/st1.sec"], in: dir)
        #expect(revised.status == 0, "\(revised.stderr)")
        let withdrawn = try cli.enroll(["withdraw", "./z", "--schemas", "schemas", "--out", "./w", "--key", "k/st1.sec", "--reason", "moved"], in: dir)
        #expect(withdrawn.status == 0, "\(withdrawn.stderr)")
        let verified = try cli.enroll(["verify", "y", "z", "w", "--trust", "k", "--format", "json"], in: dir)
        #expect(verified.status == 0, "\(verified.stdout)")
        let report = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
        let revisions = (report?["bundles"] as? [[String: Any]])?.map { $0["revision"] as? Int }
        #expect(revisions == [1, 2, 3])
        // Nothing half-written is left beside them.
        let entries = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        #expect(entries == ["d", "form.json", "k", "schemas", "w", "y", "z"])

        // `export bundle … --out e` wrote through the same crash.
        #expect(try cli.enroll(["trust", "add", "k/st1.pub", "--store", "s"], in: dir).status == 0)
        let imported = try cli.enroll(["import", "y", "--store", "s", "--schemas", "schemas"], in: dir)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let listed = try cli.enroll(["review", "list", "--store", "s", "--format", "json"], in: dir)
        let number = try #require((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.first?["collectionNumber"] as? String)
        let exported = try cli.enroll(["export", "bundle", number, "--store", "s", "--out", "e"], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(try cli.enroll(["verify", "e", "--trust", "k"], in: dir).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["d", "e", "form.json", "k", "s", "schemas", "w", "y", "z"])
    }

    @Test func theStationNameComesFromTheKeyFileOrStation() throws {
        let dir = try cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "k", "--name", "east.3"], in: dir).status == 0)
        let byFile = try cli.enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "a", "--key", "k/east.3.sec", "--format", "json"], in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(byFile.stdout.utf8)) as? [String: String])?["station"] == "east.3")
        let named = try cli.enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b", "--key", "k/east.3.sec", "--station", "east-school", "--format", "json"], in: dir)
        #expect((try JSONSerialization.jsonObject(with: Data(named.stdout.utf8)) as? [String: String])?["station"] == "east-school")
        let noJobs = try cli.enroll(["pack", "a", "--out", "day.tar.zst", "--key", "k/east.3.sec", "--jobs", "0"], in: dir)
        #expect(noJobs.status == 2)
        #expect(noJobs.stderr.contains("--jobs must be at least 1"))
    }

    /// `status import|show` take the station's working directory as `--station-dir`; `--station`
    /// is a station's name everywhere, so the old spelling is a usage error.
    @Test func statusTakesTheStationDirectory() throws {
        let dir = NSTemporaryDirectory() + "enroll-status-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "keys", "--name", "st"], in: dir).status == 0)
        #expect(try cli.enroll(["keys", "generate", "--out", "district", "--name", "district-1"], in: dir).status == 0)
        let made = try cli.enroll(["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "2", "--out", "day", "--key", "keys/st.sec", "--small", "--seed", "5"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try cli.enroll(["trust", "add", "keys/st.pub", "--store", "store"], in: dir).status == 0)
        let imported = try cli.enroll(["import", "day", "--store", "store"], in: dir)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let list = try cli.enroll(["review", "list", "--store", "store", "--format", "json"], in: dir)
        let numbers = ((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["collectionNumber"] as? String }
        try #require(numbers.count == 2)
        #expect(try cli.enroll(["review", "reject", numbers[0], "--store", "store", "--reason", "照片不清晰 / photo unreadable"], in: dir).status == 0)
        let exported = try cli.enroll(["status", "export", "--store", "store", "--key", "district/district-1.sec", "--out", "status.tar.zst", "--lang", "en"], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.contains("(signed by district-1)"))

        let old = try cli.enroll(["status", "import", "status.tar.zst", "--trust", "district", "--station", "station"], in: dir)
        #expect(old.status == 2)
        let taken = try cli.enroll(["status", "import", "status.tar.zst", "--trust", "district", "--station-dir", "station", "--lang", "en"], in: dir)
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stdout.contains("took in 2 answers"))
        let shown = try cli.enroll(["status", "show", numbers[0], "--station-dir", "station"], in: dir)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("驳回 / rejected"))
        #expect(shown.stdout.contains("照片不清晰 / photo unreadable"))
        #expect(try cli.enroll(["status", "show", numbers[0], "--station", "station"], in: dir).status == 2)
    }
}
