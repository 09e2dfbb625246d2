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
        let files = TestSuiteRunner.jsonFiles(in: tests)
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
        let files = TestSuiteRunner.jsonFiles(in: tests + "/optional") + TestSuiteRunner.jsonFiles(in: tests + "/optional/format")
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
}
