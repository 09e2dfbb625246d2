import Foundation
import JSONSchema
import Testing

@Suite("Strict JSON reader")
struct JSONReaderTests {
    func parseError(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch let e as JSONParseError {
            return e
        } catch {
            return nil
        }
    }

    func parseError(_ text: String) -> JSONParseError? { parseError(Array(text.utf8)) }

    @Test("each error kind reports its line and column",
          arguments: [
              ("{\"a\": 1,\n \"a\": 2}", JSONParseError.Kind.duplicateKey, 2, 2),
              ("[1, 2] x", .trailingContent, 1, 8),
              ("{\"a\": [1, 2", .unexpectedEnd, 1, 12),
              ("[\"a\tb\"]", .controlCharacterInString, 1, 4),
              ("[\n  \"\\x\"]", .invalidEscape, 2, 4),
              ("\"\\uD800\"", .loneSurrogate, 1, 2),
              ("\"\\uDC00x\"", .loneSurrogate, 1, 2),
              ("[01]", .invalidNumber, 1, 2),
              ("[1.]", .invalidNumber, 1, 2),
              ("[tru]", .unexpectedCharacter, 1, 5),
              ("{\"é\": 1 2}", .unexpectedCharacter, 1, 9),
          ])
    func errorKinds(text: String, kind: JSONParseError.Kind, line: Int, column: Int) throws {
        let e = try #require(parseError(text))
        #expect(e.kind == kind)
        #expect(e.location.line == line)
        #expect(e.location.column == column)
        #expect(!e.description.isEmpty)
    }

    @Test func invalidUTF8AndBOM() throws {
        let bad = try #require(parseError([0x5B, 0x22, 0x61, 0xFF, 0x22, 0x5D]))
        #expect(bad.kind == .invalidUTF8)
        #expect(bad.location.line == 1 && bad.location.column == 4)
        let surrogate = try #require(parseError([0x22, 0xED, 0xA0, 0x80, 0x22]))
        #expect(surrogate.kind == .invalidUTF8)
        let bom = try #require(parseError([0xEF, 0xBB, 0xBF, 0x31]))
        #expect(bom.kind == .byteOrderMark)
        #expect(bom.location.line == 1 && bom.location.column == 1)
    }

    @Test func validInput() throws {
        let v = try JSONParser.parse("{\"b\": [true, null, -1.5e2, \"\\u00e9\\ud83d\\ude00\"], \"a\": {}}")
        #expect(v.objectValue?.keys == ["b", "a"])
        #expect(v["b"]?.arrayValue?[2] == .number(JSONNumber(-150)))
        #expect(v["b"]?.arrayValue?[3] == .string("é😀"))
        #expect(v.serialized(sortedKeys: true) == "{\"a\":{},\"b\":[true,null,-150,\"é😀\"]}")
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        let e = try #require(parseError(deep))
        #expect(e.kind == .tooDeep)
        #expect(e.location.column == 1001)
        // A configurable limit.
        let shallow = Array("[[[1]]]".utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(shallow, options: JSONParseOptions(maxDepth: 2)) }
        #expect((try? JSONParser.parse(shallow, options: JSONParseOptions(maxDepth: 3))) != nil)
    }

    @Test func largeDocumentParsesAndValidates() throws {
        // About 20 MB: an array of 200,000 small objects.
        var text = "["
        text.reserveCapacity(21_000_000)
        for i in 0..<200_000 {
            if i > 0 { text += "," }
            text += "{\"id\":\(i),\"name\":\"student-\(i)-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"score\":\(i % 100).5,\"ok\":true}"
        }
        text += "]"
        #expect(text.utf8.count > 20_000_000)
        let value = try JSONParser.parse(Array(text.utf8))
        #expect(value.arrayValue?.count == 200_000)
        let schema = try CompiledSchema.compile(try JSONParser.parse("""
            {"type": "array", "items": {"type": "object", "required": ["id", "name"],
             "properties": {"id": {"type": "integer"}, "score": {"maximum": 100}}}}
            """))
        #expect(schema.isValid(value))
    }

