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
        // Nothing in the archive finds a child by ID number; the station's own records do.
        let detail = try cli.enroll(["review", "show", numbers[0], "--store", "store", "--unmasked", "--format", "json"], in: dir)
        let formJSON = try #require((try JSONSerialization.jsonObject(with: Data(detail.stdout.utf8)) as? [String: Any])?["formJSON"] as? String)
        let idNumber = try #require(((try JSONSerialization.jsonObject(with: Data(formJSON.utf8)) as? [String: Any])?["student"] as? [String: Any])?["idNumber"] as? String)
        let unknown = try cli.enroll(["status", "show", "--id-number", idNumber, "--station-dir", "station", "--lang", "en"], in: dir)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("store.unknown-application"))
        try FileManager.default.copyItem(atPath: dir + "/day", toPath: dir + "/station/bundles")
        let byID = try cli.enroll(["status", "show", "--id-number", idNumber, "--station-dir", "station"], in: dir)
        #expect(byID.status == 0, "\(byID.stderr)")
        #expect(byID.stdout.contains("驳回 / rejected") && byID.stdout.contains("照片不清晰 / photo unreadable"))
        #expect(!byID.stdout.contains(idNumber) && !byID.stdout.contains(String(idNumber.prefix(6))))
    }

    /// `keys generate` writes the age pair beside the signify pair; a sign with `--station-dir`
    /// records the bundle in the station's index.
    @Test func keysWriteAnAgePairAndSigningRecordsTheBundle() throws {
        let dir = try cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let made = try cli.enroll(["keys", "generate", "--out", "k", "--name", "st1", "--format", "json"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: String])
        #expect(written["ageIdentity"] == "k/st1.age" && written["ageRecipientFile"] == "k/st1.age.pub")
        let derived = try runAge("age-keygen", ["-y", dir + "/k/st1.age"])
        #expect(derived == written["ageRecipient"].map { $0 + "\n" })
        #expect(try cli.enroll(["keys", "generate", "--out", "plain", "--name", "d", "--no-age"], in: dir).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/plain").sorted() == ["d.pub", "d.sec"])
        let signed = try cli.enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b1", "--key", "k/st1.sec", "--station-dir", "station"], in: dir)
        #expect(signed.status == 0, "\(signed.stderr)")
        let index = try String(contentsOfFile: dir + "/station/bundles.tsv", encoding: .utf8)
        #expect(index.hasPrefix("# ") && index.contains("\t1\tapplication\t\t" + dir + "/b1\n"))
        // The trust directory holds both kinds of key: the bundle verifies.
        #expect(try cli.enroll(["verify", "b1", "--trust", "k"], in: dir).status == 0)
    }

    /// Runs a program of the age package; returns its standard output.
    func runAge(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self)
    }
}
