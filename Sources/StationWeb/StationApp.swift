import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import Logging
import NIOCore

/// The registrar's station web app: its router and its server.
public enum StationApp {
    /// The router: every page and action of the station, with CSRF and security headers.
    /// - Throws: `EnrollError` if the station directory cannot be created.
    public static func router(_ configuration: StationConfiguration) throws -> Router<WebRequestContext> {
        try configuration.prepare()
        let router = Router(context: WebRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CSRFMiddleware(tokens: CSRFTokens()))
        AssetsController().register(on: router)
        let drafts = DraftController(configuration: configuration)
        let applications = ApplicationController(configuration: configuration)
        let jobs = PackJobs()
        HomeController(configuration: configuration, work: WorkController(configuration: configuration, jobs: jobs)).register(on: router)
        WorkController(configuration: configuration, jobs: jobs).register(on: router)
        drafts.register(on: router)
        applications.register(on: router)
        return router
    }

    /// The server, bound to `host:port` (port 0 picks a free one).
    /// - Parameters:
    ///   - configuration: The station.
    ///   - host: The address to listen on (loopback unless the registrar says otherwise).
    ///   - port: The port.
    ///   - logger: The server's logger.
    ///   - onRunning: Called with the bound port once the server listens.
    public static func application(
        _ configuration: StationConfiguration, host: String, port: Int, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        Application(
            router: try router(configuration),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "enroll-station"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// Whether an address is loopback-only (`127.0.0.0/8`, `::1`, `localhost`).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
