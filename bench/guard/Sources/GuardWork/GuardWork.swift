import EnrollCore
import Foundation
import JSONSchema

/// The work the regression guard measures: the schema engine on the real forms and on the
/// synthetic schema of bench/schema, the whole form check, and the bag hasher.
///
/// Everything is read and compiled once in ``init(repository:synthetic:)``; each ``run(_:)``
/// does only the measured work, so the benchmarks (time, allocations) and `guard-count`
/// (instructions under callgrind) measure the same code. Inputs come from the repository's
/// SampleBundles/valid (fake families, generated) and a fixed "today" (2024-06-05), so the
/// work is the same on every run and every machine.
public final class GuardWork: Sendable {
    /// A piece of measured work.
    public enum Kind: String, CaseIterable, Sendable {
        /// Validation only: the sample applications' parsed form data against their forms'
        /// compiled schemas (formats asserted).
        case schemaForms = "schema-forms"
        /// Validation only: the synthetic documents against bench/schema's generated schema.
        case schemaSynthetic = "schema-synthetic"
        /// The whole form check of `enroll validate`: strict parse with positions, schema,
        /// the form's rules and its attachment slots.
        case formCheck = "form-check"
        /// The bag validator over every sample bundle: reads and hashes every file and checks
        /// the manifests (RFC 8493).
        case bagHash = "bag-hash"
    }

    private struct FormDocument: Sendable {
        let form: Form
        let value: JSONValue
        let input: FormInput
        let root: String
    }

    private let documents: [FormDocument]
    private let synthetic: (schema: CompiledSchema, documents: [JSONValue])?
    private let bundles: [String]

    /// The repository this file is in (this file is bench/guard/Sources/GuardWork/GuardWork.swift).
    public static let defaultRepository: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Reads the inputs.
    /// - Parameters:
    ///   - repository: The enroll repository (SampleBundles/, Schemas/).
    ///   - synthetic: A directory written by `bench/schema/generate.py OUT N` (its
    ///     schema.json and docs/), or nil to leave ``Kind/schemaSynthetic`` without input.
    /// - Throws: Whatever reading or compiling the inputs throws.
    public init(repository: String = GuardWork.defaultRepository, synthetic: String? = nil) throws {
        let today = Date(timeIntervalSince1970: 1_717_552_800) // 2024-06-05T02:00:00Z
        let catalog = try FormCatalog(directory: repository + "/Schemas", today: today)
        let valid = repository + "/SampleBundles/valid"
        bundles = try FileManager.default.contentsOfDirectory(atPath: valid).sorted().map { valid + "/" + $0 }
        documents = try bundles.map { bundle in
            let info = try String(contentsOfFile: bundle + "/bag-info.txt", encoding: .utf8)
            guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Enroll-Form: ") }) else {
                throw GuardInputError(message: "\(bundle)/bag-info.txt has no Enroll-Form")
            }
            let form = try catalog.form(String(line.dropFirst("Enroll-Form: ".count)))
            let payload = try FileManager.default.subpathsOfDirectory(atPath: bundle + "/data").map { "data/" + $0 }
                .filter { path in
                    var isDirectory: ObjCBool = false
                    return FileManager.default.fileExists(atPath: bundle + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
                }
            let input = try FormInput(directory: bundle, payload: payload)
            return FormDocument(form: form, value: try JSONParser.parse(input.formJSON), input: input, root: bundle)
        }
        if let synthetic {
            let schema = try CompiledSchema.compile(
                contentsOfFile: synthetic + "/schema.json", options: SchemaOptions(formatAssertion: true))
            let names = try FileManager.default.contentsOfDirectory(atPath: synthetic + "/docs").filter { $0.hasSuffix(".json") }.sorted()
            self.synthetic = (schema, try names.map { try JSONParser.parse(contentsOfFile: synthetic + "/docs/" + $0) })
        } else {
            self.synthetic = nil
        }
    }

    /// How many inputs a round of a piece of work takes (documents, bundles): a changed input
    /// set changes the counts without any code change, so the guard compares it too.
    public func inputCount(_ kind: Kind) -> Int {
        switch kind {
        case .schemaForms, .formCheck: documents.count
        case .schemaSynthetic: synthetic?.documents.count ?? 0
        case .bagHash: bundles.count
        }
    }

    /// Does one round of a piece of work.
    /// - Returns: A count that depends on the result (errors found, files hashed), so the
    ///   work cannot be optimised away and a changed outcome shows.
    @inline(never)
    public func run(_ kind: Kind) throws -> Int {
        switch kind {
        case .schemaForms:
            return documents.reduce(0) { $0 + $1.form.schema.validate($1.value).errors.count }
        case .schemaSynthetic:
            guard let synthetic else { throw GuardInputError(message: "schema-synthetic needs --synthetic DIR (bench/schema/generate.py DIR N)") }
            return synthetic.documents.reduce(0) { $0 + synthetic.schema.validate($1).errors.count }
        case .formCheck:
            return documents.reduce(0) { $0 + FormValidator(form: $1.form).validate($1.input, root: $1.root).count }
        case .bagHash:
            return try bundles.reduce(0) { $0 + (try BagValidator().validate(directory: $1)).payloadFileCount }
        }
    }
}

/// A guard input that is missing or malformed.
public struct GuardInputError: Error, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    public var description: String { message }
}
