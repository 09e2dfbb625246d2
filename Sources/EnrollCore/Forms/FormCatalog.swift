import Foundation
import JSONSchema

/// The forms known to this installation: one `<form-id>.schema.json` per form in the schema
/// directory.
///
/// A form is compiled the first time it is needed and then kept, so a command that checks one
/// form does not pay for compiling the others; the catalog can be shared across threads.
public struct FormCatalog: Sendable {
    /// The directory the schemas were read from.
    public let directory: String
    /// The known form ids (the schema files' names), sorted.
    public let ids: [String]
    private let cache: CompiledForms
    private let today: Date

    /// Finds the forms of a schema directory.
    /// - Parameter explicit: The directory, or nil to locate it (see `SchemaDirectory`).
    /// - Throws: `EnrollError` if no schema directory is found or it cannot be read.
    public init(directory explicit: String? = nil, today: Date = Date()) throws {
        guard let directory = SchemaDirectory.locate(explicit: explicit),
              DirectoryWalker.kind(of: directory) == .directory
        else {
            throw EnrollError.io(
                .formSchemasMissing, Location(file: explicit),
                zh: "找不到表单定义目录 Schemas/。请用 --schemas 指定，或设置环境变量 ENROLL_SCHEMAS。",
                en: "The form schema directory Schemas/ was not found. Name it with --schemas or set ENROLL_SCHEMAS.")
        }
        self.directory = directory
        self.today = today
        ids = try DirectoryWalker.walk(directory)
            .filter { $0.kind == .file && !$0.path.contains("/") && $0.path.hasSuffix(".schema.json") }
            .map { String($0.path.dropLast(".schema.json".count)) }
            .sorted()
        cache = CompiledForms()
    }

    /// The form with an id, compiled on first use.
    /// - Throws: `form.unknown`, listing the known forms, if nobody knows the id;
    ///   `form.schema-invalid` if its schema is broken.
    public func form(_ id: String) throws -> Form {
        guard ids.contains(id) else {
            let known = ids.joined(separator: ", ")
            throw EnrollError.invalid(
                .formUnknown, Location(file: directory),
                zh: "未知的表单“\(id)”。可用的表单：\(known.isEmpty ? "（无）" : known)。",
                en: "Unknown form \"\(id)\". Known forms: \(known.isEmpty ? "(none)" : known).")
        }
        return try cache.form(id) {
            let path = directory + "/" + id + ".schema.json"
            let form = try Form(path: path, directory: directory, today: today)
            guard form.id == id else {
                throw EnrollError.invalid(
                    .formSchemaInvalid, Location(file: path, pointer: "/x-form/id"),
                    zh: "表单定义文件名为“\(id)”，但 x-form.id 为“\(form.id)”；两者必须相同。",
                    en: "The schema file is named \"\(id)\" but its x-form.id is \"\(form.id)\"; they must be the same.")
            }
            return form
        }
    }

    /// Every form, compiled.
    public func allForms() throws -> [Form] {
        try ids.map(form)
    }
}

/// Forms compiled so far; every member is guarded by `lock`.
private final class CompiledForms: @unchecked Sendable {
    private let lock = NSLock()
    private var forms: [String: Form] = [:]

    func form(_ id: String, compile: () throws -> Form) throws -> Form {
        lock.lock()
        defer { lock.unlock() }
        if let form = forms[id] { return form }
        let form = try compile()
        forms[id] = form
        return form
    }
}
