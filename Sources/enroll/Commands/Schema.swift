import ArgumentParser
import EnrollCore
import Foundation
import JSONSchema

extension Enroll {
    /// `enroll schema`: JSON Schema (draft 2020-12) tools for any schema.
    struct Schema: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "schema", 
            abstract: "JSON Schema draft 2020-12 tools. JSON Schema 工具。",
            subcommands: [Check.self, Lint.self]
        )
    }
}

extension Enroll.Schema {
    /// `enroll schema check --schema FILE DATA...`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", 
            abstract: "Validate JSON documents against a schema. 用 JSON Schema 校验文档。",
            discussion: "Prints a line per document. Exit 0 all valid, 1 any invalid (a document that is not JSON is invalid), 2 a broken schema or an unreadable file."
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "The schema file.")
        var schema: String

        @Option(name: .long, help: "Resolve references under URI_PREFIX from DIR (URI_PREFIX=DIR); repeatable. Nothing is ever fetched from the network.")
        var map: [String] = []

        @Flag(name: .long, help: "Make `format` an assertion (enroll's Chinese ID, phone and permit formats included).")
        var assertFormat = false

        @Argument(help: "The JSON documents, or directories: every *.json file below them.")
        var data: [String]

        func run() async throws {
            var invalid = false
            try reportingErrors(common) {
                var registry = SchemaRegistry()
                for mapping in map {
                    guard let equals = mapping.firstIndex(of: "=") else {
                        throw EnrollError.usage(.usageMap, zh: "--map 应为“URI前缀=目录”。", en: "--map must be URI_PREFIX=DIR.")
                    }
                    registry.map(prefix: String(mapping[..<equals]), toDirectory: String(mapping[mapping.index(after: equals)...]))
                }
                let compiled = try compileSchema(schema, registry: registry, assertFormat: assertFormat)
                var results: [[String: JSONValue]] = []
                for path in try InputFiles.expand(data, suffix: ".json") {
                    let bytes = try InputFiles.read(path)
                    var entry: [String: JSONValue] = ["file": .string(path)]
                    do {
                        let value = try JSONParser.parse(bytes)
                        let result = compiled.validate(value)
                        invalid = invalid || !result.isValid
                        if common.format != .text {
                            entry["valid"] = .bool(result.isValid)
                            entry["errors"] = .array(result.errors.map { $0.jsonValue() })
                        }
                        if common.format == .text {
                            Terminal.out("\(result.isValid ? "valid  " : "INVALID") \(path)")
                            for error in result.errors {
                                Terminal.out("  \(error.instanceLocation.description.isEmpty ? "/" : error.instanceLocation.description): \(error.message) [\(error.keyword) at \(error.keywordLocation)]")
                            }
                        }
                    } catch let error as JSONParseError {
                        invalid = true
                        entry["valid"] = .bool(false)
                        entry["errors"] = .array([.object(JSONObject([("keyword", .string("json")), ("message", .string("\(error.location): \(error.message)"))]))])
                        if common.format == .text { Terminal.out("INVALID \(path):\(error.location): \(error.message)") }
                    }
                    if common.format != .text { results.append(entry) }
                }
                if common.format != .text {
                    let array = JSONValue.array(results.map { .object(JSONObject($0.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })) })
                    Terminal.out(array.serialized(sortedKeys: true))
                }
            }
            if invalid { throw ExitCode(1) }
        }
    }

    /// `enroll schema lint FILE`.
    struct Lint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lint", 
            abstract: "Check a schema against the draft 2020-12 metaschema and compile it. 检查 JSON Schema。"
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "Resolve references under URI_PREFIX from DIR (URI_PREFIX=DIR); repeatable.")
        var map: [String] = []

        @Argument(help: "The schema file.")
        var file: String

        func run() async throws {
            var problems: [String] = []
            try reportingErrors(common) {
                let value = try parseFile(file)
                let meta = try CompiledSchema.compile(.object(JSONObject([("$ref", .string("https://json-schema.org/draft/2020-12/schema"))])))
                problems += meta.validate(value).errors.map { "\($0.instanceLocation): \($0.message) [\($0.keyword)]" }
                var registry = SchemaRegistry()
                for mapping in map {
                    if let equals = mapping.firstIndex(of: "=") {
                        registry.map(prefix: String(mapping[..<equals]), toDirectory: String(mapping[mapping.index(after: equals)...]))
                    }
                }
                do {
                    _ = try CompiledSchema.compile(value, options: JSONSchema.SchemaOptions(registry: registry, baseURI: baseURI(file, value)))
                } catch {
                    problems.append("\(error)")
                }
                if common.format != .text {
                    Terminal.json(["file": file, "valid": problems.isEmpty ? "true" : "false", "problems": problems.joined(separator: "\n")])
                } else {
                    Terminal.out("\(problems.isEmpty ? "valid  " : "INVALID") \(file)")
                    for problem in problems { Terminal.out("  \(problem)") }
                }
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The schema's own `$id`, or a file URI for it.
private func baseURI(_ path: String, _ value: JSONValue) -> String {
    value["$id"]?.stringValue ?? URL(fileURLWithPath: path).absoluteString
}

private func readFile(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw EnrollError.io(.ioFailed, Location(file: path), zh: "无法读取文件，请检查路径和权限。", en: "Cannot read the file; check the path and its permissions.")
    }
    return Array(data)
}

private func parseFile(_ path: String) throws -> JSONValue {
    let bytes = try readFile(path)
    do {
        return try JSONParser.parse(bytes)
    } catch let error as JSONParseError {
        throw EnrollError.io(
            .schemaMalformed, Location(file: path, line: error.location.line, column: error.location.column),
            zh: "模式文件不是有效的 JSON：\(error.message)", en: "The schema is not valid JSON: \(error.message)")
    }
}

/// Compiles a schema file for `schema check`; a broken schema is exit 2.
private func compileSchema(_ path: String, registry: SchemaRegistry, assertFormat: Bool) throws -> CompiledSchema {
    let value = try parseFile(path)
    do {
        return try CompiledSchema.compile(value, options: JSONSchema.SchemaOptions(
            formatAssertion: assertFormat, formats: FormFormats.all(), registry: registry, baseURI: baseURI(path, value)))
    } catch {
        throw EnrollError.io(.schemaInvalid, Location(file: path), zh: "模式无法编译：\(error)", en: "The schema cannot be compiled: \(error)")
    }
}
