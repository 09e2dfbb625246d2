import Crypto
import Foundation
import PostgresNIO
import Synchronization

@testable import EnrollCore

/// The PostgreSQL server the store tests run against: `ENROLL_TEST_POSTGRES` names its admin
/// database (`make test` starts a throw-away cluster with scripts/pg-cluster.sh and sets it).
/// Each store directory a test opens gets a database of its own, created on first use and
/// dropped when the test's temporary directory goes. A missing server fails the test.
enum PostgresTestCluster {
    static let variable = "ENROLL_TEST_POSTGRES"

    private static let admin = Mutex<PostgresPool?>(nil)
    private static let created = Mutex<[String: String]>([:])

    /// The admin URL, or an error saying how to start the cluster.
    static func adminURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment[variable], !url.isEmpty else {
            throw ClusterMissing()
        }
        return url
    }

    struct ClusterMissing: Error, CustomStringConvertible {
        var description: String {
            "The PostgreSQL store tests need a server: run `eval \"$(bash scripts/pg-cluster.sh start)\"` (it sets \(PostgresTestCluster.variable)=postgres://enroll@127.0.0.1:PORT/postgres), or use `make test`, which starts and stops one."
        }
    }

    private static func adminDatabase() throws -> PostgresPool {
        try admin.withLock { admin in
            if let admin { return admin }
            let opened = try PostgresPool(try PostgresLocation(url: try adminURL()))
            admin = opened
            return opened
        }
    }

    /// The store URL standing for a store directory: the same directory names the same
    /// database, so a second store object opened on it stands for a second process.
    static func url(for directory: String) throws -> String {
        let location = try PostgresLocation(url: try adminURL())
        let digest = SHA256.hash(data: Data(directory.utf8)).map { String(format: "%02x", $0) }.joined()
        let name = "enroll_test_" + digest.prefix(24)
        try created.withLock { created in
            guard created[directory] == nil else { return }
            try adminDatabase().session { session in
                // A generated name of hex digits: safe as an identifier.
                try session.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
            }
            created[directory] = name
        }
        var url = "postgres://\(location.user)@\(location.host):\(location.port)/\(name)"
        if location.password != nil { url = "postgres://\(location.user):\(location.password!)@\(location.host):\(location.port)/\(name)" }
        return url
    }

    /// The admin URL with another database name.
    static func url(database: String) throws -> String {
        let location = try PostgresLocation(url: try adminURL())
        return "postgres://\(location.user)@\(location.host):\(location.port)/\(database)"
    }

    /// Drops the databases of the store directories under a path (a test's temporary directory).
    static func dropDatabases(under path: String) {
        let names = created.withLock { created -> [String] in
            let keys = created.keys.filter { $0.hasPrefix(path + "/") }
            defer { for key in keys { created[key] = nil } }
            return keys.compactMap { created[$0] }
        }
        guard !names.isEmpty, let admin = try? adminDatabase() else { return }
        for name in names {
            _ = try? admin.session { try $0.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
        }
    }

    /// Runs psql against a store URL; returns its exit status and what it printed.
    static func psql(_ url: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-X", "-q", "-d", url, "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
