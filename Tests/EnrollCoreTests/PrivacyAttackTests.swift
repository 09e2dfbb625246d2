import ArchiveKit
import CalendarDates
import Foundation
import JSONSchema
import Logging
import SampleKit
import Testing

@testable import EnrollCore

/// Log lines kept in memory, for grepping what an import logs.
final class LogBuffer: @unchecked Sendable {
    // Guarded by `lock`: the importer logs from its committing thread only, the test reads after.
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// A swift-log handler writing every level, with its metadata, into a `LogBuffer`.
struct BufferLogHandler: LogHandler {
    let buffer: LogBuffer
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        buffer.append("\(event.level) \(event.message) \(all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
    }
}

/// 200 generated families (SampleKit: fictitious names, ID numbers and phones), signed by a
/// station, imported into a district store with a trace-level log, some rejected with reasons
/// that quote the child's ID and a phone (as a careless reviewer would), one admitted.
final class GeneratedDistrict: @unchecked Sendable {
    // Built once and then only read.
    let dir: TemporaryDirectory
    let store: DistrictStore
    let plans: [SamplePlan]
    let bundles: [String]
    let log: LogBuffer
    let importReport: ImportReport
    let stationKey: SignifySecretKey
    let districtKey: SignifySecretKey
    let districtTrust: TrustStore

    static let forms = [("harbin-public-primary-2024", 120), ("beijing-local-primary-2024", 80)]
    static let seed: UInt64 = 1313

    nonisolated(unsafe) static let shared = Result { try GeneratedDistrict() }

    init() throws {
        let dir = TemporaryDirectory("generated-district")
        let log = LogBuffer()
        self.dir = dir
        self.log = log
        let station = try KeyFiles.generate(in: dir("keys"), name: "station-a")
        stationKey = try SignifySecretKey(contentsOf: station.secret)
        var plans: [SamplePlan] = []
        var bundles: [String] = []
        for (form, count) in Self.forms {
            // The same seed draws the same families SampleBundles writes.
            var generator = try SampleGenerator(form: form, schemaDirectory: sharedCatalog.directory, seed: Self.seed, imageScale: .small)
            plans += try (0..<count).map { _ in try generator.nextPlan() }
            bundles += try SampleBundles.generate(
                form: form, catalog: sharedCatalog, count: count, directory: dir("bundles"),
                signer: (stationKey, "station-a"), seed: Self.seed, scale: .small)
        }
        self.plans = plans
        self.bundles = bundles
        let store = try DistrictStore(directory: dir("store"))
        self.store = store
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: station.public), name: "station-a", source: station.public)
        let logger = Logger(label: "enroll.import") { _ in BufferLogHandler(buffer: log) }
        importReport = try Importer(store: store, catalog: sharedCatalog, extraTrust: trust, actor: "test", logger: logger)
            .importPaths([dir("bundles")])
        let summaries = Dictionary(uniqueKeysWithValues: try store.applications().map { ($0.applicationId, $0) })
        func summary(_ index: Int) throws -> ApplicationSummary {
            let info = try read(bundles[index] + "/bag-info.txt")
            let line = try #require(info.split(separator: "\n").first { $0.hasPrefix("Enroll-Application-ID: ") })
            return try #require(summaries[line.dropFirst("Enroll-Application-ID: ".count).lowercased()])
        }
        // A careless reviewer quotes the child's resident ID and a guardian's phone.
        for (index, plan) in plans.enumerated() where index % 10 == 0 && plan.idNumber.count == 18 {
            try store.review(.reject, try summary(index).collectionNumber, reasons: [
                "证件号码 \(plan.idNumber) 与户口簿不一致 / ID \(plan.idNumber) differs from the hukou book",
                "请监护人（\(plan.phones[0])）补交房产证",
            ], reviewer: "clerk")
        }
        let admitted = try summary(1).collectionNumber
        try store.review(.verify, admitted, reviewer: "clerk")
        try store.review(.admit, admitted, school: "哈尔滨市第一小学", reviewer: "clerk")
        let district = try KeyFiles.generate(in: dir("district"), name: "district", age: false)
        districtKey = try SignifySecretKey(contentsOf: district.secret)
        var districtTrust = TrustStore()
        try districtTrust.add(try SignifyPublicKey(contentsOf: district.public), name: "district", source: district.public)
        self.districtTrust = districtTrust
    }

    /// Every child's ID number.
    var idNumbers: [String] { plans.map(\.idNumber) }
    /// Every guardian's and filler's phone.
    var phones: [String] { plans.flatMap(\.phones) }
    /// Every person's name in the forms (members named `name`, of two characters or more).
    var names: [String] {
        func collect(_ value: JSONValue, _ key: String?, into names: inout Set<String>) {
            switch value {
            case .string(let text) where key == "name" && text.count >= 2: names.insert(text)
            case .array(let items): for item in items { collect(item, key, into: &names) }
            case .object(let object): for (member, item) in object { collect(item, member, into: &names) }
            default: break
            }
        }
        var names = Set<String>()
        for plan in plans { collect(plan.document, nil, into: &names) }
        return names.sorted()
    }

    /// The full ID numbers and phones found in a text.
    func leaks(in text: String) -> [String] {
        (idNumbers + phones).filter { text.contains($0) }
    }
}

