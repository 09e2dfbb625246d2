import Foundation
import GRDB
import JSONSchema

extension DistrictStore {
    /// The current applications with their form data, for `enroll export json|csv`.
    public struct ExportRow: Sendable {
        public var summary: ApplicationSummary
        /// The current revision's form data.
        public var data: JSONValue?
    }

    /// Every application with its current form data, by collection number.
    public func exportRows() throws -> [ExportRow] {
        try database.read { db in
            let records = try ApplicationRecord.order(Column("collection_number")).fetchAll(db)
            return try records.map { record in
                let json = try String.fetchOne(db, sql: "SELECT form_json FROM revisions WHERE digest = ?", arguments: [record.currentDigest])
                let summary = try summary(db, record)
                return ExportRow(summary: summary, data: json.flatMap { try? JSONParser.parse(Array($0.utf8)) })
            }
        }
    }

    /// Writes a stored revision back out as the original signed bundle, byte for byte.
    /// - Parameters:
    ///   - reference: The application id or collection number.
    ///   - revision: The revision number (default: the current one).
    ///   - output: The bundle directory to create.
    /// - Returns: The tag-manifest digest of the exported revision.
    @discardableResult
    public func exportBundle(_ reference: String, revision: Int? = nil, to output: String) throws -> String {
        let (digest, files): (String, [FileRecord]) = try database.read { db in
            let record = try application(db, reference)
            let digest: String
            if let revision {
                guard let found = try String.fetchOne(db, sql: """
                    SELECT digest FROM revisions WHERE application_id = ? AND revision = ?
                    ORDER BY CASE state WHEN 'current' THEN 0 WHEN 'superseded' THEN 1 ELSE 2 END LIMIT 1
                    """, arguments: [record.id, revision]) else {
                    throw EnrollError.invalid(
                        "import.unknown-revision", Location(),
                        zh: "申请 \(record.collectionNumber) 没有第 \(revision) 版。", en: "Application \(record.collectionNumber) has no revision \(revision).")
                }
                digest = found
            } else {
                digest = record.currentDigest
            }
            return (digest, try FileRecord.filter(Column("digest") == digest).fetchAll(db))
        }
        guard DirectoryWalker.kind(of: output) == nil else {
            throw EnrollError.io("io.exists", Location(file: output), zh: "目标目录已存在，不会覆盖。", en: "The target directory exists and will not be overwritten.")
        }
        let staging = (output as NSString).deletingLastPathComponent + "/." + (output as NSString).lastPathComponent + ".export-" + UUID().uuidString
        let parent = (output as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent.isEmpty ? "." : parent, withIntermediateDirectories: true)
        do {
            for file in files {
                let target = staging + "/" + file.path
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileIO.createExclusive(target, try FileIO.readAll(objectPath(file.object)))
            }
            try FileManager.default.createDirectory(atPath: staging + "/data", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: staging, toPath: output)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return digest
    }
}
