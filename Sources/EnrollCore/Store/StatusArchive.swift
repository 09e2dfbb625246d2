import AgeKit
import ArchiveKit
import Foundation

/// One application's status as sent back to the field: the family's answer and how to find
/// it, and nothing that identifies the child.
///
/// There is no name, ID number (masked or hashed) or phone here: a station finds an entry by
/// application ID or collection number, or by ID number through its own records
/// (``StationRecords``). ``allowedKeys`` is the whole JSON shape.
public struct StatusEntry: Sendable, Codable, Hashable {
    public var applicationId: String
    public var revision: Int
    public var status: String
    /// The reviewer's reasons for a rejection (documents and numbers in them masked).
    public var reasons: [String]
    public var school: String?
    public var collectionNumber: String
    public var station: String
    public var form: String
    public var updatedAt: String
    /// What the family is told, in the seeds' words for its form (``FamilyAnswer``), first the
    /// status line; the admitting school's address and contacts come from the district's list.
    public var answer: [LocalizedText]?
    /// Beijing 2025's 授权 status (`granted`, `revoked`), absent when never granted.
    public var authorization: AuthorizationStatus?

    /// Creates an entry.
    public init(
        applicationId: String, revision: Int, status: String, reasons: [String], school: String?, collectionNumber: String,
        station: String, form: String, updatedAt: String
    ) {
        self.applicationId = applicationId
        self.revision = revision
        self.status = status
        self.reasons = reasons
        self.school = school
        self.collectionNumber = collectionNumber
        self.station = station
        self.form = form
        self.updatedAt = updatedAt
    }

    /// Every key an entry of `status.json` may have (version 2).
    public static let allowedKeys: Set<String> = [
        "applicationId", "revision", "status", "reasons", "school", "collectionNumber", "station", "form", "updatedAt", "answer", "authorization",
    ]
}

/// The document `status.json` holds: `{"format": "enroll-status", "version": 2, "entries": […]}`.
///
/// Version 1 (a bare array whose entries carried `childIdMasked` and `childKey`) let every ID
/// number be recovered by enumerating birth dates; it is refused (`archive.status-version`).
public struct StatusDocument: Sendable, Codable, Hashable {
    /// The format's name.
    public static let formatName = "enroll-status"
    /// The version this release writes and reads.
    public static let currentVersion = 2

    public var format: String
    public var version: Int
    public var entries: [StatusEntry]

    /// A current-version document.
    public init(entries: [StatusEntry]) {
        format = Self.formatName
        version = Self.currentVersion
        self.entries = entries
    }
}

