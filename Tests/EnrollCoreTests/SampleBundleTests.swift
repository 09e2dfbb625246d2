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
        #expect(bundles.count >= 12)
        var forms: [String: Int] = [:]
        for bundle in bundles {
            let result = try validator.validate(directory: bundle)
            #expect(result.isValid, "\(bundle): \(result.diagnostics.errors.map(\.description))")
            forms[result.header?.form ?? "", default: 0] += 1
        }
        #expect(forms.count == 4 && forms.values.allSatisfy { $0 >= 3 }, "\(forms)")
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
