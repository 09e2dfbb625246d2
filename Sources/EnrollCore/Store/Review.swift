import Foundation
import GRDB

/// An application as review commands show it.
public struct ApplicationSummary: Sendable, Codable {
    public var applicationId: String
    public var collectionNumber: String
    public var form: String
    public var status: String
    public var revision: Int
    public var station: String
    public var school: String?
    public var reasons: [String]
    public var flags: [String]
    public var updatedAt: String
}

/// The review states and the moves between them.
public enum ReviewAction: String, Sendable, CaseIterable {
    /// Documents checked and correct: received → verified.
    case verify
    /// Put back to received for a closer look, with a reason.
    case hold
    /// Rejected with reasons (驳回).
    case reject
    /// Admitted to a school (录取).
    case admit

    /// The status the action leads to.
    var target: String {
        switch self {
        case .verify: "verified"
        case .hold: "received"
        case .reject: "rejected"
        case .admit: "admitted"
        }
    }

    /// The statuses the action may start from.
    var allowedFrom: Set<String> {
        switch self {
        case .verify: ["received", "rejected"]
        case .hold: ["received", "verified", "rejected"]
        case .reject: ["received", "verified"]
        case .admit: ["verified"]
        }
    }
}

extension DistrictStore {
    /// Finds an application by its id, a unique id prefix, or its 8-digit collection number.
    /// - Throws: `import.unknown-application` if none or several match.
    func application(_ db: Database, _ reference: String) throws -> ApplicationRecord {
        let key = reference.lowercased()
        if let found = try ApplicationRecord.filter(Column("collection_number") == key).fetchOne(db) { return found }
        let matches = try ApplicationRecord.filter(Column("id").like(key + "%")).limit(2).fetchAll(db)
        guard matches.count == 1 else {
            throw EnrollError.invalid(
                "import.unknown-application", Location(),
                zh: matches.isEmpty ? "找不到申请“\(reference)”（可用申请编号或 8 位采集编号）。" : "“\(reference)”对应多个申请，请写完整的申请编号。",
                en: matches.isEmpty
                    ? "No application \"\(reference)\" (use the application id or the 8-digit collection number)."
                    : "\"\(reference)\" matches several applications; give the full application id.")
        }
        return matches[0]
    }

    func summary(_ db: Database, _ record: ApplicationRecord) throws -> ApplicationSummary {
        let flags = try String.fetchAll(db, sql: "SELECT DISTINCT flag FROM flags WHERE application_id = ? ORDER BY flag", arguments: [record.id])
        let reasons = (try? JSONSerialization.jsonObject(with: Data(record.reasons.utf8)) as? [String]) ?? []
        return ApplicationSummary(
            applicationId: record.id, collectionNumber: record.collectionNumber, form: record.form, status: record.status,
            revision: record.currentRevision, station: record.station, school: record.school, reasons: reasons, flags: flags,
            updatedAt: record.updatedAt)
    }

    /// The applications, optionally only those with a status or a flag, by collection number.
    public func applications(status: String? = nil, flag: String? = nil) throws -> [ApplicationSummary] {
        try database.read { db in
            var request = ApplicationRecord.order(Column("collection_number"))
            if let status { request = request.filter(Column("status") == status) }
            if let flag {
                request = request.filter(sql: "id IN (SELECT application_id FROM flags WHERE flag = ?)", arguments: [flag])
            }
            return try request.fetchAll(db).map { try summary(db, $0) }
        }
    }

    /// One application in full: its summary, every revision, every flag, the current form data.
    public struct ApplicationDetail: Sendable, Codable {
        public struct Revision: Sendable, Codable {
            public var revision: Int
            public var digest: String
            public var kind: String
            public var state: String
            public var station: String
            public var keyId: String
            public var importedAt: String
            public var source: String
        }
        public struct Flag: Sendable, Codable {
            public var flag: String
            public var detail: String
            public var createdAt: String
        }
        public var summary: ApplicationSummary
        public var revisions: [Revision]
        public var flags: [Flag]
        /// The current revision's form data (UTF-8 JSON).
        public var formJSON: String?
    }

