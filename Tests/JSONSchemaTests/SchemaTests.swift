import Foundation
import JSONSchema
import Testing

@Suite("Schema compile and validate")
struct SchemaTests {
    func compile(_ text: String, _ options: SchemaOptions = SchemaOptions()) throws -> CompiledSchema {
        try CompiledSchema.compile(try JSONParser.parse(text), options: options)
    }

    @Test func errorOutputFields() throws {
        let schema = try compile("""
            {"$id": "https://example.com/form.json",
             "type": "object",
             "required": ["name", "grade", "id"],
             "properties": {
               "name": {"type": "string", "x-label": {"zh": "姓名", "en": "Name"}},
               "address": {"$ref": "#/$defs/address"}
             },
             "additionalProperties": false,
             "$defs": {"address": {"type": "object", "properties": {"zip": {"pattern": "^[0-9]{6}$", "x-label": {"en": "ZIP"}}}}}}
            """)
        let result = schema.validate(try JSONParser.parse("""
            {"name": 5, "address": {"zip": "12"}, "extra1": 1, "extra2": 2}
            """))
        #expect(!result.isValid)
        let required = result.errors.filter { $0.keyword == "required" }
        #expect(required.map(\.property) == ["grade", "id"])
        #expect(required.allSatisfy { $0.instanceLocation == .root && $0.keywordLocation.description == "/required" })
        #expect(required.first?.absoluteKeywordLocation == "https://example.com/form.json#/required")

        let type = try #require(result.errors.first { $0.keyword == "type" })
        #expect(type.instanceLocation.description == "/name")
        #expect(type.keywordLocation.description == "/properties/name/type")
        #expect(type.absoluteKeywordLocation == "https://example.com/form.json#/properties/name/type")
        #expect(schema.enclosingSchemaObject(forKeywordAt: type.absoluteKeywordLocation)?["x-label"]?["en"] == .string("Name"))

        let pattern = try #require(result.errors.first { $0.keyword == "pattern" })
        #expect(pattern.instanceLocation.description == "/address/zip")
        #expect(pattern.keywordLocation.description == "/properties/address/$ref/properties/zip/pattern")
        #expect(pattern.absoluteKeywordLocation == "https://example.com/form.json#/$defs/address/properties/zip/pattern")
        #expect(schema.schemaValue(at: pattern.absoluteKeywordLocation) == .string("^[0-9]{6}$"))
        #expect(schema.enclosingSchemaObject(forKeywordAt: pattern.absoluteKeywordLocation)?["x-label"]?["en"] == .string("ZIP"))

        let extra = result.errors.filter { $0.keyword == "additionalProperties" }
        #expect(extra.map(\.instanceLocation.description) == ["/extra1", "/extra2"])
        #expect(extra.map(\.property) == ["extra1", "extra2"])
        #expect(extra.first?.keywordLocation.description == "/additionalProperties")
        #expect(result.errors.count == 6)

        let output = result.basicOutput()
        #expect(output["valid"] == .bool(false))
        #expect(output["errors"]?.arrayValue?.count == 6)
        let encoded = try JSONEncoder().encode(result)
        let decoded = try JSONDecoder().decode(ValidationResult.self, from: encoded)
        #expect(decoded == result)
    }

