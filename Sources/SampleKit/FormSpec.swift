import CalendarDates
import JSONSchema
import EnrollCore
import Foundation

/// Errors raised while loading a form or generating samples.
public enum SampleError: Error, Sendable, CustomStringConvertible {
    /// The form id is not one this generator knows how to fill.
    case unsupportedForm(String)
    /// A schema file could not be read or parsed.
    case schema(String)
    /// A `requiredIf` schema uses a keyword the tiny evaluator does not implement.
    case unsupportedKeyword(String, slot: String)
    /// An attachment could not be made to fit its slot's constraints.
    case attachment(String)
    /// Unique values (IDs, phones) could not be drawn after many tries.
    case exhausted(String)

    public var description: String {
        switch self {
        case let .unsupportedForm(f): return "unsupported form \(f)"
        case let .schema(m): return "schema: \(m)"
        case let .unsupportedKeyword(k, slot): return "requiredIf of slot \(slot) uses unsupported keyword \(k)"
        case let .attachment(m): return "attachment: \(m)"
        case let .exhausted(m): return "could not draw a unique \(m)"
        }
    }
}

/// One `x-attachments` slot of a form.
public struct AttachmentSlot: Sendable {
    /// Slot id, e.g. `student-photo`.
    public var id: String
    /// Whether the slot always needs files.
    public var required: Bool
    /// A JSON Schema on the whole document; when it holds the slot is required.
    public var requiredIf: CompiledSchema?
    /// Minimum number of files.
    public var minCount: Int
    /// Maximum number of files.
    public var maxCount: Int
    /// Allowed media types (`image/jpeg`, `image/png`, `application/pdf`).
    public var mediaTypes: [String]
    /// Maximum bytes per file.
    public var maxBytes: Int
    /// Exact pixel size required of a JPEG (student photo), if any.
    public var pixelSize: (width: Int, height: Int)?

    /// Whether the slot is required for this document (`required`, or `requiredIf` validates).
    public func isRequired(for document: JSONValue) throws -> Bool {
        if required { return true }
        guard let schema = requiredIf else { return false }
        return schema.isValid(document)
    }
}

/// What the generator needs from a form schema: attachment slots, birth window and a few enums.
public struct FormSpec: Sendable {
    /// The form id (`x-form.id`).
    public var id: String
    /// Region (`harbin` or `beijing`).
    public var region: String
    /// First eligible birth date (`birth-date-window` rule).
    public var birthFrom: CalendarDate
    /// Last eligible birth date.
    public var birthTo: CalendarDate
    /// Attachment slots in schema order.
    public var slots: [AttachmentSlot]
    /// Whether `commitment.privacyPolicyAccepted` exists in this form.
    public var hasPrivacyPolicy: Bool
    /// Schools of 香坊区 (Harbin form only).
    public var xiangfangSchools: [String]

    /// Loads `<schemaDirectory>/<form>.schema.json` (and `defs/harbin.json` for the Harbin form).
    public static func load(form: String, schemaDirectory: String) throws -> FormSpec {
        func read(_ path: String) throws -> JSONValue {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SampleError.schema("cannot read \(path)")
            }
            do { return try JSONValue.parse(Array(data)) } catch { throw SampleError.schema("\(path): \(error)") }
        }
        let dir = schemaDirectory.hasSuffix("/") ? String(schemaDirectory.dropLast()) : schemaDirectory
        let root = try read("\(dir)/\(form).schema.json")
        guard let xform = root["x-form"], xform["id"]?.stringValue == form,
              let region = xform["region"]?.stringValue else {
            throw SampleError.schema("\(form): x-form.id/region missing or different")
        }
        var from: CalendarDate?, to: CalendarDate?
        for rule in root["x-rules"]?.arrayValue ?? [] where rule["rule"]?.stringValue == "birth-date-window" {
            from = rule["params"]?["from"]?.stringValue.flatMap { CalendarDate(iso: $0) }
            to = rule["params"]?["to"]?.stringValue.flatMap { CalendarDate(iso: $0) }
        }
        guard let birthFrom = from, let birthTo = to, birthFrom <= birthTo else {
            throw SampleError.schema("\(form): no birth-date-window rule")
        }
        var slots: [AttachmentSlot] = []
        for a in root["x-attachments"]?.arrayValue ?? [] {
            guard let id = a["id"]?.stringValue, let minC = a["minCount"]?.intValue, let maxC = a["maxCount"]?.intValue,
                  let maxB = a["maxBytes"]?.intValue, let types = a["mediaTypes"]?.arrayValue else {
                throw SampleError.schema("\(form): malformed attachment slot")
            }
            var px: (Int, Int)?
            if let p = a["pixelSize"], let w = p["width"]?.intValue, let h = p["height"]?.intValue { px = (w, h) }
            slots.append(AttachmentSlot(id: id, required: a["required"]?.boolValue ?? false, requiredIf: try a["requiredIf"].map { try CompiledSchema.compile($0) },
                                        minCount: minC, maxCount: maxC, mediaTypes: types.compactMap(\.stringValue),
                                        maxBytes: maxB, pixelSize: px))
        }
        let privacy = root.at(pointer: "/properties/commitment/properties/privacyPolicyAccepted") != nil
        var schools: [String] = []
        if region == "harbin" {
            let defs = try read("\(dir)/defs/harbin.json")
            schools = defs.at(pointer: "/$defs/xiangfangSchool/enum")?.arrayValue?.compactMap(\.stringValue) ?? []
            if schools.isEmpty { throw SampleError.schema("defs/harbin.json: no xiangfangSchool enum") }
        }
        return FormSpec(id: form, region: region, birthFrom: birthFrom, birthTo: birthTo, slots: slots,
                        hasPrivacyPolicy: privacy, xiangfangSchools: schools)
    }
}

