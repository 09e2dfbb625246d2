import Foundation
import GRDB

/// The embedded district store: a directory holding `district.sqlite` (SQLite through GRDB, in
/// WAL mode) and `objects/`, the content-addressed files of every stored revision.
///
/// Readers never wait: the database is a `DatabasePool`, so listing, reviewing, exporting and
/// reading the log go on from other processes while an import writes. Writes are short
/// transactions (one per bundle, one per decision); a writer that finds the database busy
/// waits for up to ten seconds. Only imports take the store's lock file (``lockForImport()``),
/// which also guards `tmp/`, the import's private staging directory.
public final class SQLiteBackend: StoreBackend, Sendable {
    /// The store directory.
    public let directory: String
    /// The bundles' files.
    public let objects: ObjectStore
    let database: DatabasePool

    /// The database file's name inside the store directory.
    public static let databaseName = "district.sqlite"

    /// Opens a store, creating it if the directory is new, and migrates its schema.
    /// - Parameter directory: The store directory.
    /// - Throws: `store.unavailable` if the directory or the database cannot be opened.
    public init(directory: String) throws {
        self.directory = directory
        objects = try ObjectStore(directory: directory + "/objects", temporaryDirectory: directory + "/tmp")
        let path = directory + "/" + Self.databaseName
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.busyMode = .timeout(10)
            database = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(database)
        } catch {
            throw EnrollError.io(
                .storeUnavailable, Location(file: path),
                zh: "无法打开数据库：\(error)", en: "Cannot open the store's database: \(error)")
        }
    }

    public func lockForImport() throws -> ImportLock {
        let lock = try ImportLock(path: directory + "/lock")
        // Anything left in tmp/ belongs to an import that was killed; it holds nothing committed.
        objects.clearTemporaryFiles()
        return lock
    }
}
