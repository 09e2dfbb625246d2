import DistrictWeb
import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A temporary directory removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init(_ name: String = #function) {
        path = NSTemporaryDirectory() + "desk-test-\(name.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func callAsFunction(_ name: String) -> String { path + "/" + name }
}

/// The repository's root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// A district store holding the twelve signed sample applications (imported once, copied for
/// each test) and three clerks: `wang.admin` (admin), `li.clerk` and `zhao.clerk` (reviewers).
struct DeskFixture {
    static let password = "desk-password-1"
    static let catalog = try! FormCatalog(directory: repositoryRoot + "/Schemas")
    /// Sign-in slows down after one wrong password and locks after three, for a minute.
    static let policy = LoginPolicy(freeFailures: 1, firstDelay: .milliseconds(20), maximumDelay: .milliseconds(40), lockAfter: 3, lockDuration: .seconds(60))

    /// The template store, built once per test run.
    static let template: String = {
        let directory = NSTemporaryDirectory() + "desk-template-\(UUID().uuidString)"
        let store = try! DistrictStore(directory: directory)
        let importer = try! Importer(
            store: store, catalog: catalog, extraTrust: try! TrustStore(directory: repositoryRoot + "/SampleBundles/keys/trust"), actor: "importer")
        let valid = repositoryRoot + "/SampleBundles/valid"
        let samples = try! FileManager.default.contentsOfDirectory(atPath: valid).sorted().map { valid + "/" + $0 }
        _ = try! importer.importPaths(samples)
        try! store.addAccount("wang.admin", role: .admin, password: password, actor: "setup", cost: 4)
        try! store.addAccount("li.clerk", role: .reviewer, password: password, actor: "setup", cost: 4)
        try! store.addAccount("zhao.clerk", role: .reviewer, password: password, actor: "setup", cost: 4)
        return directory
    }()

    let dir: TemporaryDirectory
    let storePath: String

    init(_ dir: TemporaryDirectory) throws {
        self.dir = dir
        storePath = dir("store")
        try FileManager.default.copyItem(atPath: Self.template, toPath: storePath)
    }

    /// The store as the CLI would open it, beside the server.
    func openStore() throws -> DistrictStore { try DistrictStore(directory: storePath) }

    func configuration(secureCookies: Bool = false, pageSize: Int = 50, issuer: DocumentIssuer? = nil) -> DeskConfiguration {
        var configuration = DeskConfiguration(
            storeLocation: storePath, catalog: Self.catalog, secureCookies: secureCookies, loginPolicy: Self.policy, pageSize: pageSize)
        configuration.issuer = issuer
        return configuration
    }

    /// Runs `body` against the desk's router (printing with `issuer`'s key when given).
    func test(
        secureCookies: Bool = false, pageSize: Int = 50, issuer: DocumentIssuer? = nil,
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = Application(router: ReviewDesk.router(configuration: configuration(secureCookies: secureCookies, pageSize: pageSize, issuer: issuer)))
        try await app.test(.router, body)
    }
}

/// A browser's cookie jar and CSRF token over a test client.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var csrf = ""
    /// The Set-Cookie headers of the last response, as sent.
    var lastSetCookies: [String] = []

    init(_ client: any TestClientProtocol) { self.client = client }

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = cookieHeader
        all.append(contentsOf: headers)
        return record(try await client.execute(uri: uri, method: .get, headers: all))
    }

    /// Posts a form; the CSRF token is added unless `csrf` is false.
    mutating func post(_ uri: String, _ fields: [(String, String)], csrf: Bool = true, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = fields
        if csrf { fields.append(("_csrf", self.csrf)) }
        let body = fields.map { Self.encode($0.0) + "=" + Self.encode($0.1) }.joined(separator: "&")
        var all = cookieHeader
        all[.contentType] = "application/x-www-form-urlencoded"
        all.append(contentsOf: headers)
        return record(try await client.execute(uri: uri, method: .post, headers: all, body: ByteBuffer(string: body)))
    }

    /// Opens the sign-in page (for the CSRF cookie and token) and signs in.
    mutating func signIn(_ name: String, password: String = DeskFixture.password) async throws -> TestResponse {
        _ = try await get("/login")
        return try await post("/login", [("username", name), ("password", password)])
    }

    mutating func record(_ response: TestResponse) -> TestResponse {
        lastSetCookies = response.headers[values: .setCookie]
        for header in lastSetCookies {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { continue }
            if header.contains("Max-Age=0") || pair[1].isEmpty { cookies[pair[0]] = nil } else { cookies[pair[0]] = pair[1] }
        }
        let text = String(buffer: response.body)
        if let range = text.range(of: #"name="_csrf" value=""#) {
            csrf = String(text[range.upperBound...].prefix { $0 != "\"" })
        }
        return response
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }
}

/// A response body as `Data`.
enum TestBody {
    static func data(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The diagnostic code of a JSON error answer.
    var jsonCode: String? {
        (try? JSONSerialization.jsonObject(with: TestBody.data(body)) as? [String: Any])?["code"] as? String
    }

    /// The diagnostic code shown on an error page (`<code>…</code>` in the alert).
    var pageCode: String? {
        guard let alert = text.range(of: "role=\"alert\"") else { return nil }
        let rest = text[alert.upperBound...]
        guard let open = rest.range(of: "<code>"), let close = rest.range(of: "</code>", range: open.upperBound..<rest.endIndex) else { return nil }
        return String(rest[open.upperBound..<close.lowerBound])
    }
}
