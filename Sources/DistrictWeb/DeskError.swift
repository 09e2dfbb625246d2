import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error the desk answers with: an HTTP status and a bilingual diagnostic, as a page, or
/// as JSON under `/api/`.
struct DeskError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var diagnostic: Diagnostic

    init(_ status: HTTPResponse.Status, _ code: DiagnosticCode, zh: String, en: String) {
        self.status = status
        diagnostic = .error(code, Location(), zh: zh, en: en)
    }

    /// An error with a diagnostic made elsewhere (the shared CSRF middleware's `web.csrf`).
    init(_ status: HTTPResponse.Status, _ diagnostic: Diagnostic) {
        self.status = status
        self.diagnostic = diagnostic
    }

    /// An error of the library, with the status its kind calls for.
    init(_ error: EnrollError) {
        diagnostic = error.diagnostics.first ?? .error(.ioFailed, Location(), zh: "\(error)", en: "\(error)")
        switch diagnostic.code {
        case .reviewStale: status = .conflict
        case .storeUnknownApplication, .webUnknownApplication: status = .notFound
        default: status = error.exitStatus == .invalid ? .unprocessableContent : .badRequest
        }
    }

    static func signInRequired() -> DeskError {
        DeskError(
            .unauthorized, .webSignInRequired, zh: "请先登录（或登录已过期，请重新登录）。",
            en: "Sign in first (or your session has expired; sign in again).")
    }

    static func forbidden() -> DeskError {
        DeskError(
            .forbidden, .webForbidden, zh: "这是管理员的操作，审核员账号不能执行。请联系管理员。",
            en: "This is an administrator's action; a reviewer's account cannot do it. Ask an administrator.")
    }

    static func unknownApplication() -> DeskError {
        DeskError(
            .notFound, .webUnknownApplication, zh: "没有这个申请，或该申请中没有这个材料。",
            en: "No such application, or no such document in it.")
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        if request.uri.path.hasPrefix("/api/") || request.headers[.accept]?.contains("application/json") == true {
            let body: [String: String] = [
                "code": diagnostic.code.rawValue, "zh": diagnostic.message.zh, "en": diagnostic.message.en, "status": String(status.code),
            ]
            return DeskResponse.json(body, status: status)
        }
        let page = Layout.page(
            title: "\(status.code)", clerk: nil, csrf: "",
            body: """
                <main><h1>\(String(status.code)) · 出错了 / Something went wrong</h1>\
                <div role="alert" class="problem"><p lang="zh-Hans">\(diagnostic.message.zh)</p><p lang="en">\(diagnostic.message.en)</p>\
                <p><code>\(diagnostic.code.rawValue)</code></p></div><p><a href="/queue">返回审核队列 / Back to the queue</a></p></main>
                """)
        return DeskResponse.html(page, status: status)
    }
}

/// Builders of the desk's responses.
enum DeskResponse {
    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }
}
