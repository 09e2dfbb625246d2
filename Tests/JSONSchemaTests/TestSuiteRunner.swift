import Foundation
import JSONSchema

/// Locates and runs the official JSON-Schema-Test-Suite (draft 2020-12).
enum TestSuiteRunner {
    /// One failing suite test.
    struct Failure: Hashable, Codable, CustomStringConvertible {
        let file: String
        let caseDescription: String
        let testDescription: String
        var description: String { "\(file) | \(caseDescription) | \(testDescription)" }

        enum CodingKeys: String, CodingKey {
            case file
            case caseDescription = "case"
            case testDescription = "test"
        }
    }

    /// Counts and failures of one group of files. A suite file that cannot be read, is not
    /// JSON, or is not shaped as the suite's format says (an array of cases, each with a
    /// `schema` and an array of `tests`, each test with `data` and a boolean `valid`) is a
    /// failure too: it must never count as a file with nothing to run.
    struct Outcome {
        var passed = 0
        var total = 0
        var failures: [Failure] = []
        var details: [String] = []
    }

    /// `$ENROLL_SHARED/conformance` when that variable is set; otherwise walks up from this
    /// source file to the directory that contains `shared/conformance`.
    static func conformanceDirectory(from file: String = #filePath) -> String? {
        if let shared = ProcessInfo.processInfo.environment["ENROLL_SHARED"], !shared.isEmpty {
            return shared + "/conformance"
        }
        var dir = URL(fileURLWithPath: file).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/conformance")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func run(files: [String], suiteRoot: String, remotes: String, formatAssertion: Bool) -> Outcome {
        var outcome = Outcome()
        var registry = SchemaRegistry()
        registry.map(prefix: "http://localhost:1234/", toDirectory: remotes)
        let options = SchemaOptions(formatAssertion: formatAssertion, registry: registry,
                                    baseURI: "https://test.json-schema.org/suite-root.json")
        for file in files {
            let name = file.hasPrefix(suiteRoot + "/") ? String(file.dropFirst(suiteRoot.count + 1)) : file
            func malformed(_ caseDescription: String, _ problem: String) {
                outcome.total += 1
                outcome.failures.append(Failure(file: name, caseDescription: caseDescription, testDescription: problem))
                outcome.details.append("\(name) | \(caseDescription): \(problem)")
            }
            let document: JSONValue
            do {
                document = try JSONParser.parse(contentsOfFile: file)
            } catch {
                malformed("(the file)", "cannot read or parse the suite file: \(error)")
                continue
            }
            guard let cases = document.arrayValue, !cases.isEmpty else {
                malformed("(the file)", "the suite file is not a non-empty array of test cases")
                continue
            }
            for (index, c) in cases.enumerated() {
                guard let caseDescription = c["description"]?.stringValue, let caseSchema = c["schema"],
                      let tests = c["tests"]?.arrayValue, !tests.isEmpty,
                      tests.allSatisfy({ $0["description"]?.stringValue != nil && $0["data"] != nil && $0["valid"]?.boolValue != nil })
                else {
                    malformed(c["description"]?.stringValue ?? "case \(index)",
                              "the case lacks a description, a schema, or a non-empty array of tests each with description, data and a boolean valid")
                    continue
                }
                let schema: CompiledSchema
                do {
                    schema = try CompiledSchema.compile(caseSchema, options: options)
                } catch {
                    for t in tests {
                        outcome.total += 1
                        outcome.failures.append(Failure(file: name, caseDescription: caseDescription,
                                                        testDescription: t["description"]!.stringValue!))
                    }
                    outcome.details.append("\(name) | \(caseDescription): compile error: \(error)")
                    continue
                }
                for t in tests {
                    outcome.total += 1
                    let expected = t["valid"]!.boolValue!
                    let data = t["data"]!
                    let result = schema.validate(data)
                    let quick = schema.isValid(data)
                    if result.isValid == expected && quick == expected && result.errors.isEmpty == expected {
                        outcome.passed += 1
                    } else {
                        let td = t["description"]!.stringValue!
                        outcome.failures.append(Failure(file: name, caseDescription: caseDescription, testDescription: td))
                        outcome.details.append("\(name) | \(caseDescription) | \(td): expected \(expected), got \(result.isValid)/\(quick) \(result.errors.map(\.description))")
                    }
                }
            }
        }
        return outcome
    }

    /// The `.json` files directly in `dir`, sorted.
    /// - Throws: if the directory cannot be listed (a missing suite is an error, not an
    ///   empty one).
    static func jsonFiles(in dir: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir + "/" + $0 }
    }
}