/// How many resident ID numbers agree with everything one masked output row shows: the
/// masked ID's visible characters, the birth date shown (whole, year only, or not at all),
/// the sex shown, and — the attacker's best case — the exact county code, as an address
/// reveals it. The check character is computed for each candidate and must agree with a
/// visible one. Counting stops once `limit` is passed.
func residentIDCandidates(masked: String, region: String, birthShown: String?, years: ClosedRange<Int>, sexShown: String?, limit: Int = 1000) -> Int {
    let visible = Array(masked)
    guard visible.count == 18 else { return limit + 1 }
    var dates: [CalendarDate] = []
    let shownYear = birthShown.flatMap { Int($0.prefix(4)) }
    for year in shownYear.map({ $0...$0 }) ?? years {
        var date = CalendarDate(year, 1, 1)
        while date.year == year {
            if let birthShown, let full = CalendarDate(iso: birthShown) {
                if full == date { dates.append(date) }
            } else {
                dates.append(date)
            }
            date = date.adding(days: 1)
        }
    }
    var count = 0
    for date in dates {
        let birth = String(format: "%04d%02d%02d", date.year, date.month, date.day)
        for sequence in 0..<1000 {
            if let sexShown, (sequence % 2 == 1) != (sexShown == "男") { continue }
            let first17 = region + birth + String(format: "%03d", sequence)
            guard let check = ResidentID.checkCharacter(first17) else { continue }
            let candidate = Array(first17) + [check]
            if zip(candidate, visible).allSatisfy({ $1 == "*" || $0 == $1 }) {
                count += 1
                if count > limit { return count }
            }
        }
    }
    return count
}

@Suite("Privacy against an attacker: 200 generated families", .serialized)
struct PrivacyAttackTests {
    static func district() throws -> GeneratedDistrict { try GeneratedDistrict.shared.get() }

    /// The entries of a status archive, raw and decompressed.
    static func archiveBytes(_ path: String) throws -> (raw: [UInt8], entries: [String: [UInt8]]) {
        var entries: [String: [UInt8]] = [:]
        let reader = try ArchiveReader(path: path, limits: ArchiveLimits(maxEntryCount: 16, maxEntrySize: 256 << 20), root: .learnFromFirstEntry)
        while let entry = try reader.next() {
            if entry.kind == .file { entries[entry.path] = try entry.readAll() }
        }
        return (try FileIO.readAll(path), entries)
    }

