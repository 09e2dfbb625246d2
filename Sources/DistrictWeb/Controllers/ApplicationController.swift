import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import NIOCore

/// One application: `GET /applications/:id` (the page), `GET /applications/:id/documents/:n`
/// (a photo, from the store's objects only), `POST /applications/:id/decision`,
/// `GET /applications/:id/collection-form.pdf` and `…/admission-notice.pdf` (printed with the
/// district's key, each issue an audit event of the clerk), and `GET /api/applications/:id`
/// for scripts. `:id` is always the full application id (a UUID),
/// never a collection or ID number.
struct ApplicationController {
    let configuration: DeskConfiguration

    func register(_ router: Router<DeskContext>) {
        router.get("applications/:id", use: show)
        router.get("applications/:id/documents/:index", use: document)
        router.post("applications/:id/decision", use: decide)
        router.get("applications/:id/collection-form.pdf", use: collectionForm)
        router.get("applications/:id/admission-notice.pdf", use: admissionNotice)
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
        let view = try page(store: store, id: id)
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
        let body = try await URLEncodedForm.read(&request)
        let form = try DecisionForm(body)
        guard let version = body["version"].flatMap(Int64.init) else {
            throw DeskError(.badRequest, .usageBadName, zh: "表单缺少版本号，请重新打开申请。", en: "The form lacks the version; open the application again.")
        }
        do {
            try store.review(form.action, id, reasons: form.reasons, school: form.school, reviewer: clerk.name, expectedVersion: version)
        } catch let error as EnrollError {
            let view = try page(store: store, id: id)
            let status: HTTPResponse.Status = error.diagnostics.first?.code == .reviewStale ? .conflict : .unprocessableContent
            return DeskResponse.html(view.render(clerk: clerk, csrf: context.csrfToken, decided: nil, problem: error.diagnostics.first), status: status)
        }
        return DeskResponse.redirect("/applications/\(id)?decided=\(form.action.rawValue)")
    }

    // MARK: Printing

    /// The page of an application, with its print buttons.
    private func page(store: DistrictStore, id: String) throws -> ApplicationPageView {
        var view = try ApplicationPageView.load(store: store, id: id, catalog: configuration.catalog)
        view.printing = try printButtons(store: store, id: id)
        return view
    }

    /// 打印采集表 and, for an admitted child, 打印入学通知书: links, or disabled buttons saying
    /// why (no district key; the rules of ``DocumentIssuer/collectionFormRefusal(_:)``).
    private func printButtons(store: DistrictStore, id: String) throws -> HTML {
        let collectionForm = "打印采集表 / Print collection form", href = "/applications/\(id)/collection-form.pdf"
        var buttons: HTML
        do {
            let application = try PrintedApplication.fromStore(store, reference: id, catalog: configuration.catalog)
            let keyMissing = configuration.issuer == nil ? Self.keyMissing().diagnostic : nil
            buttons = PrintDownload.button(
                id: "print-collection-form", label: collectionForm, href: href,
                refusal: keyMissing ?? DocumentIssuer.collectionFormRefusal(application)?.diagnostics.first, language: nil)
            if application.status == .admitted {
                buttons += " "
                buttons += PrintDownload.button(
                    id: "print-admission-notice", label: "打印入学通知书 / Print admission notice", href: "/applications/\(id)/admission-notice.pdf",
                    refusal: keyMissing ?? DocumentIssuer.admissionNoticeRefusal(application)?.diagnostics.first, language: nil)
            }
        } catch let error as EnrollError where error.exitStatus == .invalid {
            // Data the printouts cannot show (an unknown form): the page still opens, and says why.
            buttons = PrintDownload.button(id: "print-collection-form", label: collectionForm, href: href, refusal: error.diagnostics.first, language: nil)
        }
        return "<section class=\"print\"><h2>打印 / Print</h2><p>\(buttons)</p></section>"
    }

    @Sendable func collectionForm(_ request: Request, context: DeskContext) async throws -> Response {
        try download(.collectionForm, context) { try $0.collectionForm($1, to: $2) }
    }

    @Sendable func admissionNotice(_ request: Request, context: DeskContext) async throws -> Response {
        try download(.admissionNotice, context) { try $0.admissionNotice($1, to: $2) }
    }

    /// A document printed as `enroll print` prints it, recorded as a `print.issued` audit event
    /// with the clerk as the actor; refused (422) with the rule's code while it may not be printed.
    private func download(
        _ kind: PrintedDocumentKind, _ context: DeskContext, _ write: (DistrictPrinting, String, String) throws -> PrintSeal
    ) throws -> Response {
        let (clerk, store) = try context.signedIn()
        let id = try Self.id(context)
        guard let issuer = configuration.issuer else { throw Self.keyMissing() }
        var printing = DistrictPrinting(store: store, catalog: configuration.catalog, issuer: issuer)
        printing.actor = clerk.name
        do {
            return try PrintDownload.response(in: NSTemporaryDirectory(), kind: kind) { try write(printing, id, $0) }
        } catch let error as EnrollError {
            throw DeskError(error)
        }
    }

    static func keyMissing() -> DeskError {
        DeskError(
            .conflict, .printKeyMissing,
            zh: "审核台启动时没有给出区教育局的签名密钥，不能签发打印件。请用 enroll district serve --key DISTRICT.sec 重新启动。",
            en: "The desk was started without the district's signing key, so it cannot issue printouts. Restart it with enroll district serve --key DISTRICT.sec.")
    }
}