/// Status archives: the district's answers, signed by the district key, carried back to the
/// stations on USB.
///
/// The archive is a tar.zst holding `status-<date>/status.json` and `status.json.sig` (signify,
/// by the district key).
public enum StatusArchive {
    /// Writes the status archive of every application (or one station's).
    /// - Parameter recipients: When set, the archive is encrypted to these age recipients (a
    ///   station's `.age.pub`) while it is written; only ciphertext reaches the disk.
    /// - Parameter actor: Who exports, for the audit log (the desk passes the clerk's account).
    /// - Returns: How many applications it holds.
    public static func export(
        from store: DistrictStore, key: SignifySecretKey, district: String, station: String? = nil, to output: String,
        recipients: [AgeRecipient]? = nil, actor: String = DistrictStore.defaultActor
    ) throws -> Int {
        let schools = Dictionary(try store.backend.schools().map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let entries = try store.backend.statusRows(station: station).map { row in
            let summary = row.summary
            // The child's ID (row.childID) never leaves the district, not even masked or hashed.
            var entry = StatusEntry(
                applicationId: summary.applicationId, revision: summary.revision, status: summary.status.rawValue,
                reasons: summary.reasons.map(Privacy.maskText), school: summary.school, collectionNumber: summary.collectionNumber,
                station: summary.station, form: summary.form, updatedAt: summary.updatedAt)
            entry.answer = FamilyAnswer.lines(
                form: summary.form, status: summary.status, reasons: entry.reasons, school: summary.school,
                info: summary.school.flatMap { schools[$0] }, authorization: summary.authorization)
            entry.authorization = summary.authorization
            return entry
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = Array(try encoder.encode(StatusDocument(entries: entries))) + [0x0A]
        let signature = try key.sign(json).fileContents(publicKeyName: district + ".pub")
        let root = TransferFormat.batchName(for: output)
        do {
            let writer = try ArchiveWriter(
                creatingAt: output, format: .tarZstd, encoding: recipients.map { ArchiveEncryption.encoding(to: $0) })
            try writer.addDirectory(root)
            try writer.addData(root + "/status.json", json)
            try writer.addData(root + "/status.json.sig", signature)
            try writer.commit()
        } catch {
            throw error.enrollError(archive: output)
        }
        try store.backend.append(AuditEntry(actor: actor, action: .statusExport, detail: [
            "archive": output, "count": String(entries.count), "station": station ?? "all", "keyId": key.keyID.description,
        ]))
        return entries.count
    }

    /// Reads and verifies a status archive.
    /// - Parameter identities: The keys that decrypt an encrypted (age) status archive while
    ///   it streams; an encrypted archive without them is refused (`crypt.identity-required`).
    /// - Returns: The entries and who signed them.
    /// - Throws: `EnrollError` if the archive is damaged, cannot be decrypted, or is not
    ///   signed by a trusted district key.
    public static func read(
        _ path: String, trust: TrustStore, identities: [AgeIdentity]? = nil
    ) throws -> (entries: [StatusEntry], signer: TrustStore.Entry) {
        var json: [UInt8]?
        var signature: [UInt8]?
        do {
            let reader = try ArchiveEncryption.openReader(
                path, identities: identities, limits: ArchiveLimits(maxEntryCount: 16, maxEntrySize: 256 << 20), root: .learnFromFirstEntry
            ).reader
            while let entry = try reader.next() {
                if entry.path.hasSuffix("/status.json") { json = try entry.readAll() }
                else if entry.path.hasSuffix("/status.json.sig") { signature = try entry.readAll() }
                else if entry.kind == .file { try entry.readData { _ in } }
            }
        } catch {
            throw (error as? ArchiveError)?.enrollError(archive: path) ?? error
        }
        guard let json, let signature else {
            throw EnrollError.invalid(
                .archiveStatusMalformed, Location(file: path),
                zh: "这不是 enroll 的状态归档（缺少 status.json 或其签名）。", en: "This is not an enroll status archive (status.json or its signature is missing).")
        }
        let location = Location(file: path, entry: "status.json.sig")
        switch trust.verify(try SignifySignature(bytes: signature, path: path), message: json, location: location) {
        case .rejected(let diagnostic):
            throw EnrollError([diagnostic])
        case .trusted(let signer):
            return (try decode(json, path: path), signer)
        }
    }

    /// Decodes a signed `status.json`, refusing another format or version by name.
    static func decode(_ json: [UInt8], path: String) throws -> [StatusEntry] {
        let location = Location(file: path, entry: "status.json")
        struct Probe: Decodable {
            var format: String?
            var version: Int?
        }
        if (try? JSONDecoder().decode([StatusEntry].self, from: Data(json))) != nil {
            throw EnrollError.invalid(
                .archiveStatusVersion, location,
                zh: "这是旧版（第 1 版）状态归档，其中带有可被还原的儿童证件号码，不再接受。请区教育局用当前版本的 enroll 重新导出。",
                en: "This is a version 1 status archive, which carries child ID numbers that can be recovered; it is no longer accepted. Ask the district office to export it again with the current enroll.")
        }
        if let probe = try? JSONDecoder().decode(Probe.self, from: Data(json)), probe.format == StatusDocument.formatName,
           let version = probe.version, version != StatusDocument.currentVersion {
            throw EnrollError.invalid(
                .archiveStatusVersion, location,
                zh: "状态归档为第 \(version) 版，本程序只读第 \(StatusDocument.currentVersion) 版。请升级本站的 enroll，或请区教育局用相同版本导出。",
                en: "The status archive is version \(version); this program reads version \(StatusDocument.currentVersion) only. Update this station's enroll, or ask the district office to export with the same version.")
        }
        guard let document = try? JSONDecoder().decode(StatusDocument.self, from: Data(json)),
              document.format == StatusDocument.formatName, document.version == StatusDocument.currentVersion
        else {
            throw EnrollError.invalid(.archiveStatusMalformed, location, zh: "status.json 格式错误。", en: "status.json is malformed.")
        }
        return document.entries
    }
}

/// A station's copy of the district's answers (`<station dir>/status.json`).
public struct StationStatus {
    /// The station directory.
    public let directory: String

    /// Opens a station directory (created if missing).
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    private var file: String { directory + "/status.json" }

    /// The entries held, by application id.
    public func entries() throws -> [String: StatusEntry] {
        guard FileManager.default.fileExists(atPath: file) else { return [:] }
        let list = try JSONDecoder().decode([StatusEntry].self, from: Data(try FileIO.readAll(file)))
        return Dictionary(list.map { ($0.applicationId, $0) }, uniquingKeysWith: { $1 })
    }

    /// Merges newer entries from a verified status archive; returns how many changed.
    public func merge(_ incoming: [StatusEntry]) throws -> Int {
        var current = try entries()
        var changed = 0
        for entry in incoming {
            if let held = current[entry.applicationId], held.updatedAt > entry.updatedAt { continue }
            if current[entry.applicationId] != entry { changed += 1 }
            current[entry.applicationId] = entry
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileIO.replaceAtomically(file, Array(try encoder.encode(current.values.sorted { $0.collectionNumber < $1.collectionNumber })))
        return changed
    }

    /// Finds an entry by application id (or prefix) or collection number.
    /// - Parameter reference: The application id, a prefix of it, or the collection number.
    /// - Returns: The entry, or nil when the station holds no answer for it.
    public func find(_ reference: String) throws -> StatusEntry? {
        let all = try entries().values
        let reference = reference.lowercased()
        return all.first { $0.collectionNumber == reference } ?? all.first { $0.applicationId.hasPrefix(reference) }
    }

    /// Finds the entries of the applications the station's own records hold for a child's ID
    /// number (``StationRecords/applications(idNumber:catalog:)``).
    /// - Returns: The answers held for those applications, newest first.
    public func find(idNumber: String, records: StationRecords, catalog: FormCatalog) throws -> [StatusEntry] {
        let all = try entries()
        return try records.applications(idNumber: idNumber, catalog: catalog).compactMap { all[$0] }
            .sorted { $0.updatedAt > $1.updatedAt }
    }
}
