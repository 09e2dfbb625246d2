import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import EnrollCore

/// A tree to validate: signed bundles, a tampered one, something that is not a bundle, and a
/// transfer archive of two bundles.
struct MixedTree {
    let dir: TemporaryDirectory
    let station: StationFixture
    let validator: ApplicationValidator
    /// The targets in the order they are given.
    let targets: [CheckTarget]

    init(_ dir: TemporaryDirectory) throws {
        self.dir = dir
        station = try StationFixture(dir)
        validator = ApplicationValidator(catalog: try FormCatalog(directory: try makeTestSchemas(in: dir)), trust: station.trust)
        let good = try Self.signedBundle(station, dir("tree/good"))
        let tampered = try Self.signedBundle(station, dir("tree/tampered"))
        try write(tampered + "/data/form.json", #"{"student": {"name": "改过了"}}"#)
        try write(dir("tree/not-a-bundle"), "hello")
        let packer = try Packer(key: station.key, station: "station-01", extraTrust: nil, jobs: 1)
        let packed = try packer.pack(
            bundles: [try Self.signedBundle(station, dir("day/a")), try Self.signedBundle(station, dir("day/b"))], to: dir("day.tar.zst"), format: .tarZstd)
        #expect(packed.refused.isEmpty)
        targets = [.bundle(good), .archive(dir("day.tar.zst")), .bundle(tampered), .bundle(dir("tree/not-a-bundle"))]
    }

    /// A signed revision 1 of the test form, without attachments (the test form has no slots).
    static func signedBundle(_ station: StationFixture, _ path: String) throws -> String {
        try BundleOperations().create(
            form: "test-form", formVersion: "2024.1", data: station.dir("form.json"), attachments: [], directory: path, signer: station.signer)
        return path
    }

    func run(keepingRows: Bool = true, jobs: Int = 4, onEvent: (ValidationRun.Event) -> Void = { _ in }) -> ValidationReport {
        ValidationRun(validator: validator, scanner: ArchiveScanner(trust: station.trust), jobs: jobs)
            .run(targets, keepingRows: keepingRows, onEvent: onEvent)
    }
}

@Suite("Validation report")
struct ReportTests {
    @Test func rowsArriveInInputOrderWithArchivesBeforeTheirBundles() throws {
        let dir = TemporaryDirectory()
        let tree = try MixedTree(dir)
        var events: [String] = []
        let report = tree.run { event in
            switch event {
            case .archive(let archive): events.append("archive " + PathName(archive.path).lastComponent)
            case .bundle(let bundle): events.append((bundle.isValid ? "ok " : "bad ") + PathName(bundle.path).lastComponent)
            }
        }
        #expect(events == ["ok good", "archive day.tar.zst", "ok a", "ok b", "bad tampered", "bad not-a-bundle"])
        #expect(report.bundles.map { PathName($0.path).lastComponent } == ["good", "a", "b", "tampered", "not-a-bundle"])
        #expect(report.summary.bundles == 5)
        #expect(report.summary.valid == 3)
        #expect(report.summary.invalid == 2)
        #expect(report.summary.archives == 1)
        #expect(report.summary.invalidArchives == 0)
        #expect(report.summary.errorsByCode["bag.checksum-mismatch"] == 1)
        #expect(report.summary.bytes > 0)
        #expect(!report.isValid)
    }

    @Test func withoutRowsOnlyTheSummaryIsKept() throws {
        let dir = TemporaryDirectory()
        let tree = try MixedTree(dir)
        let kept = tree.run(keepingRows: true, jobs: 1)
        let streamed = tree.run(keepingRows: false)
        #expect(streamed.bundles.isEmpty)
        #expect(streamed.archives.isEmpty)
        var counts = streamed.summary
        counts.seconds = kept.summary.seconds
        #expect(counts == kept.summary)
    }

    @Test func jsonHasDesignSectionEightsShape() throws {
        let dir = TemporaryDirectory()
        let tree = try MixedTree(dir)
        let report = tree.run()
        let json = try JSONSerialization.jsonObject(with: Data(try report.json(in: .en).utf8)) as! [String: Any]
        #expect(Set(json.keys) == ["summary", "bundles", "archives"])
        let summary = json["summary"] as! [String: Any]
        #expect(Set(summary.keys) == ["bundles", "valid", "invalid", "errorsByCode", "archives", "invalidArchives", "bytes", "seconds"])
        #expect(summary["bundles"] as? Int == 5)
        #expect(summary["valid"] as? Int == 3)
        #expect(summary["invalid"] as? Int == 2)
        #expect((summary["errorsByCode"] as? [String: Int])?["bag.checksum-mismatch"] == 1)

        let bundles = json["bundles"] as! [[String: Any]]
        let good = bundles[0]
        #expect(Set(good.keys) == ["path", "applicationId", "form", "revision", "kind", "valid", "signer", "errors", "warnings"])
        #expect(good["form"] as? String == "test-form")
        #expect(good["revision"] as? Int == 1)
        #expect(good["valid"] as? Bool == true)
        #expect((good["applicationId"] as? String).flatMap(UUID.init(uuidString:)) != nil)
        #expect(good["signer"] as? [String: String] == ["station": "station-01", "keyId": tree.station.key.keyID.description])

        let tampered = bundles[3]
        #expect(tampered["valid"] as? Bool == false)
        let error = (tampered["errors"] as! [[String: Any]]).first { $0["code"] as? String == "bag.checksum-mismatch" }!
        #expect(Set(["code", "location", "message", "severity", "messages"]).isSubset(of: Set(error.keys)))
        #expect(error["location"] as? String == dir("tree/tampered/data/form.json"))
        #expect(error["severity"] as? String == "error")

        let unreadable = bundles[4]
        #expect(unreadable["applicationId"] == nil)
        #expect(unreadable["valid"] as? Bool == false)

        let archive = (json["archives"] as! [[String: Any]])[0]
        #expect(archive["path"] as? String == dir("day.tar.zst"))
        #expect(archive["bundles"] as? Int == 2)
        #expect(archive["valid"] as? Bool == true)
        #expect(archive["station"] as? String == "station-01")
    }

