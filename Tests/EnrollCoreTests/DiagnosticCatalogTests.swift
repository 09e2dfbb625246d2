import Foundation
import Testing

@testable import EnrollCore

/// One catalog of codes: docs/FORMATS.md, the `DiagnosticCode` members and the sources agree.
@Suite("Diagnostic code catalog")
struct DiagnosticCatalogTests {
    static let catalogFile = repositoryRoot + "/Sources/EnrollCore/Diagnostics/DiagnosticCodes.swift"

    /// The members the catalog file declares: name → code.
    static func members() throws -> [String: String] {
        let text = try read(catalogFile)
        let pattern = try NSRegularExpression(pattern: #"public static let (\w+) = DiagnosticCode\("([^"]+)"\)"#)
        var members: [String: String] = [:]
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            members[String(text[Range(match.range(at: 1), in: text)!])] = String(text[Range(match.range(at: 2), in: text)!])
        }
        return members
    }

    /// The codes docs/FORMATS.md's table lists (its first column).
    static func documented() throws -> [String] {
        let text = try read(repositoryRoot + "/docs/FORMATS.md")
        let section = try #require(text.range(of: "## Problem codes")).upperBound
        return text[section...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "`" })
        }
    }

    /// Every Swift source file of the targets that raise diagnostics.
    static func sources() throws -> [(path: String, text: String)] {
        try ["EnrollCore", "enroll", "SampleKit", "EnrollWeb", "StationWeb", "DistrictWeb"].flatMap { target in
            try DirectoryWalker.walk(repositoryRoot + "/Sources/" + target).filter { $0.kind == .file && $0.path.hasSuffix(".swift") }.map {
                let path = repositoryRoot + "/Sources/" + target + "/" + $0.path
                return (path, try read(path))
            }
        }
    }

    @Test func theDocsListExactlyTheCatalog() throws {
        let members = try Self.members()
        #expect(members.count == DiagnosticCode.all.count, "every member is in `all`")
        #expect(Set(members.values) == Set(DiagnosticCode.all.map(\.rawValue)))
        let documented = try Self.documented()
        #expect(documented.count == Set(documented).count, "a code is documented once")
        let expected = Set(members.values).union(DiagnosticCode.familyPatterns)
        #expect(Set(documented).subtracting(expected).sorted() == [], "documented but not in the catalog")
        #expect(expected.subtracting(documented).sorted() == [], "in the catalog but not documented")
    }

    @Test func everyMemberIsUsedAndNoSourceTypesACode() throws {
        let members = try Self.members()
        let sources = try Self.sources().filter { !$0.path.hasSuffix("/DiagnosticCodes.swift") && !$0.path.hasSuffix("/DiagnosticCode.swift") }
        var unused: [String] = []
        for (name, code) in members.sorted(by: { $0.key < $1.key }) {
            let used = sources.contains { $0.text.range(of: #"\.\#(name)\b"#, options: .regularExpression) != nil }
            if !used { unused.append(code) }
        }
        #expect(unused == [], "documented in the catalog but raised nowhere")
        let families = "bag|sig|form|attachment|archive|import|store|review|crypt|print|sheet|web|io|usage|schema|sample"
        let literal = try NSRegularExpression(pattern: #""(?:\#(families))\.[a-z][a-z0-9.-]*""#)
        var typed: [String] = []
        for source in sources where !source.path.hasSuffix("/StoreVocabulary.swift") {
            for match in literal.matches(in: source.text, range: NSRange(source.text.startIndex..., in: source.text)) {
                typed.append("\(source.path.dropFirst(repositoryRoot.count + 1)): \(source.text[Range(match.range, in: source.text)!])")
            }
        }
        #expect(typed == [], "codes are catalog members, never strings at the call site")
    }

    @Test func theCheckersCatchWhatTheyAreFor() throws {
        // The literal pattern finds a typed code and leaves file names alone.
        let families = "bag|sig|form"
        let literal = try NSRegularExpression(pattern: #""(?:\#(families))\.[a-z][a-z0-9.-]*""#)
        let sample = #"throw EnrollError.invalid("bag.made-up", x); let name = "data/form.json""#
        #expect(literal.numberOfMatches(in: sample, range: NSRange(sample.startIndex..., in: sample)) == 1)
        // A family code is built from its part and documented by its pattern.
        #expect(DiagnosticCode.format("cn-mobile").rawValue == "form.format.cn-mobile")
        #expect(DiagnosticCode.rule("district-match").rawValue == "form.rule.district-match")
        #expect(DiagnosticCode.schemaKeyword("maxItems").family == "form")
    }
}

// Tests compare codes with their stable strings.
extension DiagnosticCode: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
}
