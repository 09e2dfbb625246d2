import Foundation
import Testing

@testable import EnrollCore

/// SampleBundles/ behaves as its README says.
@Suite("Sample bundles")
struct SampleBundleTests {
    static let root = repositoryRoot + "/SampleBundles"
    struct Expected: Decodable {
        var invalid: [String: [String]]
        var signed: [String]
    }
    static let expected: Expected = try! JSONDecoder().decode(
        Expected.self, from: Data(contentsOf: URL(fileURLWithPath: root + "/expected.json")))
    static let invalidNames: [String] = expected.invalid.keys.sorted()

    @Test func everyValidSampleValidatesWithTrust() throws {
        let validator = ApplicationValidator(catalog: sharedCatalog, trust: try TrustStore(directory: Self.root + "/keys/trust"))
        let bundles = try BundleDiscovery.bundles(in: [Self.root + "/valid"])
        #expect(bundles.count >= 3 * sharedCatalog.ids.count)
        var forms: [String: Int] = [:]
        for bundle in bundles {
            let result = try validator.validate(directory: bundle)
            #expect(result.isValid, "\(bundle): \(result.diagnostics.errors.map(\.description))")
            forms[result.header?.form ?? "", default: 0] += 1
        }
        #expect(forms.count == sharedCatalog.ids.count && forms.values.allSatisfy { $0 >= 3 }, "every form has its samples: \(forms)")
    }

    @Test(arguments: invalidNames)
    func invalidSampleShowsItsError(_ name: String) throws {
        let codes = Self.expected.invalid[name]!
        let signed = Self.expected.signed.contains(name) || name == "unsigned-draft"
        let trust = signed ? try TrustStore(directory: Self.root + "/keys/trust") : nil
        let result = try ApplicationValidator(catalog: sharedCatalog, trust: trust).validate(directory: Self.root + "/invalid/" + name)
        #expect(Set(result.diagnostics.errors.map(\.code.rawValue)) == Set(codes), "\(name): \(result.diagnostics.errors.map(\.description))")
    }

    @Test func everyInvalidSampleIsDocumented() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/invalid").sorted()
        #expect(present == Self.invalidNames)
        let readme = try read(Self.root + "/README.md")
        for name in present { #expect(readme.contains("| \(name) |"), "\(name) is not in the README") }
    }
}

/// SampleBundles/workflow/: one bundle per workflow rule, each stopped or flagged at import.
@Suite("Sample bundles: the workflow rules at import")
struct WorkflowSampleTests {
    struct Expectation: Decodable {
        var outcome: String
        var codes: [String]
        var flags: [String]
    }
    static let root = repositoryRoot + "/SampleBundles"
    static let expected: [String: Expectation] = {
        let document = try! JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/expected.json"))) as! [String: Any]
        var workflow = document["workflow"] as! [String: Any]
        workflow.removeValue(forKey: "description")
        let data = try! JSONSerialization.data(withJSONObject: workflow)
        return try! JSONDecoder().decode([String: Expectation].self, from: data)
    }()

    @Test func everyWorkflowSampleIsStoppedOrFlaggedAsDocumented() throws {
        let present = try FileManager.default.contentsOfDirectory(atPath: Self.root + "/workflow").sorted()
        #expect(present == Self.expected.keys.sorted())
        let readme = try read(Self.root + "/README.md")
        let trust = try TrustStore(directory: Self.root + "/keys/trust")
        for name in present {
            #expect(readme.contains("| \(name) |"), "\(name) is not in the README")
            let dir = TemporaryDirectory()
            let store = try DistrictStore(directory: dir("store"))
            let importer = try Importer(store: store, catalog: sharedCatalog, extraTrust: trust, actor: "test", jobs: 2)
            if name == "wrong-district" {
                try store.serve(district: "南岗区", actor: "test")
            } else {
                let valid = try importer.importPaths([Self.root + "/valid"])
                #expect(valid.items.allSatisfy { $0.outcome == .new })
            }
            let item = try #require(try importer.importPaths([Self.root + "/workflow/" + name]).items.first)
            let want = try #require(Self.expected[name])
            #expect(item.outcome.rawValue == want.outcome, "\(name)")
            #expect(item.diagnostics.map(\.code.rawValue) == want.codes, "\(name): \(item.diagnostics.map(\.description))")
            #expect(item.flags.map(\.rawValue) == want.flags, "\(name)")
        }
    }
}