    @Test func junitParsesWithACaseForEveryBundleAndArchive() throws {
        let dir = TemporaryDirectory()
        let report = try MixedTree(dir).run()
        let parsed = try JUnitDocument(report.junit(in: .en))
        #expect(parsed.suites == [
            .init(name: "bundles", tests: 5, failures: 2), .init(name: "archives", tests: 1, failures: 0),
        ])
        #expect(parsed.rootTests == 6)
        #expect(parsed.rootFailures == 2)
        #expect(parsed.cases.map(\.name) == report.bundles.map(\.path) + [dir("day.tar.zst")])
        #expect(parsed.cases.map(\.classname) == ["test-form", "test-form", "test-form", "test-form", "bundle", "archive"])
        let tampered = parsed.cases[3]
        #expect(Set(tampered.failureTypes) == ["bag.checksum-mismatch", "bag.oxum-mismatch"])
        #expect(parsed.cases[0].failureTypes.isEmpty)
    }

    @Test func junitEscapesMarkupAndControlCharacters() throws {
        var report = ValidationReport(keepingRows: true)
        let diagnostic = Diagnostic.error(
            "form.required", Location(file: "a&b/<c>", pointer: "/x"), zh: "第一行\n第二行 \"引号\" \u{1}", en: "line one\nline two \"quoted\" \u{1}")
        report.record(BundleCheck(path: "a&b/<c>", diagnostics: [diagnostic]))
        let parsed = try JUnitDocument(report.junit(in: .en))
        #expect(parsed.cases.map(\.name) == ["a&b/<c>"])
        #expect(parsed.cases[0].failureMessages == ["line one\nline two \"quoted\" "])
        #expect(parsed.cases[0].failureTexts == ["a&b/<c> /x: line one\nline two \"quoted\" "])
    }

    @Test func textReportAndSummaryLines() throws {
        let dir = TemporaryDirectory()
        let tree = try MixedTree(dir)
        let report = tree.run()
        let keyID = tree.station.key.keyID
        let lines = report.text(in: .en).split(separator: "\n").map(String.init)
        #expect(lines.first == "OK    archive \(dir("day.tar.zst")): 2 bundles, batch signed by station-01")
        #expect(lines.contains { $0.hasPrefix("OK    \(dir("tree/good"))  test-form ") && $0.hasSuffix(" r1 (station-01 \(keyID))") })
        #expect(lines.contains("FAIL  \(dir("tree/tampered"))  test-form \(report.bundles[3].header!.applicationID.uuidString.lowercased()) r1 (station-01 \(keyID))"))
        #expect(lines.contains("FAIL  \(dir("tree/not-a-bundle"))"))
        #expect(lines.contains { $0.contains("bag.checksum-mismatch") })
        #expect(lines.last!.hasPrefix("5 bundles: 3 valid, 2 invalid, 1 archives (0 invalid); "))
        #expect(report.summary.line(in: .zh).hasPrefix("共 5 个申请包：3 个通过，2 个失败，1 个归档（0 个有问题）；"))
        #expect(ValidationReport.verdict(true, in: .zh) == "通过")
        #expect(ValidationReport.verdict(false, in: .en) == "FAIL")
    }
}

/// A JUnit document read back with Foundation's XML parser (libxml2 underneath), as a CI
/// system reads it.
struct JUnitDocument {
    struct Suite: Equatable {
        var name: String
        var tests: Int
        var failures: Int
    }

    struct Case {
        var classname: String
        var name: String
        var failureTypes: [String] = []
        var failureMessages: [String] = []
        var failureTexts: [String] = []
    }

    var rootTests = -1
    var rootFailures = -1
    var suites: [Suite] = []
    var cases: [Case] = []

    init(_ xml: String) throws {
        let delegate = Collector()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = delegate
        guard parser.parse() else { throw parser.parserError ?? CocoaError(.coderReadCorrupt) }
        self = delegate.document
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var document = JUnitDocument(empty: ())
        var text: String?

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "testsuites":
                document.rootTests = Int(attributes["tests"] ?? "") ?? -1
                document.rootFailures = Int(attributes["failures"] ?? "") ?? -1
            case "testsuite":
                document.suites.append(Suite(name: attributes["name"] ?? "", tests: Int(attributes["tests"] ?? "") ?? -1, failures: Int(attributes["failures"] ?? "") ?? -1))
            case "testcase":
                document.cases.append(Case(classname: attributes["classname"] ?? "", name: attributes["name"] ?? ""))
            case "failure":
                document.cases[document.cases.count - 1].failureTypes.append(attributes["type"] ?? "")
                document.cases[document.cases.count - 1].failureMessages.append(attributes["message"] ?? "")
                text = ""
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            text? += string
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "failure", let text {
                document.cases[document.cases.count - 1].failureTexts.append(text)
                self.text = nil
            }
        }
    }

    private init(empty: Void) {}
}
