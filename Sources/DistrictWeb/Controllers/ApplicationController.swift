import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import NIOCore

/// One application: `GET /applications/:id` (the page), `GET /applications/:id/documents/:n`
/// (a photo, from the store's objects only), `POST /applications/:id/decision`, and
/// `GET /api/applications/:id` for scripts. `:id` is always the full application id (a UUID),
/// never a collection or ID number.
struct ApplicationController {
    let configuration: DeskConfiguration

    func register(_ router: Router<DeskContext>) {
        router.get("applications/:id", use: show)
        router.get("applications/:id/documents/:index", use: document)
        router.post("applications/:id/decision", use: decide)
        router.get("api/applications/:id", use: showJSON)
    }

    /// The application id from the path: a UUID, or 404.
    static func id(_ context: DeskContext) throws -> String {
        guard let raw = context.parameters.get("id"), let uuid = UUID(uuidString: raw) else { throw DeskError.unknownApplication() }
        return uuid.uuidString.lowercased()
    }

    @Sendable func show(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let id = try Self.id(context)
        let view = try ApplicationPageView.load(store: store, id: id, catalog: configuration.catalog)
        let decided = request.uri.queryParameters["decided"].flatMap { ReviewAction(rawValue: String($0)) }
        return DeskResponse.html(view.render(clerk: clerk, csrf: context.csrfToken, decided: decided, problem: nil))
    }

    @Sendable func showJSON(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        return DeskResponse.json(try store.detail(try Self.id(context)))
    }

    @Sendable func document(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        let id = try Self.id(context)
        guard let raw = context.parameters.get("index"), let index = Int(raw), index >= 0 else { throw DeskError.unknownApplication() }
        let (file, bytes) = try store.attachment(of: id, index: index)
        var headers: HTTPFields = [.contentType: Self.mediaType(file.path), .cacheControl: "private, no-store"]
        if Self.mediaType(file.path) == "application/octet-stream" { headers[.contentDisposition] = "attachment" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The media type a stored attachment is served as (by its extension; the importer has
    /// checked the bytes against it).
    static func mediaType(_ path: String) -> String {
        switch path.split(separator: ".").last?.lowercased() {
        case "jpg", "jpeg": "image/jpeg"
        case "png": "image/png"
        case "pdf": "application/pdf"
        default: "application/octet-stream"
        }
    }

    @Sendable func decide(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let id = try Self.id(context)
        var request = request
        let body = try await FormBody.read(&request)
        let form = try DecisionForm(body)
        guard let version = body["version"].flatMap(Int64.init) else {
            throw DeskError(.badRequest, .usageBadName, zh: "表单缺少版本号，请重新打开申请。", en: "The form lacks the version; open the application again.")
        }
        do {
            try store.review(form.action, id, reasons: form.reasons, school: form.school, reviewer: clerk.name, expectedVersion: version)
        } catch let error as EnrollError {
            let view = try ApplicationPageView.load(store: store, id: id, catalog: configuration.catalog)
            let status: HTTPResponse.Status = error.diagnostics.first?.code == .reviewStale ? .conflict : .unprocessableContent
            return DeskResponse.html(view.render(clerk: clerk, csrf: context.csrfToken, decided: nil, problem: error.diagnostics.first), status: status)
        }
        return DeskResponse.redirect("/applications/\(id)?decided=\(form.action.rawValue)")
    }
}
