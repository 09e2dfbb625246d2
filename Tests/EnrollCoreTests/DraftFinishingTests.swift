import Foundation
import Testing

@testable import EnrollCore

@Suite("Finishing drafts")
struct DraftFinishingTests {
    /// A schema directory whose test form requires the student's name.
    func strictValidator(_ dir: TemporaryDirectory) throws -> ApplicationValidator {
        try write(dir("strict/test-form.schema.json"), #"""
            {"x-form": {"id": "test-form", "version": "1"}, "type": "object", "required": ["student"],
             "properties": {"student": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}
            """#)
        return ApplicationValidator(catalog: try FormCatalog(directory: dir("strict")), trust: nil)
    }

    func draft(_ dir: TemporaryDirectory, data: String, at name: String) throws -> String {
        try write(dir(name + ".json"), data)
        try BundleOperations().create(form: "test-form", formVersion: "1", data: dir(name + ".json"), attachments: [], directory: dir(name))
        return dir(name)
    }

    @Test func passingDraftWithAKeyIsSigned() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try draft(dir, data: #"{"student": {"name": "测试"}}"#, at: "good")
        let finished = try BundleOperations().finish(path, validator: try strictValidator(dir), signer: station.signer)
        #expect(finished.isSigned)
        #expect(finished.problems.isEmpty)
        #expect(finished.header.station == "station-01")
        #expect(finished.header.keyID == station.key.keyID)
        #expect(try BundleVerifier(trust: station.trust).verify(directory: path).isValid)
    }

    @Test func failingDraftWithAKeyIsRemovedWithItsErrors() throws {
        let dir = TemporaryDirectory()
        let station = try StationFixture(dir)
        let path = try draft(dir, data: #"{"student": {}}"#, at: "bad")
        #expect {
            try BundleOperations().finish(path, validator: try strictValidator(dir), signer: station.signer)
        } throws: { error in
            (error as? EnrollError)?.diagnostics.map(\.code.rawValue) == ["form.required"]
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func withoutAKeyTheDraftStaysWithWhatToFix() throws {
        let dir = TemporaryDirectory()
        let path = try draft(dir, data: #"{"student": {}}"#, at: "kept")
        let finished = try BundleOperations().finish(path, validator: try strictValidator(dir), signer: nil)
        #expect(!finished.isSigned)
        #expect(finished.header.revision == 1)
        #expect(finished.problems.errors.map(\.code.rawValue) == ["form.required"])
        #expect(finished.problems.errors.first?.location.pointer == "/student/name")
        #expect(FileManager.default.fileExists(atPath: path + "/bagit.txt"))
    }
}
