import Foundation
import Testing

/// `enroll validate` end to end on a mixed tree: signed bundles, a broken bundle, a sound
/// transfer archive and a truncated one, with every report format.
@Suite("enroll validate on a mixed tree")
struct ValidateCLITests {
    let cli = CLITests()

    /// A working directory with `trust/` (the station's keys) and `tree/`: three signed sample
    /// bundles in `tree/good`, an archive of them `tree/day.tar.zst`, a copy of one with its
    /// form data changed in `tree/broken`, the archive cut in half `tree/cut.tar.zst`, and a
    /// stray text file.
    func mixedTree() throws -> String {
        let dir = NSTemporaryDirectory() + "enroll-validate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/tree", withIntermediateDirectories: true)
        #expect(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        let made = try cli.enroll(
            ["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "3", "--out", "tree/good",
             "--key", "trust/st.sec", "--small", "--seed", "11"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let packed = try cli.enroll(["pack", "tree/good", "--out", "tree/day.tar.zst", "--key", "trust/st.sec"], in: dir)
        #expect(packed.status == 0, "\(packed.stderr)")
        let first = try FileManager.default.contentsOfDirectory(atPath: dir + "/tree/good").sorted()[0]
        try FileManager.default.createDirectory(atPath: dir + "/tree/broken", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/tree/good/" + first, toPath: dir + "/tree/broken/" + first)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/tree/broken/\(first)/data/form.json"))
        let archive = try Data(contentsOf: URL(fileURLWithPath: dir + "/tree/day.tar.zst"))
        try archive.prefix(archive.count / 2).write(to: URL(fileURLWithPath: dir + "/tree/cut.tar.zst"))
        try Data("not a bundle".utf8).write(to: URL(fileURLWithPath: dir + "/tree/notes.txt"))
        return dir
    }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func exitCodesAndTextOutput() throws {
        let dir = try mixedTree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let good = try cli.enroll(["validate", "tree/good", "tree/day.tar.zst", "--trust", "trust", "--lang", "en"], in: dir)
        #expect(good.status == 0, "\(good.stdout)\(good.stderr)")
        let lines = good.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(lines.prefix(7).allSatisfy { $0.hasPrefix("OK    ") })
        #expect(lines.contains("OK    archive tree/day.tar.zst: 3 bundles, batch signed by st"))
        #expect(lines.last!.hasPrefix("6 bundles: 6 valid, 0 invalid, 1 archives (0 invalid); "))

        let mixed = try cli.enroll(["validate", "tree", "--trust", "trust", "--lang", "en"], in: dir)
        #expect(mixed.status == 1)
        #expect(mixed.stdout.contains("FAIL  tree/broken/"))
        #expect(mixed.stdout.contains("FAIL  archive tree/cut.tar.zst"))
        #expect(mixed.stderr.contains("bag.checksum-mismatch"))
        #expect(mixed.stdout.split(separator: "\n").last!.contains("2 archives (1 invalid)"))

        let missing = try cli.enroll(["validate", "tree/nothing-here", "--lang", "en"], in: dir)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("io.not-found"))
        let noJobs = try cli.enroll(["validate", "tree", "--jobs", "0"], in: dir)
        #expect(noJobs.status == 2)
        #expect(noJobs.stderr.contains("--jobs must be at least 1"))
    }

    @Test func jsonReportHasDesignSectionEightsShape() throws {
        let dir = try mixedTree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try cli.enroll(["validate", "tree", "--trust", "trust", "--format", "json", "--jobs", "2"], in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        let report = try json(run.stdout)
        #expect(Set(["summary", "bundles", "archives"]).isSubset(of: report.keys))
        let summary = try #require(report["summary"] as? [String: Any])
        let bundles = try #require(report["bundles"] as? [[String: Any]])
        let archives = try #require(report["archives"] as? [[String: Any]])
        let byCode = try #require(summary["errorsByCode"] as? [String: Int])
        #expect(summary["bundles"] as? Int == bundles.count)
        #expect((summary["valid"] as? Int ?? -1) + (summary["invalid"] as? Int ?? -1) == bundles.count)
        #expect(summary["invalid"] as? Int == bundles.filter { $0["valid"] as? Bool == false }.count)
        #expect(summary["archives"] as? Int == 2)
        #expect(summary["invalidArchives"] as? Int == 1)
        // Every error is counted once by its code.
        var counted: [String: Int] = [:]
        for row in bundles + archives {
            for error in row["errors"] as? [[String: Any]] ?? [] { counted[error["code"] as? String ?? "?", default: 0] += 1 }
        }
        #expect(counted == byCode)
        #expect(byCode["bag.checksum-mismatch"] == 1)

        // The three good bundles on disk and the three in the sound archive.
        let good = bundles.filter { ($0["path"] as? String)?.hasPrefix("tree/good/") == true }
        #expect(good.count == 3)
        #expect(bundles.filter { ($0["path"] as? String)?.hasPrefix("tree/day.tar.zst") == true }.count == 3)
        for bundle in good {
            #expect(bundle["valid"] as? Bool == true)
            #expect(bundle["form"] as? String == "harbin-public-primary-2024")
            #expect(bundle["revision"] as? Int == 1)
            #expect((bundle["applicationId"] as? String).flatMap(UUID.init(uuidString:)) != nil)
            #expect((bundle["errors"] as? [Any])?.isEmpty == true)
        }
        let broken = try #require(bundles.first { ($0["path"] as? String)?.hasPrefix("tree/broken/") == true })
        #expect(broken["valid"] as? Bool == false)
        let errors = try #require(broken["errors"] as? [[String: Any]])
        let mismatch = try #require(errors.first { $0["code"] as? String == "bag.checksum-mismatch" })
        #expect((mismatch["location"] as? String)?.hasSuffix("/data/form.json") == true)
        #expect((mismatch["message"] as? String)?.isEmpty == false)
        let cut = try #require(archives.first { $0["path"] as? String == "tree/cut.tar.zst" })
        #expect(cut["valid"] as? Bool == false)
        #expect((cut["errors"] as? [[String: Any]])?.contains { ($0["code"] as? String)?.hasPrefix("archive.") == true } == true)
    }

    @Test func junitReportReadsInAJUnitParser() throws {
        let dir = try mixedTree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try cli.enroll(["validate", "tree", "--trust", "trust", "--format", "junit", "--report", "junit.xml", "--lang", "en"], in: dir)
        #expect(run.status == 1, "\(run.stderr)")
        // With --report only the summary line goes to standard output.
        #expect(run.stdout.split(separator: "\n").count == 1)
        #expect(run.stdout.contains(" bundles: "))
        let reference = try json(try cli.enroll(["validate", "tree", "--trust", "trust", "--format", "json"], in: dir).stdout)
        let bundles = try #require(reference["bundles"] as? [[String: Any]])

        // junitparser reads it the way CI plugins do; xml.etree checks it is well-formed XML.
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            import junitparser
            ET.parse(sys.argv[1])
            xml = junitparser.JUnitXml.fromfile(sys.argv[1])
            suites = []
            for suite in xml:
                cases = [{"classname": case.classname, "name": case.name, "passed": case.is_passed,
                          "types": [result.type for result in case.result]} for case in suite]
                suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "cases": cases})
            print(json.dumps(suites))
            """
        let parsed = try CLITests.runPython(script, [dir + "/junit.xml"])
        #expect(parsed.status == 0, "\(parsed.stderr)")
        let suites = try #require(JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [[String: Any]])
        #expect(suites.map { $0["name"] as? String } == ["bundles", "archives"])
        let bundleSuite = suites[0]
        let cases = try #require(bundleSuite["cases"] as? [[String: Any]])
        #expect(cases.map { $0["name"] as? String } == bundles.map { $0["path"] as? String })
        #expect(bundleSuite["tests"] as? Int == bundles.count)
        #expect(bundleSuite["failures"] as? Int == bundles.filter { $0["valid"] as? Bool == false }.count)
        #expect(cases.map { $0["passed"] as? Bool } == bundles.map { $0["valid"] as? Bool })
        let broken = try #require(cases.first { ($0["name"] as? String)?.hasPrefix("tree/broken/") == true })
        #expect((broken["types"] as? [String])?.contains("bag.checksum-mismatch") == true)
        #expect(broken["classname"] as? String == "harbin-public-primary-2024")
        let archiveCases = try #require(suites[1]["cases"] as? [[String: Any]])
        #expect(Set(archiveCases.map { $0["name"] as? String ?? "" }) == ["tree/day.tar.zst", "tree/cut.tar.zst"])
        #expect(suites[1]["failures"] as? Int == 1)
    }

    @Test func reportFileInEveryFormat() throws {
        let dir = try mixedTree()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try cli.enroll(["validate", "tree/good", "--trust", "trust", "--report", "r", "--lang", "en"], in: dir)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("3 bundles: 3 valid, 0 invalid; "))
        #expect(text.stdout.split(separator: "\n").count == 1)
        let written = try String(contentsOfFile: dir + "/r", encoding: .utf8).split(separator: "\n")
        #expect(written.count == 4)
        #expect(written.prefix(3).allSatisfy { $0.hasPrefix("OK    tree/good/") })
        #expect(written.last!.hasPrefix("3 bundles: 3 valid, 0 invalid; "))

        let json = try cli.enroll(["validate", "tree", "--trust", "trust", "--format", "json", "--report", "no-such-dir/report.json"], in: dir)
        #expect(json.status == 2, "a report in a directory that does not exist is an I/O error")
        #expect(json.stdout.contains("io.failed"))
        let json2 = try cli.enroll(["validate", "tree", "--trust", "trust", "--format", "json", "--report", "report.json"], in: dir)
        #expect(json2.status == 1)
        let report = try self.json(try String(contentsOfFile: dir + "/report.json", encoding: .utf8))
        #expect((report["summary"] as? [String: Any])?["archives"] as? Int == 2)
    }
}
