import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Where a PostgreSQL store is: a `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` URL.
public struct PostgresLocation: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    /// Whether a store location names a PostgreSQL database (`postgres://` or `postgresql://`).
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Parses a store URL. The password may also come from `PGPASSWORD`.
    /// - Throws: `usage.store-url` when the URL lacks a user, a host or a database.
    public init(url: String) throws {
        guard Self.isPostgres(url), let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else { throw Self.badURL(url) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw Self.badURL(url) }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password?.removingPercentEncoding ?? ProcessInfo.processInfo.environment["PGPASSWORD"]
        self.database = database.removingPercentEncoding ?? database
    }

    /// The same server and user, another database.
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL without its password, for messages.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    private static func badURL(_ url: String) -> EnrollError {
        EnrollError.usage(
            .usageStoreURL, Location(file: url.replacingOccurrences(of: #":[^:@/]*@"#, with: "@", options: .regularExpression)),
            zh: "PostgreSQL 库地址应为 postgres://用户@主机:端口/数据库，例如 postgres://enroll@127.0.0.1:5432/enroll。",
            en: "A PostgreSQL store is named postgres://USER@HOST:PORT/DATABASE, for example postgres://enroll@127.0.0.1:5432/enroll.")
    }
}

/// A small pool of PostgreSQL connections for synchronous callers.
///
/// The store's protocols are synchronous, so every call waits (`EventLoopFuture.wait()`) on
/// an event loop group this pool owns: a blocking caller never blocks NIO's own threads nor a
/// Swift-concurrency thread the pool needs. Connections are opened on demand
/// (`PostgresConnection.connect(on:configuration:id:logger:)`), kept idle up to a few, and
/// each transaction holds one connection for its whole length, so desk requests and importer
/// threads run side by side.
final class PostgresPool: Sendable {
    let location: PostgresLocation
    private let group: MultiThreadedEventLoopGroup
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    private let logger: Logger
    /// Idle connections kept; more may be open while busy.
    private static let idleLimit = 8

    /// Connects once to check the server answers.
    /// - Throws: `store.unavailable` with the server's or the network's message.
    init(_ location: PostgresLocation) throws {
        self.location = location
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "enroll.postgres")
        logger.logLevel = .critical
        self.logger = logger
        do {
            try release(try connect())
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    deinit {
        for connection in idle.withLock({ $0 }) { _ = try? connection.close().wait() }
        try? group.syncShutdownGracefully()
    }

    private func connect() throws -> PostgresConnection {
        let configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        do {
            return try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: nextID.add(1, ordering: .relaxed).oldValue, logger: logger
            ).wait()
        } catch {
            throw EnrollError.io(
                .storeUnavailable, Location(file: location.description),
                zh: "无法连接 PostgreSQL 库：\(Self.message(error))。请检查服务器是否运行、地址和用户是否正确。",
                en: "Cannot connect to the PostgreSQL store: \(Self.message(error)). Check that the server runs and the address and user are right.")
        }
    }

    private func acquire() throws -> PostgresConnection {
        if let connection = idle.withLock({ $0.popLast() }), !connection.isClosed { return connection }
        return try connect()
    }

    private func release(_ connection: PostgresConnection) throws {
        guard !connection.isClosed else { return }
        let kept = idle.withLock { list -> Bool in
            guard list.count < Self.idleLimit else { return false }
            list.append(connection)
            return true
        }
        if !kept { _ = try? connection.close().wait() }
    }

    /// Runs `body` on one connection outside a transaction (each statement its own).
    func session<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try acquire()
        let session = PostgresSession(connection: connection, logger: logger, location: location)
        do {
            let result = try body(session)
            try release(connection)
            return result
        } catch {
            try? release(connection)
            throw error
        }
    }

    /// Runs `body` in one transaction (READ COMMITTED; the writers serialize what they must
    /// with row and advisory locks), committed when it returns, rolled back when it throws.
    /// A transaction the server aborts as a serialization failure (40001) or a deadlock
    /// (40P01) runs again from the start, up to five times.
    func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try session { session in
                    try session.execute("BEGIN")
                    do {
                        let result = try body(session)
                        try session.execute("COMMIT")
                        return result
                    } catch {
                        _ = try? session.execute("ROLLBACK")
                        throw error
                    }
                }
            } catch let error as PostgresStatementError where error.isRetryable && attempt < 5 {
                continue
            }
        }
    }

    /// The server's message for an error, or the error itself.
    static func message(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return String(describing: underlying) }
            return error.code.description
        }
        return String(describing: error)
    }
}

/// A statement the server refused, with its SQLSTATE and message.
struct PostgresStatementError: Error, CustomStringConvertible {
    var sqlState: String
    var message: String
    var statement: String

    /// A serialization failure or a deadlock: the whole transaction may run again.
    var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }
    var description: String { "\(sqlState) \(message)" }
}

/// One connection lent to a caller: statements with bound parameters, rows decoded by name.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    let location: PostgresLocation

    /// Runs a statement and returns its rows.
    /// - Throws: `PostgresStatementError` for a statement the server refused (so a
    ///   transaction can be retried), `store.unavailable` when the connection failed.
    func rows(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        do {
            return try connection.query(query, logger: logger).wait().rows.map { $0.makeRandomAccess() }
        } catch {
            throw failure(error, query)
        }
    }

    /// A refused statement as ``PostgresStatementError``; anything else (the connection, the
    /// network) as `store.unavailable`.
    private func failure(_ error: any Error, _ query: PostgresQuery) -> any Error {
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return PostgresStatementError(sqlState: state, message: error.serverInfo?[.message] ?? "", statement: query.sql)
        }
        return EnrollError.io(
            .storeUnavailable, Location(file: location.description),
            zh: "与 PostgreSQL 库的连接出错：\(PostgresPool.message(error))。",
            en: "The connection to the PostgreSQL store failed: \(PostgresPool.message(error)).")
    }

    /// Runs a statement for its effect; returns the number of rows it touched.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        do {
            return try connection.query(query, logger: logger).wait().metadata.rows ?? 0
        } catch {
            throw failure(error, query)
        }
    }

    /// The first row, or nil.
    func first(_ query: PostgresQuery) throws -> PostgresRandomAccessRow? { try rows(query).first }

    /// Takes a transaction-scoped advisory lock (`pg_advisory_xact_lock(int, int)`): held until
    /// the transaction ends. `space` keeps applications, children and phones apart.
    func lock(_ space: AdvisorySpace, _ key: String) throws {
        try execute("SELECT pg_advisory_xact_lock(\(space.rawValue), hashtext(\(key)))")
    }
}

/// The name spaces of the advisory locks the writers take, in the order they take them: an
/// application first, then its child, then its guardian phones (sorted), then a station's
/// collection number, so two writers never wait on each other in a circle (a hash collision
/// that makes them is a deadlock the server breaks, and the transaction runs again).
enum AdvisorySpace: Int32 {
    case application = 1
    case child = 2
    case phone = 3
    case migration = 4
    case collectionNumber = 5
    case trustKey = 6
}

extension PostgresRandomAccessRow {
    /// The column `name` decoded as `T`.
    func value<T: PostgresDecodable>(_ name: String, _ type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}
