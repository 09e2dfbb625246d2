import Foundation
import JSONSchema

/// An application as the printed documents show it: its form, its data and what the
/// district or the station knows about it.
public struct PrintedApplication: Sendable {
    /// One attachment slot that holds files.
    public struct Attachment: Sendable, Hashable {
        /// The slot's label in both languages, from the form.
        public var label: LocalizedText
        /// How many files it holds.
        public var count: Int
    }

    /// The form the data was filled in on.
    public var form: Form
    /// The form data.
    public var data: JSONValue
    /// The application ID.
    public var applicationID: String
    /// The collection number (信息采集编号), once the district gave one.
    public var collectionNumber: String?
    /// The review status, when known (the district's store or the station's status copy).
    public var status: ApplicationStatus?
    /// The school admitted to.
    public var school: String?
    /// The station that submitted it.
    public var station: String
    /// The revision.
    public var revision: Int
    /// When it was submitted (the bundle's Bagging-Date, or the district's last update).
    public var submittedOn: String
    /// The attachment slots holding files, in the form's order.
    public var attachments: [Attachment]

    /// The application district (所在区), from the form's `applicationDistrict` field.
    public var district: String {
        guard let pointer = form.applicationDistrict, let value = Self.value(at: pointer, in: data)?.stringValue else { return "" }
        return value
    }

    /// The child's name (`/student/name`).
    public var childName: String { Self.value(at: JSONPointer(tokens: ["student", "name"]), in: data)?.stringValue ?? "" }

    /// The child's ID number (`/student/idNumber`).
    public var childIDNumber: String { Self.value(at: JSONPointer(tokens: ["student", "idNumber"]), in: data)?.stringValue ?? "" }

    /// Whether the form is for children without a Beijing hukou, whose collection form may
    /// be printed only after 审核通过 (seeds 002 and 003).
    public var needsVerificationBeforeCollectionForm: Bool { form.id.hasPrefix("beijing-nonlocal-") }

    static func value(at pointer: JSONPointer, in data: JSONValue) -> JSONValue? {
        var current: JSONValue? = data
        for token in pointer.tokens {
            if let array = current?.arrayValue, let index = Int(token), array.indices.contains(index) {
                current = array[index]
            } else {
                current = current?[token]
            }
        }
        return current
    }

    // MARK: Loading

    /// An application from the district store (its current revision).
    /// - Throws: `store.unknown-application`, `form.unknown`, or
    ///   `form.json-malformed` when the stored data is not JSON.
    public static func fromStore(_ store: DistrictStore, reference: String, catalog: FormCatalog) throws -> PrintedApplication {
        let detail = try store.detail(reference)
        let summary = detail.summary
        let form = try catalog.form(summary.form)
        let data = try parse(detail.formJSON ?? "{}", source: "store:\(summary.collectionNumber)")
        let stored = try? store.backend.storedRevision(summary.applicationId, revision: nil)
        return PrintedApplication(
            form: form, data: data, applicationID: summary.applicationId, collectionNumber: summary.collectionNumber,
            status: summary.status, school: summary.school, station: summary.station, revision: summary.revision,
            submittedOn: String(detail.revisions.first { $0.revision == summary.revision }?.importedAt.prefix(10) ?? summary.updatedAt.prefix(10)),
            attachments: attachments(of: form, paths: stored?.files.map(\.path) ?? []))
    }

    /// An application from a signed bundle directory at the station, with the district's
    /// answer for it from the station directory's status copy when there is one.
    /// - Parameters:
    ///   - bundle: the bundle directory.
    ///   - stationDirectory: the station's working directory, or nil.
    ///   - catalog: the forms.
    /// - Throws: the bundle's integrity problems (`bag.*`), `sig.missing` for an unsigned
    ///   draft, `form.unknown`.
    public static func fromBundle(_ bundle: String, stationDirectory: String?, catalog: FormCatalog) throws -> PrintedApplication {
        let verification = try BundleVerifier(trust: nil).verify(directory: bundle)
        guard verification.isValid, let header = verification.header else { throw EnrollError(verification.diagnostics.filter { $0.severity == .error }) }
        guard verification.isSigned, let station = header.station else {
            throw EnrollError.invalid(
                .sigMissing, Location(file: bundle),
                zh: "申请包尚未签名（草稿），不能打印回执或采集表。请先在采集点用 enroll sign 提交。",
                en: "The bundle is not signed (a draft); no receipt or form can be printed for it. Submit it at the station with enroll sign first.")
        }
        let form = try catalog.form(header.form)
        let data = try parse(String(decoding: try FileIO.readAll(bundle + "/" + BundleLayout.form), as: UTF8.self), source: bundle + "/" + BundleLayout.form)
        let infoFile = bundle + "/bag-info.txt"
        let (info, _) = BagInfo.parse(TagFileText(bytes: try FileIO.readAll(infoFile), file: infoFile), file: infoFile)
        let files = try DirectoryWalker.walk(bundle + "/data/attachments").filter { $0.kind == .file }.map { "data/attachments/" + $0.path }
        let id = header.applicationID.uuidString.lowercased()
        let answer = try stationDirectory.map { try StationStatus(directory: $0).entries()[id] } ?? nil
        return PrintedApplication(
            form: form, data: data, applicationID: id, collectionNumber: answer?.collectionNumber,
            status: answer.flatMap { ApplicationStatus(rawValue: $0.status) }, school: answer?.school, station: station,
            revision: header.revision, submittedOn: info["Bagging-Date"] ?? "", attachments: attachments(of: form, paths: files))
    }

    private static func parse(_ text: String, source: String) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(text.utf8))
        } catch {
            throw EnrollError.invalid(
                .formJsonMalformed, Location(file: source),
                zh: "表单数据不是有效的 JSON：\(error)", en: "The form data is not valid JSON: \(error)")
        }
    }

    /// The slots holding files (`data/attachments/<slot>/<n>.<ext>`), in the form's order.
    static func attachments(of form: Form, paths: [String]) -> [Attachment] {
        var counts: [String: Int] = [:]
        for path in paths where path.hasPrefix(BundleLayout.attachments) {
            let slot = path.dropFirst(BundleLayout.attachments.count).split(separator: "/").first.map(String.init) ?? ""
            counts[slot, default: 0] += 1
        }
        var result = form.slots.compactMap { slot in counts[slot.id].map { Attachment(label: slot.label, count: $0) } }
        let known = Set(form.slots.map(\.id))
        for slot in counts.keys.sorted() where !known.contains(slot) {
            result.append(Attachment(label: LocalizedText(zh: slot, en: slot), count: counts[slot]!))
        }
        return result
    }
}
