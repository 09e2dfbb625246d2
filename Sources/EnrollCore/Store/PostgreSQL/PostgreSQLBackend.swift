import Foundation
import PostgresNIO

#if canImport(Glibc)
import Glibc
#endif

/// The city store on PostgreSQL: the same tables, rules and guarantees as the embedded
/// SQLite store (``SQLiteBackend``), on a server several processes share, with the bundles'
/// files in a content-addressed objects directory on a shared mount.
///
/// - Every write is one transaction; merges of the same application, of the same child and of
///   the same guardian phone serialize on transaction-scoped advisory locks (in that order),
///   so concurrent importers and clerks never lose a decision or miss a duplicate.
/// - Collection numbers come from a counter row updated in the merge's transaction: its row
///   lock hands each number out once.
/// - A revision is keyed by its tag-manifest digest, so the same bundle imported by two
///   processes at once lands once (the second finds it stored).
/// - Imports run side by side (``lockForImport()`` takes a shared lock); each process stages
///   files in its own subdirectory of `objects/.tmp/`, and removes only the subdirectories
///   of processes that are gone.
/// - A store without a district (the usual city store) serves every district; the
///   cross-application rules (one application per child, the phone quota) run across all of
///   them. A store given a district (`enroll store init --district`) behaves as a district
///   store does (`import.wrong-district`).
public final class PostgreSQLBackend: StoreBackend, Sendable {
    /// The server, user and database.
    public let location: PostgresLocation
    /// The bundles' files (the shared objects directory).
    public let objects: ObjectStore
    let database: PostgresPool
    private let staging: StagingDirectory

    /// Connects, migrates the schema and opens the objects directory.
    /// - Parameters:
    ///   - url: `postgres://USER@HOST:PORT/DATABASE`.
    ///   - objects: The content-addressed objects directory (created if missing).
    /// - Throws: `usage.store-url` for a bad URL, `store.unavailable` when the server or the
    ///   directory cannot be reached.
    public init(url: String, objects directory: String) throws {
        location = try PostgresLocation(url: url)
        staging = try StagingDirectory(root: directory + "/.tmp")
        objects = try ObjectStore(directory: directory, temporaryDirectory: staging.path)
        database = try PostgresPool(location)
        try Self.migrate(database)
    }

    /// Applies the schema migrations not yet applied (`enroll store migrate`).
    /// - Returns: The names of the migrations applied now (empty when up to date).
    /// - Throws: `usage.store-url`, `store.unavailable` with the server's message.
    public static func migrate(url: String) throws -> [String] {
        try migrate(try PostgresPool(try PostgresLocation(url: url)))
    }

    @discardableResult
    private static func migrate(_ database: PostgresPool) throws -> [String] {
        do {
            return try PostgresSchema.migrate(database)
        } catch let error as PostgresStatementError {
            throw EnrollError.io(
                .storeUnavailable, Location(file: database.location.description),
                zh: "无法更新 PostgreSQL 库的结构（\(error.sqlState)）：\(error.message)",
                en: "Cannot migrate the PostgreSQL store's schema (\(error.sqlState)): \(error.message)")
        }
    }

    /// The names of every migration this release knows, in order.
    public static var migrationNames: [String] { PostgresSchema.migrations.map(\.name) }

    public func lockForImport() throws -> ImportLock {
        staging.sweep()
        return try ImportLock(path: staging.root + "/imports.lock", shared: true)
    }

    // MARK: Transactions

    /// A read (each statement sees what was committed when it started).
    func read<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try translate { try database.session(body) }
    }

    /// A write: one transaction, retried on serialization failures and deadlocks.
    func write<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        try translate { try database.transaction(body) }
    }

    /// A statement the server refused becomes `store.unavailable` with its message.
    private func translate<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresStatementError {
            throw EnrollError.io(
                .storeUnavailable, Location(file: location.description),
                zh: "PostgreSQL 库拒绝了操作（\(error.sqlState)）：\(error.message)",
                en: "The PostgreSQL store refused the operation (\(error.sqlState)): \(error.message)")
        }
    }
}

/// A process's own staging directory under a shared `objects/.tmp/`: `NAME/` beside
/// `NAME.lock`, whose exclusive `flock` the process holds while it lives. A subdirectory whose
/// lock nobody holds belongs to a process that is gone and is removed by ``sweep()``.
final class StagingDirectory: Sendable {
    let root: String
    let path: String
    private let descriptor: Int32

    init(root: String) throws {
        self.root = root
        let name = UUID().uuidString.lowercased()
        path = root + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        } catch {
            throw EnrollError.io(
                .storeUnavailable, Location(file: root),
                zh: "无法创建对象目录：\(error.localizedDescription)", en: "Cannot create the objects directory: \(error.localizedDescription)")
        }
        let lock = root + "/" + name + ".lock"
        let descriptor = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileIO.ioError(errno, lock, verb: ("创建", "create")) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw FileIO.ioError(errno, lock, verb: ("锁定", "lock"))
        }
        self.descriptor = descriptor
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        unlink(path + ".lock")
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// Removes the staging directories of processes that are gone.
    func sweep() {
        let own = String(path.dropFirst(root.count + 1))
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where name.hasSuffix(".lock") {
            let owner = String(name.dropLast(5))
            guard owner != own, owner != "imports" else { continue }
            let descriptor = open(root + "/" + name, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            try? FileManager.default.removeItem(atPath: root + "/" + owner)
            unlink(root + "/" + name)
            flock(descriptor, LOCK_UN)
        }
    }
}
