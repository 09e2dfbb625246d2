import EnrollCore
import EnrollWeb
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// The district's review desk: a web app over the district store for the office's clerks.
///
/// Every page needs a signed-in clerk; decisions go through ``DistrictStore/review(_:_:reasons:school:reviewer:expectedVersion:)``
/// with the clerk's account as the actor, the same call `enroll review` makes. The store is
/// opened for each request and closed after it, so the CLI works on the same store meanwhile.
public enum ReviewDesk {
    /// The desk's routes and middleware.
    /// - Parameter configuration: The store, forms and policies.
    /// - Returns: The router, for ``application(configuration:address:tls:logger:)`` or tests.
    public static func router(configuration: DeskConfiguration) -> Router<DeskContext> {
        let router = Router(context: DeskContext.self)
        router.add(middleware: DeskHeadersMiddleware())
        router.add(middleware: CSRFMiddleware<DeskContext>(
            tokens: CSRFTokens(), cookieName: "desk-csrf", secure: configuration.secureCookies,
            refusal: { DeskError(.forbidden, $0) }))
        router.add(middleware: SessionMiddleware(configuration: configuration))
        router.get("assets/desk.css") { _, _ -> Response in DeskAssets.response(DeskAssets.stylesheet, type: "text/css; charset=utf-8") }
        router.get("assets/desk.js") { _, _ -> Response in DeskAssets.response(DeskAssets.script, type: "text/javascript; charset=utf-8") }
        SessionController(configuration: configuration).register(router)
        QueueController(configuration: configuration).register(router)
        ApplicationController(configuration: configuration).register(router)
        let admin = router.group("admin").add(middleware: AdminOnlyMiddleware())
        AdminController(configuration: configuration).register(admin)
        OfficeController(configuration: configuration, jobs: ImportJobs()).register(admin)
        return router
    }

    /// The TLS certificate and key to serve with (PEM files).
    public struct TLSFiles: Sendable {
        /// The certificate chain (PEM).
        public var certificate: String
        /// The private key (PEM).
        public var key: String

        /// Names the files.
        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    /// The desk as an application, ready to run.
    /// - Parameters:
    ///   - configuration: The store, forms and policies (``DeskConfiguration/secureCookies``
    ///     is set when `tls` is given).
    ///   - host: The address to bind.
    ///   - port: The port.
    ///   - tls: Serve HTTPS with these files (swift-nio-ssl's `NIOSSLCertificate.fromPEMFile`
    ///     and `NIOSSLPrivateKey(file:format:)`).
    ///   - logger: Where the server logs (never a request body: search numbers travel there).
    ///   - onRunning: Called with the bound port once the server listens.
    /// - Throws: `io.failed` when the certificate or key cannot be read.
    public static func application(
        configuration: DeskConfiguration, host: String, port: Int, tls: TLSFiles?, logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol {
        var configuration = configuration
        if tls != nil { configuration.secureCookies = true }
        let router = router(configuration: configuration)
        let server: HTTPServerBuilder
        if let tls {
            let chain: [NIOSSLCertificateSource]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(tls.certificate).map { .certificate($0) }
            } catch {
                throw EnrollError.io(
                    .ioFailed, Location(file: tls.certificate), zh: "无法读取 TLS 证书（PEM）：\(error)", en: "Cannot read the TLS certificate (PEM): \(error)")
            }
            do {
                key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
            } catch {
                throw EnrollError.io(
                    .ioFailed, Location(file: tls.key), zh: "无法读取 TLS 私钥（PEM）：\(error)", en: "Cannot read the TLS private key (PEM): \(error)")
            }
            server = try .tls(.http1(), tlsConfiguration: .makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key)))
        } else {
            server = .http1()
        }
        return Application(
            router: router, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "enroll-district"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) }, logger: logger)
    }
}