    @Test func positionsByPointer() throws {
        let text = "{\n  \"a\": [10, {\"b~/c\": \"x\"}],\n  \"é\": true\n}"
        let doc = try JSONDocument(bytes: Array(text.utf8))
        let p = try JSONPointer(parsing: "/a/1/b~0~1c")
        #expect(p.tokens == ["a", "1", "b~/c"])
        #expect(p.description == "/a/1/b~0~1c")
        #expect(doc.location(of: p)?.description == "2:22")
        #expect(doc.location(of: JSONPointer(tokens: ["é"]))?.description == "3:8")
        #expect(doc.location(of: .root)?.description == "1:1")
        #expect(doc.location(of: JSONPointer(tokens: ["zz"])) == nil)
        #expect(doc.root.value(at: p) == .string("x"))
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "a/b") }
        #expect(throws: JSONPointerError.self) { try JSONPointer(parsing: "/a~2") }
    }

    @Test func fileInput() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jsonschema-reader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.json")
        try Data("{\n\"a\": 1,}".utf8).write(to: file)
        do {
            _ = try JSONParser.parse(contentsOfFile: file.path)
            Issue.record("expected an error")
        } catch let e as JSONParseError {
            #expect(e.file == file.path)
            #expect(e.location.line == 2)
            #expect(e.description.hasPrefix(file.path + ":2:"))
        }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(contentsOfFile: dir.appendingPathComponent("missing.json").path) }
    }
}

@Suite("Exact numbers")
struct NumberTests {
    func n(_ s: String) -> JSONNumber { JSONNumber(s)! }

    @Test func equality() {
        #expect(n("1.0") == n("1"))
        #expect(n("10e-1") == n("1"))
        #expect(n("-0") == n("0"))
        #expect(n("9007199254740993") != n("9007199254740992"))
        #expect(n("9007199254740993") > n("9007199254740992"))
        #expect(n("123456789012345678901234567890") < n("123456789012345678901234567891"))
        #expect(n("1e400") > n("9e399"))
        #expect(n("-2") < n("-1.5"))
        #expect(n("1.5").isInteger == false && n("1.0").isInteger && n("1e30").isInteger)
        #expect(JSONValue.number(n("1.0")) == JSONValue.number(n("1")))
    }

    @Test func multipleOf() {
        #expect(n("19.99").isMultiple(of: n("0.01")))
        #expect(n("0.3").isMultiple(of: n("0.1")))
        #expect(n("1.0001").isMultiple(of: n("0.0001")))
        #expect(!n("0.00751").isMultiple(of: n("0.0001")))
        #expect(!n("19.995").isMultiple(of: n("0.01")))
        #expect(n("1e308").isMultiple(of: n("0.5")))
        #expect(n("123456789012345678901234567890").isMultiple(of: n("10")))
        #expect(!n("123456789012345678901234567891").isMultiple(of: n("123456789012345678901")))
        #expect(n("246913578024691357802").isMultiple(of: n("123456789012345678901")))
    }

    @Test func schemaUsesExactNumbers() throws {
        let schema = try CompiledSchema.compile(try JSONParser.parse("{\"multipleOf\": 0.01, \"maximum\": 9007199254740992}"))
        #expect(schema.isValid(try JSONParser.parse("19.99")))
        #expect(!schema.isValid(try JSONParser.parse("9007199254740993")))
        #expect(schema.isValid(try JSONParser.parse("9007199254740992.00")))
    }

    @Test func lengthCountsCodePoints() throws {
        let schema = try CompiledSchema.compile(try JSONParser.parse("{\"maxLength\": 2, \"minLength\": 2}"))
        #expect(schema.isValid(.string("😀😀")))      // 4 UTF-16 units, 2 code points
        #expect(!schema.isValid(.string("e\u{301}e\u{301}"))) // 2 graphemes, 4 code points
        #expect(schema.isValid(.string("中文")))
        #expect(!schema.isValid(.string("中")))
    }

    /// `properties`, `additionalProperties`, `enum` and `const` compare strings by code point:
    /// a decomposed "é" is another name and another value than the precomposed one.
    @Test func namesAndValuesCompareByCodePoint() throws {
        let schema = try CompiledSchema.compile(try JSONParser.parse("""
            {"properties": {"\\u00e9": {"type": "integer"}}, "additionalProperties": {"enum": ["\\u00e9", "x"]}}
            """))
        #expect(!schema.isValid(.object(JSONObject([("\u{E9}", .string("one"))]))))
        #expect(schema.isValid(.object(JSONObject([("\u{E9}", .number(JSONNumber(1)))]))))
        // The decomposed name is not in `properties`, so `additionalProperties` applies to it.
        #expect(schema.isValid(.object(JSONObject([("e\u{301}", .string("\u{E9}"))]))))
        #expect(!schema.isValid(.object(JSONObject([("e\u{301}", .string("e\u{301}"))]))))
        #expect(!schema.isValid(.object(JSONObject([("e\u{301}", .number(JSONNumber(1)))]))))
        let constant = try CompiledSchema.compile(try JSONParser.parse("{\"const\": \"\\u00e9\"}"))
        #expect(constant.isValid(.string("\u{E9}")))
        #expect(!constant.isValid(.string("e\u{301}")))
    }
}
