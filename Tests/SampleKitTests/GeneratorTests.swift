import JSONSchema
import Foundation
import Testing
@testable import SampleKit

@Suite("Sample generator")
struct GeneratorTests {
    @Test("same seed gives identical bytes; different seeds differ", arguments: SampleGenerator.supportedForms)
    func determinism(form: String) throws {
        var a = try SampleGenerator(form: form, schemaDirectory: Support.schemas, seed: 42, imageScale: .small)
        var b = try SampleGenerator(form: form, schemaDirectory: Support.schemas, seed: 42, imageScale: .small)
        var c = try SampleGenerator(form: form, schemaDirectory: Support.schemas, seed: 43, imageScale: .small)
        var differ = false
        for _ in 0..<4 {
            let x = try a.next(), y = try b.next(), z = try c.next()
            #expect(x.formJSON == y.formJSON)
            #expect(x.attachments.map(\.bytes) == y.attachments.map(\.bytes))
            #expect(x.attachments.map(\.fileName) == y.attachments.map(\.fileName))
            if x.formJSON != z.formJSON { differ = true }
        }
        #expect(differ)
    }

    @Test("form.json is pretty UTF-8 with unescaped Chinese and a final newline; it re-parses")
    func jsonShape() throws {
        var g = try SampleGenerator(form: "beijing-local-primary-2024", schemaDirectory: Support.schemas, seed: 1,
                                    imageScale: .small)
        let app = try g.next()
        let text = String(decoding: app.formJSON, as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"application\": {\n"))
        #expect(text.hasSuffix("}\n"))
        #expect(text.contains("\"province\": \"北京市\""))
        #expect(!text.contains("\\u"))
        #expect(try JSONValue.parse(app.formJSON) == app.document)
        #expect(app.document.at(pointer: "/student/idNumber")?.stringValue == app.idNumber)
    }

    @Test("the student photo is exactly 295×413 JPEG (small scale too)")
    func photoSize() throws {
        var g = try SampleGenerator(form: "harbin-public-primary-2024", schemaDirectory: Support.schemas, seed: 9,
                                    imageScale: .small)
        let app = try g.next()
        let photos = app.attachments.filter { $0.slot == "student-photo" }
        #expect(photos.count == 1)
        #expect(photos.first.map { ($0.width, $0.height, $0.mediaType) } ?? (0, 0, "") == (295, 413, "image/jpeg"))
        let sof = photos[0].bytes
        // SOF0 height/width follow FF C0 len(2) precision(1).
        let i = (0..<(sof.count - 9)).first { sof[$0] == 0xFF && sof[$0 + 1] == 0xC0 }!
        #expect(Int(sof[i + 5]) << 8 | Int(sof[i + 6]) == 413)
        #expect(Int(sof[i + 7]) << 8 | Int(sof[i + 8]) == 295)
    }

    @Test("requiredIf is judged by the JSON Schema engine")
    func requiredIf() throws {
        let spec = try FormSpec.load(form: "harbin-public-primary-2024", schemaDirectory: Support.schemas)
        let slot = try #require(spec.slots.first { $0.id == "property-documents" })
        let held = try JSONValue.parse(Array(#"{"property": {"held": true}}"#.utf8))
        let notHeld = try JSONValue.parse(Array(#"{"property": {"held": false}}"#.utf8))
        #expect(try slot.isRequired(for: held))
        #expect(try !slot.isRequired(for: notHeld))
    }

    @Test("30 applications per form pass the Python schema, format, x-rule and attachment check; IDs and phones unique",
          arguments: SampleGenerator.supportedForms)
    func validity(form: String) throws {
        let dir = try Support.tempDir(form)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var g = try SampleGenerator(form: form, schemaDirectory: Support.schemas, seed: 2024, imageScale: .small)
        var ids = Set<String>(), phones = Set<String>()
        for i in 0..<30 {
            let app = try g.next()
            #expect(ids.insert(app.idNumber).inserted, "duplicate child ID \(app.idNumber)")
            for p in Set(app.phones) { #expect(phones.insert(p).inserted, "duplicate phone \(p)") }
            try app.write(to: "\(dir)/\(String(format: "%04d", i + 1))")
        }
        let r = try Support.run("python3", [Support.packageRoot + "/scripts/forms/check_samples.py", Support.schemas, form, dir])
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("30 applications"))
    }
}