    @Test func unevaluatedPropertiesErrorsPointAtProperty() throws {
        let schema = try compile("""
            {"allOf": [{"properties": {"a": true}}], "unevaluatedProperties": false}
            """)
        let result = schema.validate(try JSONParser.parse("{\"a\": 1, \"b\": 2}"))
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.instanceLocation.description == "/b")
        #expect(result.errors.first?.property == "b")
        #expect(result.errors.first?.keyword == "unevaluatedProperties")
    }

    @Test func compileErrorsAreClear() throws {
        do {
            _ = try compile("{\"$schema\": \"https://example.com/unknown-metaschema\"}")
            Issue.record("expected unknown $schema error")
        } catch let e as SchemaCompileError {
            #expect(e.description.contains("unknown $schema"))
        }
        do {
            _ = try compile("{\"properties\": {\"a\": {\"$ref\": \"#/$defs/missing\"}}}")
            Issue.record("expected unresolvable $ref error")
        } catch let e as SchemaCompileError {
            #expect(e.description.contains("#/$defs/missing"))
            #expect(e.description.contains("/properties/a/$ref"))
        }
        do {
            _ = try compile("{\"$ref\": \"http://example.com/remote.json\"}")
            Issue.record("expected unresolvable remote error")
        } catch let e as SchemaCompileError {
            #expect(e.description.contains("http://example.com/remote.json"))
        }
        do {
            _ = try compile("{\"pattern\": \"a(b\"}")
            Issue.record("expected invalid regex error")
        } catch let e as SchemaCompileError {
            #expect(e.description.contains("a(b"))
        }
        #expect(throws: SchemaCompileError.self) { try compile("{\"pattern\": \"\\\\a\"}") }
        #expect(throws: SchemaCompileError.self) { try compile("{\"minimum\": \"1\"}") }
    }

    @Test func referenceLoopWithoutProgressIsAnError() throws {
        let schema = try compile("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}")
        let result = schema.validate(.number(JSONNumber(1)))
        #expect(!result.isValid)
        #expect(result.errors.first?.message.contains("infinite reference loop") == true)
        #expect(!schema.isValid(.null))
        // Recursion that consumes the instance is fine.
        let tree = try compile("{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}}")
        #expect(tree.isValid(try JSONParser.parse("[[[]], []]")))
    }

    @Test func registryMapsDirectoriesAndDocuments() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jsonschema-registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("common"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{\"$defs\": {\"grade\": {\"enum\": [1, 2, 3]}}}".utf8).write(to: dir.appendingPathComponent("common/defs.json"))
        var registry = SchemaRegistry()
        registry.map(prefix: "https://enroll.example/schemas/", toDirectory: dir.path)
        registry.add(try JSONParser.parse("{\"type\": \"string\", \"minLength\": 1}"), uri: "urn:enroll:name")
        let schema = try compile("""
            {"properties": {"grade": {"$ref": "https://enroll.example/schemas/common/defs.json#/$defs/grade"},
                            "name": {"$ref": "urn:enroll:name"}}}
            """, SchemaOptions(registry: registry))
        #expect(schema.isValid(try JSONParser.parse("{\"grade\": 2, \"name\": \"A\"}")))
        let result = schema.validate(try JSONParser.parse("{\"grade\": 7, \"name\": \"\"}"))
        #expect(result.errors.map(\.keyword).sorted() == ["enum", "minLength"])
        let e = try #require(result.errors.first { $0.keyword == "enum" })
        #expect(e.absoluteKeywordLocation == "https://enroll.example/schemas/common/defs.json#/$defs/grade/enum")
        #expect(e.keywordLocation.description == "/properties/grade/$ref/enum")
    }

    @Test func formatsAndCustomFormats() throws {
        let text = "{\"properties\": {\"d\": {\"format\": \"date\"}, \"id\": {\"format\": \"cn-mobile\"}}}"
        let lenient = try compile(text)
        #expect(lenient.isValid(try JSONParser.parse("{\"d\": \"2024-02-30\", \"id\": \"x\"}")))
        let options = SchemaOptions(formatAssertion: true, formats: [
            "cn-mobile": { s in s.count == 11 && s.hasPrefix("1") && s.allSatisfy(\.isNumber) },
        ])
        let strict = try compile(text, options)
        #expect(strict.isValid(try JSONParser.parse("{\"d\": \"2024-02-29\", \"id\": \"13800138000\"}")))
        let result = strict.validate(try JSONParser.parse("{\"d\": \"2023-02-29\", \"id\": \"12345\"}"))
        #expect(result.errors.map(\.instanceLocation.description) == ["/d", "/id"])
        #expect(result.errors.allSatisfy { $0.keyword == "format" })
    }

    @Test func everyErrorIsReported() throws {
        let schema = try compile("""
            {"type": "object", "properties": {"a": {"type": "integer", "minimum": 5, "multipleOf": 2}},
             "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
             "then": {"required": ["b"]}}
            """)
        let result = schema.validate(try JSONParser.parse("{\"a\": 3, \"kind\": \"x\"}"))
        #expect(result.errors.map(\.keyword).sorted() == ["minimum", "multipleOf", "required"])
        let then = try #require(result.errors.first { $0.keyword == "required" })
        #expect(then.keywordLocation.description == "/then/required")
        #expect(then.property == "b")
    }

    @Test func dynamicRefKeywordLocation() throws {
        let schema = try compile("""
            {"$id": "https://example.com/list", "$dynamicAnchor": "item", "type": "array",
             "items": {"$dynamicRef": "#item"}, "$defs": {"x": true}}
            """)
        #expect(!schema.validate(try JSONParser.parse("[[1]]")).isValid)
        let err = try #require(schema.validate(try JSONParser.parse("[1]")).errors.first)
        #expect(err.keywordLocation.description == "/items/$dynamicRef/type")
        #expect(err.instanceLocation.description == "/0")
    }

    @Test func deepInstanceAgainstRecursiveSchema() throws {
        let depth = 1000
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let value = try JSONParser.parse(text)
        let schema = try compile("{\"type\": \"array\", \"items\": {\"$ref\": \"#\"}, \"maxItems\": 1}")
        #expect(schema.isValid(value))
        let strict = try compile("{\"items\": {\"$ref\": \"#\"}, \"maxItems\": 0, \"unevaluatedItems\": false}")
        let result = strict.validate(value)
        #expect(!result.isValid)
        #expect(result.errors.first?.keyword == "maxItems")
    }

    @Test func concurrentValidation() async throws {
        let schema = try compile("{\"items\": {\"pattern\": \"^a+$\"}}")
        let doc = try JSONParser.parse("[\"aaa\", \"b\"]")
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { schema.validate(doc).errors.count } }
            for await count in group { #expect(count == 1) }
        }
    }
}

@Suite("Deep schemas")
struct DeepSchemaTests {
    @Test func deeplyNestedSchemaCompiles() throws {
        let depth = 900
        let text = String(repeating: "{\"items\":", count: depth) + "{\"type\":\"integer\"}" + String(repeating: "}", count: depth)
        let schema = try CompiledSchema.compile(try JSONParser.parse(text))
        let good = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        let bad = String(repeating: "[", count: depth) + "\"x\"" + String(repeating: "]", count: depth)
        #expect(schema.isValid(try JSONParser.parse(good)))
        let result = schema.validate(try JSONParser.parse(bad))
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.instanceLocation.tokens.count == depth)
    }
}