    @Test func theStatusArchiveGivesNoIDNumberNamePhoneOrAnythingToEnumerate() throws {
        let district = try Self.district()
        #expect(district.importReport.counts[.new] == 200)
        let archive = district.dir("status.tar.zst")
        #expect(try StatusArchive.export(from: district.store, key: district.districtKey, district: "district", to: archive) == 200)
        let (raw, entries) = try Self.archiveBytes(archive)
        let json = try #require(entries.first { $0.key.hasSuffix("/status.json") }?.value)
        let text = String(decoding: json, as: UTF8.self)
        let rawText = String(decoding: raw, as: UTF8.self)
        for secret in district.idNumbers + district.phones + district.names {
            #expect(!text.contains(secret) && !rawText.contains(secret), "\(secret) is in the status archive")
        }
        // The reviewer's reasons quoting an ID and a phone are masked too.
        #expect(text.contains("证件号码 23****************") || text.contains("证件号码 11****************"))
        // No 6-digit run of an ID survives, except inside the collection numbers (which the
        // district assigns and the family holds): strip the random UUIDs, then every run of 6+
        // digits left must be a collection number.
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        #expect(Set(document.keys) == ["format", "version", "entries"])
        #expect(document["format"] as? String == "enroll-status" && document["version"] as? Int == 2)
        let list = try #require(document["entries"] as? [[String: Any]])
        #expect(list.count == 200)
        for entry in list {
            #expect(Set(entry.keys).isSubset(of: StatusEntry.allowedKeys), "entry keys \(entry.keys.sorted())")
        }
        var stripped = text
        for entry in list { stripped = stripped.replacingOccurrences(of: entry["applicationId"] as! String, with: "") }
        let collectionNumbers = Set(list.map { $0["collectionNumber"] as! String })
        let runs = try NSRegularExpression(pattern: "[0-9]{6,}").matches(in: stripped, range: NSRange(stripped.startIndex..., in: stripped))
            .map { String(stripped[Range($0.range, in: stripped)!]) }
        #expect(!runs.isEmpty && Set(runs).isSubset(of: collectionNumbers), "digit runs beyond collection numbers: \(Set(runs).subtracting(collectionNumbers).sorted())")
        // No digest of anything (the old childKey was SHA-256 of the ID): no 64-hex string.
        #expect(text.range(of: "[0-9a-f]{64}", options: .regularExpression) == nil)
        // The station verifies it and finds every answer without it.
        let (read, signer) = try StatusArchive.read(archive, trust: district.districtTrust)
        #expect(read.count == 200 && signer.name == "district")
    }

