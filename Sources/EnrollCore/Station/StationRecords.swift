import Foundation
import JSONSchema
import SystemPackage

/// A station's own record of the bundles it signed, so that it can find a family's answer by
/// the child's ID number without the status archive carrying that number in any form.
///
/// Two places are searched (docs/FORMATS.md, "Station directory"):
/// - `<station dir>/bundles.tsv`, the index that `enroll new|revise|withdraw|sign
///   --station-dir DIR` appends to: one line per signed bundle, `applicationId`, revision,
///   kind, the child's ID number (empty when the form has none, as for a withdrawal) and the
///   bundle's absolute path, separated by tabs; `#` starts a comment. Mode 0600: it holds ID
///   numbers, like the bundles themselves.
/// - every bundle under `<station dir>/bundles/`, read when searched.
public struct StationRecords: Sendable {
    /// One line of the index.
    public struct Record: Sendable, Hashable {
        /// The application id (lower-case UUID).
        public var applicationId: String
        /// The bundle's revision.
        public var revision: Int
        /// Application or withdrawal.
        public var kind: BundleKind
        /// The child's ID number (the form's `unique` rule key), if the form has one.
        public var idNumber: String?
        /// The bundle directory when it was signed.
        public var path: String
    }

    /// The station directory.
    public let directory: String

    /// The index file (`bundles.tsv`).
    public var indexFile: String { directory + "/bundles.tsv" }

    /// The directory of bundles kept in the station directory (`bundles/`).
    public var bundlesDirectory: String { directory + "/bundles" }

    /// Opens a station directory's records (the directory need not exist until one is recorded).
    public init(directory: String) {
        self.directory = directory
    }

    /// Records a signed bundle in the index (created if missing).
    /// - Parameters:
    ///   - bundle: The bundle directory.
    ///   - header: Its header.
    ///   - catalog: The forms, to find the child's ID number in `form.json`.
    /// - Throws: `EnrollError` if the index cannot be read or written.
    public func record(bundle: String, header: BundleHeader, catalog: FormCatalog) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var records = try self.records()
        let record = Record(
            applicationId: header.applicationID.uuidString.lowercased(), revision: header.revision, kind: header.kind,
            idNumber: Self.idNumber(bundle: bundle, form: header.form, catalog: catalog), path: Self.absolute(bundle))
        records.removeAll { $0.applicationId == record.applicationId && $0.revision == record.revision }
        records.append(record)
        var text = "# enroll station bundles: applicationId, revision, kind, child ID number, path (tab-separated)\n"
        for item in records {
            text += [item.applicationId, String(item.revision), item.kind.rawValue, item.idNumber ?? "", item.path].joined(separator: "\t") + "\n"
        }
        try FileIO.replaceAtomically(indexFile, Array(text.utf8), mode: 0o600)
    }

    /// The records of the index, in file order (empty when there is no index).
    /// - Throws: `EnrollError` (`station.index-malformed`) naming the line that is not a record.
    public func records() throws -> [Record] {
        guard DirectoryWalker.kind(of: indexFile) == .file else { return [] }
        let text = String(decoding: try FileIO.readAll(indexFile), as: UTF8.self)
        var records: [Record] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, UUID(uuidString: fields[0]) != nil, let revision = Int(fields[1]),
                  let kind = BundleKind(rawValue: fields[2]), !fields[4].isEmpty
            else {
                throw EnrollError.invalid(
                    .stationIndexMalformed, Location(file: indexFile, line: index + 1),
                    zh: "本站的申请包索引这一行格式不对：应为申请编号、版本、类型、证件号码、路径五项，以制表符分隔。请改正或删除这一行（申请包本身不受影响）。",
                    en: "This line of the station's bundle index is malformed: expected application id, revision, kind, ID number and path, separated by tabs. Fix or delete the line (the bundles themselves are not affected).")
            }
            records.append(Record(applicationId: fields[0].lowercased(), revision: revision, kind: kind, idNumber: fields[3].isEmpty ? nil : fields[3], path: fields[4]))
        }
        return records
    }

    /// The applications whose child has this ID number, from the index and the bundles under
    /// `bundles/`.
    /// - Parameters:
    ///   - idNumber: The child's ID number (letters compared without case).
    ///   - catalog: The forms, to read the ID number of the bundles under `bundles/`.
    /// - Returns: The application ids, each once, sorted.
    /// - Throws: `EnrollError` if the index is malformed or `bundles/` cannot be read.
    public func applications(idNumber: String, catalog: FormCatalog) throws -> [String] {
        let wanted = idNumber.uppercased()
        var found = Set(try records().filter { $0.idNumber?.uppercased() == wanted }.map(\.applicationId))
        if DirectoryWalker.kind(of: bundlesDirectory) == .directory {
            for bundle in try BundleDiscovery.bundles(in: [bundlesDirectory]) {
                // A damaged bundle is not this child's record; the search goes on.
                guard let header = try? BundleVerifier(trust: nil).verify(directory: bundle).header,
                      Self.idNumber(bundle: bundle, form: header.form, catalog: catalog)?.uppercased() == wanted
                else { continue }
                found.insert(header.applicationID.uuidString.lowercased())
            }
        }
        return found.sorted()
    }

    /// The child's ID number in a bundle's `form.json` (the form's `unique` rule key), or nil.
    static func idNumber(bundle: String, form: String, catalog: FormCatalog) -> String? {
        guard DirectoryWalker.kind(of: bundle + "/" + BundleLayout.form) == .file,
              let form = try? catalog.form(form),
              let bytes = try? FileIO.readAll(bundle + "/" + BundleLayout.form),
              let document = try? JSONParser.parse(bytes)
        else { return nil }
        return CrossApplicationRules.facts(form: form, document: document).childID
    }

    private static func absolute(_ path: String) -> String {
        let file = FilePath(path)
        if file.isAbsolute { return file.lexicallyNormalized().string }
        return FilePath(FileManager.default.currentDirectoryPath).pushing(file).lexicallyNormalized().string
    }
}
