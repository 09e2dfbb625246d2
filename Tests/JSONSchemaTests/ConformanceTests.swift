import Foundation
import JSONSchema
import Testing

/// The official JSON-Schema-Test-Suite for draft 2020-12.
@Suite("JSON-Schema-Test-Suite")
struct ConformanceTests {
    struct KnownFailure: Codable {
        let file: String
        let `case`: String
        let test: String
        let reason: String
    }

    func suitePaths() throws -> (tests: String, remotes: String) {
        let conformance = try #require(TestSuiteRunner.conformanceDirectory(),
                                       "shared/conformance was not found above \(#filePath); the test suite is required")
        let suite = conformance + "/json-schema-test-suite"
        let tests = suite + "/tests/draft2020-12"
        #expect(FileManager.default.fileExists(atPath: tests), "missing \(tests)")
        return (tests, suite + "/remotes")
    }

    @Test("required tests: all pass")
    func required() throws {
        let (tests, remotes) = try suitePaths()
        let files = try TestSuiteRunner.jsonFiles(in: tests)
        #expect(files.count > 40, "expected the draft2020-12 files in \(tests)")
        let outcome = TestSuiteRunner.run(files: files, suiteRoot: tests, remotes: remotes, formatAssertion: false)
        print("JSON-Schema-Test-Suite required: \(outcome.passed)/\(outcome.total) passed")
        for d in outcome.details { print("  FAIL \(d)") }
        #expect(outcome.total > 1000)
        #expect(outcome.failures.isEmpty, "\(outcome.failures.count) required tests failed")
    }

    @Test("optional tests: exactly the known failures fail")
    func optional() throws {
        let (tests, remotes) = try suitePaths()
        let files = try TestSuiteRunner.jsonFiles(in: tests + "/optional") + TestSuiteRunner.jsonFiles(in: tests + "/optional/format")
        #expect(files.count > 20, "expected the optional draft2020-12 files in \(tests)/optional")
        let outcome = TestSuiteRunner.run(files: files, suiteRoot: tests, remotes: remotes, formatAssertion: true)
        print("JSON-Schema-Test-Suite optional (format assertion on): \(outcome.passed)/\(outcome.total) passed")
        for d in outcome.details { print("  FAIL \(d)") }

        let knownURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("KnownFailures.json")
        let known = try JSONDecoder().decode([KnownFailure].self, from: Data(contentsOf: knownURL))
        let knownSet = Set(known.map { TestSuiteRunner.Failure(file: $0.file, caseDescription: $0.case, testDescription: $0.test) })
        let actual = Set(outcome.failures)
        for f in actual.subtracting(knownSet).sorted(by: { $0.description < $1.description }) {
            Issue.record("unexpected optional failure (fix it or list it in KnownFailures.json): \(f)")
        }
        for f in knownSet.subtracting(actual).sorted(by: { $0.description < $1.description }) {
            Issue.record("known failure now passes (remove it from KnownFailures.json): \(f)")
        }
        print("JSON-Schema-Test-Suite optional known failures: \(knownSet.count)")
    }

    @Test("a suite file that cannot be parsed, or is not shaped as a suite, fails the run")
    func runnerFailsOnBrokenSuiteFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jsonschema-suite-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files: [String: String] = [
            "good.json": #"[{"description": "c", "schema": {"type": "integer"}, "tests": [{"description": "one", "data": 1, "valid": true}]}]"#,
            "broken.json": #"[{"description": "c", "schema": true, "tests": ["#,
            "object.json": #"{"description": "c", "schema": true, "tests": []}"#,
            "no-tests.json": #"[{"description": "lonely", "schema": true}]"#,
            "no-valid.json": #"[{"description": "vague", "schema": true, "tests": [{"description": "t", "data": 1}]}]"#,
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        let outcome = TestSuiteRunner.run(
            files: try TestSuiteRunner.jsonFiles(in: dir), suiteRoot: dir, remotes: dir, formatAssertion: false)
        #expect(outcome.passed == 1)
        #expect(outcome.total == 5)
        let failed = outcome.failures.map { "\($0.file) | \($0.caseDescription)" }.sorted()
        #expect(failed == ["broken.json | (the file)", "no-tests.json | lonely", "no-valid.json | vague", "object.json | (the file)"])
        #expect(outcome.failures.first { $0.file == "broken.json" }?.testDescription.hasPrefix("cannot read or parse the suite file") == true)
    }

    @Test("a missing suite directory is an error, not an empty suite")
    func missingSuiteDirectory() {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-suite-\(UUID().uuidString)").path
        #expect {
            try TestSuiteRunner.jsonFiles(in: missing)
        } throws: { error in
            (error as? CocoaError)?.code == .fileReadNoSuchFile
        }
    }
}
