import Foundation
import JSONSchema

/// The forms known to this installation: one `<form-id>.schema.json` per form in the schema
/// directory, each compiled once with enroll's formats.
public struct FormCatalog: Sendable {
    /// The directory the schemas were read from.
    public let directory: String
    /// The forms by id.
    public let forms: [String: Form]

    /// Reads and compiles every form of a schema directory.
    /// - Parameter explicit: The directory, or nil to locate it (see `SchemaDirectory`).
    /// - Throws: `EnrollError` if no schema directory is found or a schema is broken.
    public init(directory explicit: String? = nil, today: Date = Date()) throws {
        guard let directory = SchemaDirectory.locate(explicit: explicit),
              DirectoryWalker.kind(of: directory) == .directory
        else {
            throw EnrollError.io(
                "form.schemas-missing", Location(file: explicit),
                zh: "找不到表单定义目录 Schemas/。请用 --schemas 指定，或设置环境变量 ENROLL_SCHEMAS。",
                en: "The form schema directory Schemas/ was not found. Name it with --schemas or set ENROLL_SCHEMAS.")
        }
        self.directory = directory
        var forms: [String: Form] = [:]
        for entry in try DirectoryWalker.walk(directory)
        where entry.kind == .file && !entry.path.contains("/") && entry.path.hasSuffix(".schema.json") {
            let form = try Form(path: directory + "/" + entry.path, directory: directory, today: today)
            forms[form.id] = form
        }
        self.forms = forms
    }

    /// The form with an id.
    /// - Throws: `form.unknown`, listing the known forms, if nobody knows the id.
    public func form(_ id: String) throws -> Form {
        guard let form = forms[id] else {
            let known = forms.keys.sorted().joined(separator: ", ")
            throw EnrollError.invalid(
                "form.unknown", Location(file: directory),
                zh: "未知的表单“\(id)”。可用的表单：\(known.isEmpty ? "（无）" : known)。",
                en: "Unknown form \"\(id)\". Known forms: \(known.isEmpty ? "(none)" : known).")
        }
        return form
    }
}