    /// One application in full.
    public func detail(_ reference: String) throws -> ApplicationDetail {
        try database.read { db in
            let record = try application(db, reference)
            let revisions = try RevisionRecord.filter(Column("application_id") == record.id).order(Column("revision"), Column("imported_at")).fetchAll(db)
            let flags = try FlagRecord.filter(Column("application_id") == record.id).order(Column("created_at")).fetchAll(db)
            return ApplicationDetail(
                summary: try summary(db, record),
                revisions: revisions.map {
                    .init(revision: $0.revision, digest: $0.digest, kind: $0.kind, state: $0.state, station: $0.station,
                          keyId: $0.keyID, importedAt: $0.importedAt, source: $0.source)
                },
                flags: flags.map { .init(flag: $0.flag, detail: $0.detail, createdAt: $0.createdAt) },
                formJSON: revisions.first { $0.digest == record.currentDigest }?.formJSON)
        }
    }

    /// Records a review decision as an event in the audit log.
    /// - Parameters:
    ///   - action: verify, hold, reject or admit.
    ///   - reference: The application id or collection number.
    ///   - reasons: Why (required to reject or hold).
    ///   - school: The school (required to admit).
    ///   - reviewer: Who decides.
    /// - Returns: The application after the decision.
    /// - Throws: `import.review-*` codes when the move is not allowed or details are missing.
    @discardableResult
    public func review(
        _ action: ReviewAction, _ reference: String, reasons: [String] = [], school: String? = nil, reviewer: String
    ) throws -> ApplicationSummary {
        try database.write { db in
            var record = try application(db, reference)
            guard action.allowedFrom.contains(record.status) else {
                throw EnrollError.invalid(
                    "import.review-not-allowed", Location(),
                    zh: "申请 \(record.collectionNumber) 当前状态为“\(Self.statusText(record.status).zh)”，不能执行“\(action.rawValue)”。",
                    en: "Application \(record.collectionNumber) is \(record.status); \(action.rawValue) is not allowed from there.")
            }
            if (action == .reject || action == .hold) && reasons.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                throw EnrollError.io(
                    "import.review-reason-missing", Location(),
                    zh: "驳回或暂缓必须写明理由（--reason），家长会看到这些理由。", en: "Rejecting or holding needs reasons (--reason); the family will see them.")
            }
            if action == .admit && (school ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw EnrollError.io("import.review-school-missing", Location(), zh: "录取必须写明学校（--school）。", en: "Admitting needs the school (--school).")
            }
            let previous = record.status
            record.status = action.target
            record.updatedAt = DistrictStore.now()
            switch action {
            case .reject, .hold:
                let data = try JSONSerialization.data(withJSONObject: reasons, options: [.withoutEscapingSlashes])
                record.reasons = String(decoding: data, as: UTF8.self)
            case .verify:
                record.reasons = "[]"
            case .admit:
                record.school = school
                record.reasons = "[]"
            }
            try record.update(db)
            var detail = ["from": previous, "to": record.status, "revision": String(record.currentRevision)]
            if !reasons.isEmpty { detail["reasons"] = reasons.joined(separator: " | ") }
            if let school { detail["school"] = school }
            try DistrictStore.log(db, actor: reviewer, application: record.id, action: "review.\(action.rawValue)", detail: detail)
            return try summary(db, record)
        }
    }

    /// What a status means to the family.
    public static func statusText(_ status: String) -> LocalizedText {
        switch status {
        case "received", "verified": LocalizedText(zh: "审核中", en: "under review")
        case "rejected": LocalizedText(zh: "驳回", en: "rejected")
        case "admitted": LocalizedText(zh: "录取", en: "admitted")
        case "withdrawn": LocalizedText(zh: "已撤销", en: "withdrawn")
        default: LocalizedText(zh: status, en: status)
        }
    }
}