    @Test func aStationFindsTheAnswerByIDNumberInItsOwnRecordsOnly() throws {
        let district = try Self.district()
        let archive = district.dir("status-station.tar.zst")
        try StatusArchive.export(from: district.store, key: district.districtKey, district: "district", to: archive)
        let dir = TemporaryDirectory()
        let status = try StationStatus(directory: dir("station"))
        #expect(try status.merge(try StatusArchive.read(archive, trust: district.districtTrust).entries) == 200)
        let records = StationRecords(directory: dir("station"))
        // Two children the fixture rejected (every tenth with a resident ID).
        let rejectedIndices = district.plans.indices.filter { $0 % 10 == 0 && district.plans[$0].idNumber.count == 18 }
        let (first, second) = (rejectedIndices[1], rejectedIndices[2])
        let rejected = district.plans[first]
        // Without any record of its own, the station cannot find a child by ID number.
        #expect(try status.find(idNumber: rejected.idNumber, records: records, catalog: sharedCatalog).isEmpty)
        // A bundle the station signed and recorded is found by the ID number in its form.json.
        let bundle = district.bundles[first]
        let header = try #require(try BundleVerifier(trust: nil).verify(directory: bundle).header)
        try records.record(bundle: bundle, header: header, catalog: sharedCatalog)
        #expect(try records.records().map(\.idNumber) == [rejected.idNumber])
        #expect(FileIO.permissions(records.indexFile) == 0o600)
        let found = try status.find(idNumber: rejected.idNumber.lowercased(), records: records, catalog: sharedCatalog)
        #expect(found.map(\.applicationId) == [header.applicationID.uuidString.lowercased()])
        #expect(found.first?.status == "rejected" && found.first?.reasons.count == 2)
        // A bundle kept under bundles/ in the station directory is found without an index line.
        let kept = district.bundles[second]
        try FileManager.default.createDirectory(atPath: dir("station/bundles"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: kept, toPath: dir("station/bundles/kept"))
        let keptFound = try status.find(idNumber: district.plans[second].idNumber, records: records, catalog: sharedCatalog)
        #expect(keptFound.map(\.status) == ["rejected"])
        // By application id and collection number, as before.
        let entry = try #require(found.first)
        #expect(try status.find(entry.collectionNumber)?.applicationId == entry.applicationId)
        #expect(try status.find(String(entry.applicationId.prefix(8)))?.collectionNumber == entry.collectionNumber)
        // A damaged index names its line.
        try write(records.indexFile, "# comment\nnot a record\n")
        #expect(thrownCodes { _ = try records.records() } == ["station.index-malformed"])
    }

    @Test func anOldOrUnknownStatusFormatIsRefusedByName() throws {
        let old = Array(#"[{"applicationId": "a", "revision": 1, "status": "received", "reasons": [], "collectionNumber": "24000001", "station": "s", "form": "f", "updatedAt": "x", "childKey": "00", "childIdMasked": "23****"}]"#.utf8)
        #expect(thrownCodes { _ = try StatusArchive.decode(old, path: "old.tar.zst") } == ["archive.status-version"])
        let newer = Array(#"{"format": "enroll-status", "version": 3, "entries": []}"#.utf8)
        #expect(thrownCodes { _ = try StatusArchive.decode(newer, path: "new.tar.zst") } == ["archive.status-version"])
        #expect(thrownCodes { _ = try StatusArchive.decode(Array("{}".utf8), path: "x.tar.zst") } == ["archive.status-malformed"])
        #expect(try StatusArchive.decode(Array(#"{"format": "enroll-status", "version": 2, "entries": []}"#.utf8), path: "ok").isEmpty)
    }

    @Test func noSharedOutputHoldsAFullIDNumberOrPhone() throws {
        let district = try Self.district()
        // Logs, at trace level.
        #expect(district.log.text.contains("bundle imported"))
        #expect(district.leaks(in: district.log.text) == [])
        // Masked exports, JSON and CSV.
        let rows = try district.store.exportRows()
        #expect(rows.count == 200)
        #expect(district.leaks(in: ApplicationExport.json(rows, masked: true)) == [])
        #expect(district.leaks(in: ApplicationExport.csv(rows, masked: true)) == [])
        // …while the office's own unmasked export keeps them.
        #expect(district.leaks(in: ApplicationExport.csv(rows, masked: false)).count == district.idNumbers.count + district.phones.count)
        // review show, masked as the command shows it by default.
        for summary in try district.store.applications() {
            let shown = try district.store.detail(summary.collectionNumber).masked()
            #expect(shown.formJSON != nil)
            #expect(district.leaks(in: String(decoding: try JSONEncoder().encode(shown), as: UTF8.self)) == [])
        }
        // The import report, text and JSON lines.
        var stream = ImportJSONStream(language: .en)
        var reportText = ImportText.summary(district.importReport, .en)
        for item in district.importReport.items { reportText += ImportText.line(item) + (try stream.line(for: item)) }
        #expect(district.leaks(in: reportText) == [])
        // The audit log's details (the reviewer's reasons quote IDs and phones).
        let events = try district.store.events()
        let audit = events.map(\.detailText).joined(separator: "\n")
        #expect(audit.contains("reason.1"))
        #expect(district.leaks(in: audit) == [])
        #expect(district.leaks(in: String(decoding: try JSONEncoder().encode(events), as: UTF8.self)) == [])
    }

    @Test func validationReportsOfBundlesWhoseErrorsQuoteValuesMaskThem() throws {
        let district = try Self.district()
        let dir = TemporaryDirectory()
        // Bundles whose enum fields hold an ID number and a phone: the messages quote them.
        var generator = try SampleGenerator(form: "harbin-public-primary-2024", schemaDirectory: sharedCatalog.directory, seed: 77, imageScale: .small)
        var secrets: [String] = []
        var paths: [String] = []
        for index in 0..<5 {
            let application = try generator.next()
            guard case .object(var root) = application.document, case .object(var student)? = root["student"] else {
                Issue.record("the generated form has no student object")
                return
            }
            student["sex"] = .string(application.idNumber)
            student["ethnicity"] = .string(application.phones[0])
            root["student"] = .object(student)
            secrets += [application.idNumber, application.phones[0]]
            let path = dir("invalid-\(index)")
            let header = BundleHeader(
                form: application.form, formVersion: try sharedCatalog.form(application.form).version, applicationID: UUID(),
                revision: 1, previousRevision: nil, kind: .application)
            var items = [PayloadItem(path: BundleLayout.form, source: .bytes(Array(JSONValue.object(root).serialized(sortedKeys: false).utf8)))]
            items += application.attachments.map { PayloadItem(path: BundleLayout.attachments + $0.slot + "/" + $0.fileName, source: .bytes($0.bytes)) }
            try BundleWriter.write(header: header, items: items, to: path)
            paths.append(path)
        }
        let run = ValidationRun(
            validator: ApplicationValidator(catalog: sharedCatalog, trust: district.districtTrust), scanner: ArchiveScanner(trust: district.districtTrust), jobs: 2)
        let report = run.run(try BundleDiscovery.targets(in: paths), keepingRows: true)
        #expect(report.summary.invalid == 5)
        #expect(report.summary.errorsByCode.keys.contains { $0.hasPrefix("form.") })
        for language in [Language.zh, .en] {
            let outputs = [report.text(in: language), try report.json(in: language), report.junit(in: language)]
            for output in outputs {
                #expect(output.contains("**"), "the quoted values are there, masked")
                #expect(secrets.filter { output.contains($0) } == [])
            }
        }
    }

    @Test func noMaskedRowLetsAnIDOrPhoneBeRebuilt() throws {
        let district = try Self.district()
        let rows = try district.store.exportRows()
        var checked = 0
        for row in rows {
            let data = try #require(row.data)
            let masked = Privacy.maskPersonalData(data)
            guard let id = data.value(at: try JSONPointer(parsing: "/student/idNumber"))?.stringValue, id.count == 18 else { continue }
            let shownID = try #require(masked.value(at: try JSONPointer(parsing: "/student/idNumber"))?.stringValue)
            let birth = masked.value(at: try JSONPointer(parsing: "/student/birthDate"))?.stringValue
            let sex = masked.value(at: try JSONPointer(parsing: "/student/sex"))?.stringValue
            // The attacker knows the county code exactly (from the address) and the birth window.
            let candidates = residentIDCandidates(
                masked: shownID, region: String(id.prefix(6)), birthShown: birth, years: 2010...2020, sexShown: sex)
            #expect(candidates > 1000, "\(shownID) with birth \(birth ?? "-") leaves only \(candidates) candidates")
            checked += 1
        }
        #expect(checked >= 150, "most generated children hold resident IDs")
        for phone in district.phones {
            #expect(Privacy.maskPhone(phone).filter { $0 == "*" }.count >= 6, "a masked phone hides a million numbers")
        }
        // The check can fail: the old masking (first six and last four shown, the birth date
        // beside them) leaves exactly one candidate.
        let id = district.idNumbers.first { $0.count == 18 && $0.first?.isNumber == true }!
        let oldMask = String(id.prefix(6)) + String(repeating: "*", count: 8) + String(id.suffix(4))
        let birth = "\(id.dropFirst(6).prefix(4))-\(id.dropFirst(10).prefix(2))-\(id.dropFirst(12).prefix(2))"
        #expect(residentIDCandidates(masked: oldMask, region: String(id.prefix(6)), birthShown: birth, years: 2010...2020, sexShown: nil) == 1)
    }
}
