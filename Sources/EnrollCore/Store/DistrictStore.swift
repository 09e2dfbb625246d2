import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The district's store: a directory holding `district.sqlite` (SQLite through GRDB) and
/// `objects/`, a content-addressed store where each distinct file is kept once under its
/// SHA-256.
///
/// Every imported revision's files are kept, so any revision can be exported again byte for
/// byte and verified anew. One process writes at a time: opening takes an exclusive lock on
/// `lock`, and a second importer or reviewer is told the store is busy.
///
/// Not `Sendable`: it owns the lock's file descriptor; use it from one task.
public final class DistrictStore {
    /// The store directory.
    public let directory: String
    let database: DatabaseQueue
    private let lockDescriptor: Int32

    /// Opens a store, creating it if the directory is new, and migrates its schema.
    /// - Parameter directory: The store directory.
    /// - Throws: `EnrollError` if the directory cannot be created, another process holds the
    ///   store, or the database cannot be opened.
    public init(directory: String) throws {
        self.directory = directory
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: directory + "/objects", withIntermediateDirectories: true)
            try fileManager.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        } catch {
            throw EnrollError.io(
                "import.store-unavailable", Location(file: directory),
                zh: "无法创建数据库目录：\(error.localizedDescription)", en: "Cannot create the store directory: \(error.localizedDescription)")
        }
        let descriptor = open(directory + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw EnrollError.io(
                "import.store-busy", Location(file: directory),
                zh: "另一个 enroll 进程正在使用此数据库。请等它结束后再试。",
                en: "Another enroll process is using this store. Wait for it to finish and try again.")
        }
        lockDescriptor = descriptor
        // Anything left in tmp/ belongs to a run that was killed; it holds nothing committed.
        for name in (try? fileManager.contentsOfDirectory(atPath: directory + "/tmp")) ?? [] {
            try? fileManager.removeItem(atPath: directory + "/tmp/" + name)
        }
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            database = try DatabaseQueue(path: directory + "/district.sqlite", configuration: configuration)
            try StoreSchema.migrator.migrate(database)
        } catch {
            flock(descriptor, LOCK_UN)
            close(descriptor)
            throw EnrollError.io(
                "import.store-unavailable", Location(file: directory + "/district.sqlite"),
                zh: "无法打开数据库：\(error)", en: "Cannot open the store's database: \(error)")
        }
    }

    deinit {
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    // MARK: Objects

    /// Where an object lives.
    func objectPath(_ digest: String) -> String {
        directory + "/objects/" + digest.prefix(2) + "/" + digest
    }

    /// Where a new object goes, its directory made; nil when the object is already stored.
    private func newObjectPath(_ digest: String) throws -> String? {
        let target = objectPath(digest)
        if FileManager.default.fileExists(atPath: target) { return nil }
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        return target
    }

    /// Puts a file into the object store under its SHA-256 (known from the bag's manifest and
    /// checked again while copying), durably: temporary file, fsync, rename. An object already
    /// present is left as it is.
    /// - Parameters:
    ///   - source: The file to copy.
    ///   - digest: Its SHA-256.
    /// - Throws: `EnrollError` if the file cannot be copied or its content does not match.
    func storeObject(from source: String, digest: String) throws {
        guard let target = try newObjectPath(digest) else { return }
        let temporary = directory + "/tmp/" + UUID().uuidString
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard output >= 0 else { throw FileIO.ioError(errno, temporary, verb: ("创建", "create")) }
        var hasher = MultiHasher([.sha256])
        do {
            defer { close(output) }
            try FileIO.stream(source) { chunk in
                hasher.update(chunk)
                var offset = 0
                while offset < chunk.count {
                    let written = write(output, chunk.baseAddress! + offset, chunk.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FileIO.ioError(errno, temporary, verb: ("写入", "write"))
                    }
                    offset += written
                }
            }
            guard fsync(output) == 0 else { throw FileIO.ioError(errno, temporary, verb: ("写入", "write")) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard hasher.finalize()[.sha256] == digest else {
            unlink(temporary)
            throw EnrollError.invalid(
                "import.object-changed", Location(file: source),
                zh: "文件在导入过程中被改动（SHA-256 与清单不符），未导入。", en: "The file changed during the import (its SHA-256 no longer matches the manifest); it was not imported.")
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileIO.ioError(code, target, verb: ("写入", "write"))
        }
    }

    /// Moves a file of this import's own archive extraction into the object store under its
    /// SHA-256, durably: read-only mode, fsync, rename. The file was written by the extractor
    /// into the store's private `tmp/` (mode 0700, under the store's lock) and hashed there
    /// by the verification that precedes this call, so it is not hashed again. An object
    /// already present is left as it is (the file stays behind, removed with the staging
    /// directory).
    /// - Throws: `EnrollError` (I/O) if the file cannot be synced or moved.
    func adoptObject(at source: String, digest: String) throws {
        guard let target = try newObjectPath(digest) else { return }
        let file = open(source, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { throw FileIO.ioError(errno, source, verb: ("读取", "read")) }
        defer { close(file) }
        guard fchmod(file, 0o444) == 0, fsync(file) == 0 else { throw FileIO.ioError(errno, source, verb: ("写入", "write")) }
        guard rename(source, target) == 0 else { throw FileIO.ioError(errno, target, verb: ("写入", "write")) }
    }

    // MARK: Trust

    /// The trusted station keys and revocations recorded in the store.
    public func trustStore() throws -> TrustStore {
        try database.read { db in
            var store = TrustStore()
            for key in try TrustKeyRecord.fetchAll(db) {
                try store.add(SignifyPublicKey(bytes: Array(key.publicKey.utf8)), name: key.station, source: "store")
            }
            for revocation in try RevocationRecord.fetchAll(db) {
                if let id = KeyID(revocation.keyID) { store.revoke(id, reason: revocation.reason) }
            }
            return store
        }
    }

    /// A trusted key as listed by `enroll trust list`.
    public struct TrustedKey: Sendable, Codable {
        public var keyId: String
        public var station: String
        public var addedAt: String
        public var addedBy: String
        public var note: String
        public var revokedAt: String?
        public var revokedBy: String?
        public var reason: String?
    }

    /// Adds a station's public key to the district's trust.
    /// - Parameters:
    ///   - key: The public key.
    ///   - station: The station's name.
    ///   - actor: Who adds it.
    ///   - note: Why, or any remark.
    public func trust(_ key: SignifyPublicKey, station: String, actor: String, note: String) throws {
        try database.write { db in
            if let existing = try TrustKeyRecord.fetchOne(db, key: key.keyID.description), existing.station != station {
                throw EnrollError.invalid(
                    "sig.trust-duplicate", Location(),
                    zh: "密钥 \(key.keyID) 已属于站点“\(existing.station)”。", en: "Key \(key.keyID) already belongs to station \"\(existing.station)\".")
            }
            try TrustKeyRecord(
                keyID: key.keyID.description, station: station, publicKey: String(decoding: key.fileContents, as: UTF8.self),
                addedAt: Self.now(), addedBy: actor, note: note
            ).save(db)
            try Self.log(db, actor: actor, application: nil, action: "trust.add", detail: ["keyId": key.keyID.description, "station": station, "note": note])
        }
    }

    /// Revokes a key: bundles signed with it are quarantined from now on.
    public func revoke(_ keyID: KeyID, actor: String, reason: String) throws {
        try database.write { db in
            try RevocationRecord(keyID: keyID.description, revokedAt: Self.now(), revokedBy: actor, reason: reason).save(db)
            try Self.log(db, actor: actor, application: nil, action: "trust.revoke", detail: ["keyId": keyID.description, "reason": reason])
        }
    }

    /// Every key the store knows, with who added or revoked it, when and why.
    public func trustedKeys() throws -> [TrustedKey] {
        try database.read { db in
            let revocations = Dictionary(uniqueKeysWithValues: try RevocationRecord.fetchAll(db).map { ($0.keyID, $0) })
            return try TrustKeyRecord.order(Column("station")).fetchAll(db).map { key in
                let revocation = revocations[key.keyID]
                return TrustedKey(
                    keyId: key.keyID, station: key.station, addedAt: key.addedAt, addedBy: key.addedBy, note: key.note,
                    revokedAt: revocation?.revokedAt, revokedBy: revocation?.revokedBy, reason: revocation?.reason)
            }
        }
    }

    // MARK: Audit log

    /// The audit log, oldest first.
    /// - Parameter application: Only events about this application, if given.
    public func events(application: String? = nil) throws -> [AuditEvent] {
        try database.read { db in
            var request = AuditEvent.order(Column("seq"))
            if let application { request = request.filter(Column("application_id") == application) }
            return try request.fetchAll(db)
        }
    }

    static func log(_ db: Database, actor: String, application: String?, action: String, detail: [String: String]) throws {
        let data = try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys, .withoutEscapingSlashes])
        let event = AuditEvent(seq: nil, at: now(), actor: actor, applicationID: application, action: action, detail: String(decoding: data, as: UTF8.self))
        try event.insert(db)
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }

    /// The name recorded for actions by the person at the keyboard.
    public static var defaultActor: String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["USER"] ?? environment["LOGNAME"], !user.isEmpty { return user }
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(getuid())"
    }
}
