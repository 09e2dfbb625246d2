import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JSONSchema
import NIOCore
import SampleKit
import StationWeb

/// A station in a fresh temporary directory with a generated key, and helpers to talk to it
/// the way a browser does (the CSRF cookie, multipart forms).
struct StationFixture {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let schemas = repositoryRoot + "/Schemas"
    /// One catalog for every test: forms are compiled once (the catalog is thread-safe).
    static let catalog = Result { try FormCatalog(directory: schemas) }

    let directory: String
    let secret: SignifySecretKey
    let publicKey: SignifyPublicKey
    var configuration: StationConfiguration
    static let windowDate = ISO8601DateFormatter().date(from: "2024-06-05T10:00:00+08:00")!

    init(limits: MultipartLimits = MultipartLimits()) throws {
        directory = NSTemporaryDirectory() + "station-web-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        (secret, publicKey) = SignifySecretKey.generate(name: "test-station")
        configuration = StationConfiguration(
            directory: directory + "/station", signer: (secret, "test-station"), catalog: try Self.catalog.get(), limits: limits)
        // Inside the seeds' collection windows (Harbin 2024-06-03 – 06-14, Beijing 2025 in its own).
        configuration.clock = { Self.windowDate }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func application() throws -> some ApplicationProtocol {
        Application(router: try StationApp.router(configuration))
    }

    /// A generated application (never real people's data).
    static func sample(_ form: String, seed: UInt64 = 7) throws -> SampleApplication {
        var generator = try SampleGenerator(form: form, schemaDirectory: schemas, seed: seed, imageScale: .small)
        return try generator.next()
    }

    /// The controls a person fills in for a document: one (pointer, text) per leaf value.
    static func controls(_ value: JSONValue, _ tokens: [String] = []) -> [(name: String, value: String)] {
        switch value {
        case .object(let object): return object.flatMap { controls($0.1, tokens + [$0.0]) }
        case .array(let items): return items.enumerated().flatMap { controls($0.element, tokens + [String($0.offset)]) }
        default: return [(JSONPointer(tokens: tokens).description, FieldCondition.text(value))]
        }
    }
}

/// The browser side of a test: the CSRF cookie and token, kept across requests.
struct Browser {
    var cookie = ""
    var token = ""

    /// Opens a page, keeping the cookie it sets and the token it shows.
    mutating func open(_ client: some TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, body: String) {
        let response: TestResponse = try await client.execute(uri: uri, method: .get, headers: cookie.isEmpty ? [:] : [.cookie: cookie])
        if let set = response.headers[.setCookie], let pair = set.split(separator: ";").first { cookie = String(pair) }
        let body = String(buffer: response.body)
        if let range = body.range(of: "data-csrf=\""), let end = body[range.upperBound...].firstIndex(of: "\"") {
            token = String(body[range.upperBound..<end])
        } else if let range = body.range(of: "name=\"_csrf\" value=\""), let end = body[range.upperBound...].firstIndex(of: "\"") {
            token = String(body[range.upperBound..<end])
        }
        return (response.status, body)
    }

    /// Posts a multipart form, the token first (as the page's hidden field is) unless `withToken` is false.
    func post(
        _ client: some TestClientProtocol, _ uri: String, fields: [(name: String, value: String)],
        files: [(name: String, fileName: String, bytes: [UInt8])] = [], withToken: Bool = true
    ) async throws -> (status: HTTPResponse.Status, location: String?, body: String) {
        let boundary = "----enrolltest" + UUID().uuidString.prefix(8)
        var body: [UInt8] = []
        for field in (withToken ? [("_csrf", token)] : []) + fields {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field.name)\"\r\n\r\n\(field.value)\r\n".utf8)
        }
        for file in files {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.fileName)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
            body += file.bytes + Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
        if !cookie.isEmpty { headers[.cookie] = cookie }
        let response: TestResponse = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
        return (response.status, response.headers[.location], String(buffer: response.body))
    }

    /// Posts a URL-encoded form with the token in the header, as the page script does.
    func postEncoded(_ client: some TestClientProtocol, _ uri: String, fields: [(name: String, value: String)]) async throws -> (status: HTTPResponse.Status, body: String) {
        let text = fields.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-CSRF-Token")!: token]
        if !cookie.isEmpty { headers[.cookie] = cookie }
        let response: TestResponse = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text))
        return (response.status, String(buffer: response.body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension Browser {
    /// Posts a URL-encoded form the way a page's `<form>` does (the token in its hidden field,
    /// unless `withToken` is false).
    func postEncodedForm(
        _ client: some TestClientProtocol, _ uri: String, fields: [(name: String, value: String)], origin: String? = nil, withToken: Bool = true
    ) async throws -> (status: HTTPResponse.Status, location: String?, body: String) {
        let text = ((withToken ? [("_csrf", token)] : []) + fields).map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let origin { headers[.origin] = origin }
        if !cookie.isEmpty { headers[.cookie] = cookie }
        let response: TestResponse = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: text))
        return (response.status, response.headers[.location], String(buffer: response.body))
    }
}
