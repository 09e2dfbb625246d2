import Foundation

/// The forms known to this installation: one `<form-id>.schema.json` per form in the schema
/// directory, each declaring itself in its `x-form` keyword.
public struct FormCatalog: Sendable {
    /// What a form says about itself.
    public struct Entry: Sendable, Hashable {
        /// The form id.
        public var id: String
        /// The form's version.
        public var version: String
        /// The form's name.
        public var label: LocalizedText
        /// The schema file.
        public var path: String
    }

    /// The directory the schemas were read from.
    public let directory: String
    /// The forms by id.
    public let forms: [String: Entry]

    /// Reads the catalog of a schema directory.
    /// - Parameter directory: The directory, or nil to locate it (see `SchemaDirectory`).
    /// - Throws: `EnrollError` if no schema directory is found or a schema cannot be read.
    public init(directory explicit: String? = nil) throws {
        guard let directory = SchemaDirectory.locate(explicit: explicit),
              DirectoryWalker.kind(of: directory) == .directory
        else {
            throw EnrollError.io(
                "form.schemas-missing", Location(file: explicit),
                zh: "找不到表单定义目录 Schemas/。请用 --schemas 指定，或设置环境变量 ENROLL_SCHEMAS。",
                en: "The form schema directory Schemas/ was not found. Name it with --schemas or set ENROLL_SCHEMAS.")
        }
        self.directory = directory
        var forms: [String: Entry] = [:]
        for entry in try DirectoryWalker.walk(directory) where entry.kind == .file && !entry.path.contains("/") && entry.path.hasSuffix(".schema.json") {
            let path = directory + "/" + entry.path
            let data = Data(try FileIO.readAll(path))
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let form = object["x-form"] as? [String: Any],
                  let id = form["id"] as? String
            else {
                throw EnrollError.invalid(
                    "form.schema-malformed", Location(file: path),
                    zh: "表单定义不是有效的 JSON，或缺少 x-form.id。", en: "The form schema is not valid JSON or lacks x-form.id.")
            }
            let label = form["label"] as? [String: String] ?? [:]
            forms[id] = Entry(
                id: id, version: form["version"] as? String ?? "1",
                label: LocalizedText(zh: label["zh"] ?? id, en: label["en"] ?? id), path: path)
        }
        self.forms = forms
    }

    /// The entry for a form id.
    /// - Throws: `form.unknown`, listing the known forms, if nobody knows the id.
    public func entry(_ id: String) throws -> Entry {
        guard let entry = forms[id] else {
            let known = forms.keys.sorted().joined(separator: ", ")
            throw EnrollError.invalid(
                "form.unknown", Location(file: directory),
                zh: "未知的表单“\(id)”。可用的表单：\(known.isEmpty ? "（无）" : known)。",
                en: "Unknown form \"\(id)\". Known forms: \(known.isEmpty ? "(none)" : known).")
        }
        return entry
    }
}
