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
            throw Self.unavailable(error, path: path)
        }
    }

    /// Why the database could not be opened, in words that say what to do: a full disk, a file
    /// that is not (or no longer) a store database, or one this user may not write.
    static func unavailable(_ error: any Error, path: String) -> EnrollError {
        let code = (error as? DatabaseError)?.resultCode
        let (zh, en): (String, String)
        if code == .SQLITE_FULL {
            zh = "数据库所在的磁盘已满，无法打开（\(error)）。请腾出空间后重新运行；已存储的数据不受影响。"
            en = "The disk holding the store's database is full, so it cannot be opened (\(error)). Free some space and run the command again; nothing stored is lost."
        } else if code == .SQLITE_NOTADB || code == .SQLITE_CORRUPT {
            zh = "该文件不是 enroll 的数据库，或已损坏（\(error)）。请检查 --store 是否指向数据库目录；若已损坏，请从备份恢复。"
            en = "This file is not an enroll store database, or it is damaged (\(error)). Check that --store names the store directory; if it is damaged, restore it from a backup."
        } else if code == .SQLITE_READONLY || code == .SQLITE_PERM || code == .SQLITE_CANTOPEN || code == .SQLITE_AUTH {
            zh = "无法以读写方式打开数据库（\(error)）。请检查该目录和文件的权限，以及磁盘是否以只读方式挂载。"
            en = "The store's database cannot be opened for reading and writing (\(error)). Check the permissions of the directory and its files, and whether the disk is mounted read-only."
        } else {
            zh = "无法打开数据库：\(error)"
            en = "Cannot open the store's database: \(error)"
        }
        return EnrollError.io(.storeUnavailable, Location(file: path), zh: zh, en: en)
    }

    public func lockForImport() throws -> ImportLock {
        let lock = try ImportLock(path: directory + "/lock")
        // Anything left in tmp/ belongs to an import that was killed; it holds nothing committed.
        objects.clearTemporaryFiles()
        return lock
    }
}
