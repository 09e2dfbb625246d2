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

    /// Counts and failures of one group of files.
    struct Outcome {
        var passed = 0
        var total = 0
        var failures: [Failure] = []
        var details: [String] = []
    }

    /// Walks up from this source file to the directory that contains `shared/conformance`.
    static func conformanceDirectory(from file: String = #filePath) -> String? {
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
            let name = String(file.dropFirst(suiteRoot.count + 1))
            guard let cases = try? JSONParser.parse(contentsOfFile: file).arrayValue else {
                outcome.details.append("cannot parse \(name)")
                outcome.total += 1
                continue
            }
            for c in cases {
                let caseDescription = c["description"]?.stringValue ?? "?"
                let tests = c["tests"]?.arrayValue ?? []
                let schema: CompiledSchema
                do {
                    schema = try CompiledSchema.compile(c["schema"] ?? .bool(true), options: options)
                } catch {
                    for t in tests {
                        outcome.total += 1
                        outcome.failures.append(Failure(file: name, caseDescription: caseDescription,
                                                        testDescription: t["description"]?.stringValue ?? "?"))
                    }
                    outcome.details.append("\(name) | \(caseDescription): compile error: \(error)")
                    continue
                }
                for t in tests {
                    outcome.total += 1
                    let expected = t["valid"]?.boolValue ?? false
                    let data = t["data"] ?? .null
                    let result = schema.validate(data)
                    let quick = schema.isValid(data)
                    if result.isValid == expected && quick == expected && result.errors.isEmpty == expected {
                        outcome.passed += 1
                    } else {
                        let td = t["description"]?.stringValue ?? "?"
                        outcome.failures.append(Failure(file: name, caseDescription: caseDescription, testDescription: td))
                        outcome.details.append("\(name) | \(caseDescription) | \(td): expected \(expected), got \(result.isValid)/\(quick) \(result.errors.map(\.description))")
                    }
                }
            }
        }
        return outcome
    }

    static func jsonFiles(in dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted().map { dir + "/" + $0 }
    }
}
