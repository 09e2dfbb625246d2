import AgeKit
import ArchiveKit
import Crypto
import Foundation

/// One application's status as sent back to the field.
public struct StatusEntry: Sendable, Codable, Hashable {
    public var applicationId: String
    public var revision: Int
    public var status: String
    public var reasons: [String]
    public var school: String?
    public var collectionNumber: String
    public var station: String
    public var form: String
    public var updatedAt: String
    /// SHA-256 of `applicationId:childIdNumber`, so a station can find a child by ID number
    /// without the archive carrying the number itself.
    public var childKey: String?
    /// The child's ID number, masked (`230109********0002`).
    public var childIdMasked: String?

    /// The key a station computes from an ID number to find its entry.
    public static func childKey(applicationId: String, idNumber: String) -> String {
        Hex.encode(SHA256.hash(data: Array("\(applicationId.lowercased()):\(idNumber.uppercased())".utf8)))
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
    /// - Returns: How many applications it holds.
    public static func export(
        from store: DistrictStore, key: SignifySecretKey, district: String, station: String? = nil, to output: String,
        recipients: [AgeRecipient]? = nil
    ) throws -> Int {
        let entries = try store.backend.statusRows(station: station).map { row in
            let summary = row.summary
            return StatusEntry(
                applicationId: summary.applicationId, revision: summary.revision, status: summary.status.rawValue, reasons: summary.reasons,
                school: summary.school, collectionNumber: summary.collectionNumber, station: summary.station, form: summary.form,
                updatedAt: summary.updatedAt,
                childKey: row.childID.map { StatusEntry.childKey(applicationId: summary.applicationId, idNumber: $0) },
                childIdMasked: row.childID.map(Privacy.maskIDNumber))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let json = Array(try encoder.encode(entries)) + [0x0A]
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
        try store.backend.append(AuditEntry(actor: DistrictStore.defaultActor, action: .statusExport, detail: [
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
            do {
                return (try JSONDecoder().decode([StatusEntry].self, from: Data(json)), signer)
            } catch {
                throw EnrollError.invalid(.archiveStatusMalformed, Location(file: path, entry: "status.json"), zh: "status.json 格式错误。", en: "status.json is malformed.")
            }
        }
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

    /// Finds an entry by application id (or prefix), collection number, or the child's ID number.
    public func find(_ reference: String?, idNumber: String?) throws -> StatusEntry? {
        let all = try entries().values
        if let idNumber {
            return all.first { $0.childKey == StatusEntry.childKey(applicationId: $0.applicationId, idNumber: idNumber) }
        }
        guard let reference = reference?.lowercased() else { return nil }
        return all.first { $0.collectionNumber == reference } ?? all.first { $0.applicationId.hasPrefix(reference) }
    }
}
