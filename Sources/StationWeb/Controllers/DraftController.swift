import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import JSONSchema
import NIOCore

/// New applications and drafts: the form page, 暂存 (save), 提交 (submit), the field checks
/// and the draft's photos.
struct DraftController {
    let configuration: StationConfiguration
    var drafts: DraftStore { DraftStore(stationDirectory: configuration.directory) }

    func register(on router: Router<WebRequestContext>) {
        router.get("forms/:form/new", use: newForm)
        router.post("forms/:form/check", use: check)
        let group = router.group("drafts")
        group.post(use: create)
        group.get(":id", use: show)
        group.post(":id", use: update)
        group.get(":id/files/:slot/:name", use: file)
    }

    // MARK: Pages

    @Sendable func newForm(_ request: Request, context: WebRequestContext) async throws -> Response {
        let form = try self.form(context.parameters.get("form"))
        return page(form: form, snapshot: nil, document: .object(JSONObject()), problems: [], request: request, context: context)
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> Response {
        let snapshot = try self.snapshot(context.parameters.get("id"))
        let form = try self.form(snapshot.header.form)
        let document = (try? JSONParser.parse(snapshot.formJSON)) ?? .object(JSONObject())
        var notice: HTML = ""
        if request.uri.queryParameters["saved"] != nil {
            let language = StationPage.language(request)
            notice = "<p class=\"notice\" role=\"status\">\(StationPage.text(language, zh: "已暂存（第 \(snapshot.etag) 次保存，\(StationPage.dateText(snapshot.saved))）。", en: "Saved (save \(snapshot.etag), \(StationPage.dateText(snapshot.saved))).")) </p>"
        }
        return page(form: form, snapshot: snapshot, document: document, problems: [], request: request, context: context, notice: notice)
    }

    @Sendable func file(_ request: Request, context: WebRequestContext) async throws -> Response {
        let snapshot = try self.snapshot(context.parameters.get("id"))
        let slot = context.parameters.get("slot") ?? ""
        let name = context.parameters.get("name") ?? ""
        guard let entry = snapshot.attachments.first(where: { $0.slot == slot && $0.name == name }) else {
            throw StationPage.notFound("文件")
        }
        return try StationPage.file(snapshot.directory + "/" + BundleLayout.attachments + entry.slot + "/" + entry.name)
    }

    // MARK: Field check

    /// Checks the whole document with the project's engine and answers the diagnostics at the
    /// field just left (and at the fields a rule ties to it), as JSON for the page script.
    @Sendable func check(_ request: Request, context: WebRequestContext) async throws -> Response {
        let form = try self.form(context.parameters.get("form"))
        var request = request
        let body = try await URLEncodedForm.read(&request)
        guard let field = body["_field"], field.hasPrefix("/") else {
            throw WebError(.badRequest, .webUploadMalformed, zh: "缺少要检查的字段（_field）。", en: "The field to check (_field) is missing.")
        }
        let language = StationPage.language(request)
        let results = FieldCheck(form: form).check(field: field, pairs: body.pairs.filter { $0.name.hasPrefix("/") })
        let renderer = FormRenderer(form: form, language: language)
        let json = JSONLines.object([("results", .array(results.map { result in
            let id = FormRenderer.controlID(result.pointer)
            let placed = renderer.place(result.problems).byID[id] ?? result.problems
            return .object([("id", .string(id)), ("messages", .array(placed.map { .string(FormRenderer.message($0, language).rendered) }))])
        }))])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    // MARK: 暂存 and 提交

    @Sendable func create(_ request: Request, context: WebRequestContext) async throws -> Response {
        let form = try self.form(request.uri.queryParameters["form"].map(String.init))
        let header = BundleHeader(form: form.id, formVersion: form.version, applicationID: UUID(), revision: 1, previousRevision: nil, kind: .application)
        return try await receive(request, context: context, form: form, header: header, etag: 0)
    }

    @Sendable func update(_ request: Request, context: WebRequestContext) async throws -> Response {
        let snapshot = try self.snapshot(context.parameters.get("id"))
        let form = try self.form(snapshot.header.form)
        return try await receive(request, context: context, form: form, header: snapshot.header, etag: nil)
    }

    private func receive(_ request: Request, context: WebRequestContext, form: Form, header: BundleHeader, etag fixed: Int?) async throws -> Response {
        let language = StationPage.language(request)
        guard let boundary = Multipart.boundary(contentType: request.headers[.contentType]) else {
            throw WebError(.badRequest, .webUploadMalformed, zh: "表单须以 multipart/form-data 提交。", en: "The form must be sent as multipart/form-data.")
        }
        let received = try await Multipart.read(request.body, boundary: boundary, into: configuration.uploadsDirectory, limits: configuration.limits)
        defer { received.removeFiles() }
        let etag = fixed ?? Int(received.fields.last(where: { $0.name == "_etag" })?.value ?? "") ?? -1
        let action = received.fields.last(where: { $0.name == "_action" })?.value ?? "save"
        let controls = try carryingKindOwnedFields(received.fields.filter { $0.name.hasPrefix("/") }, form: form, header: header)
        let formJSON = FormFieldDecoder(form: form).formJSON(controls)
        let validator = FormValidator(form: form)

        // Each file is judged at its slot before it is kept: a refused one is not stored.
        var uploads: [DraftUpload] = []
        var refused: [Diagnostic] = []
        for file in received.files {
            guard file.name.hasPrefix("attachment:") else { continue }
            let slot = String(file.name.dropFirst("attachment:".count))
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: file.path)).read(upToCount: 16)).flatMap { $0 }.map(Array.init) ?? []
            let type = MediaType.sniff(head)
            let place = "data/attachments/\(slot)/new.\(type?.fileExtension ?? "bin")"
            let problems = validator.validateAttachment(try AttachmentFile(path: place, file: file.path), slot: slot, root: "")
            if problems.containsErrors || type == nil {
                refused += problems.errors.map { problem in
                    var problem = problem
                    problem.message.zh = "“\(file.clientFileName)”未保存：" + problem.message.zh
                    problem.message.en = "\"\(file.clientFileName)\" was not kept: " + problem.message.en
                    return problem
                }
            } else if let type {
                uploads.append(DraftUpload(slot: slot, file: file.path, mediaType: type))
            }
        }
        let removing = Set(received.fields.filter { $0.name.hasPrefix("remove:") && $0.value == "true" }.map { String($0.name.dropFirst("remove:".count)) })

        let snapshot: DraftSnapshot
        do {
            snapshot = try drafts.save(header: header, etag: etag, formJSON: formJSON, uploads: uploads, removing: removing)
        } catch is StaleDraft {
            throw WebError(.conflict, .webDraftStale,
                           zh: "这份草稿在您打开本页之后已在别处（另一个标签页）保存过，为免覆盖，本次暂存未执行。请重新打开草稿，再输入这次的修改。",
                           en: "This draft was saved elsewhere (another tab) after this page was opened; to overwrite nothing, this save was not made. Open the draft again and enter this change again.")
        }
        let document = (try? JSONParser.parse(formJSON)) ?? .object(JSONObject())
        if !refused.isEmpty {
            return page(form: form, snapshot: snapshot, document: document, problems: refused, request: request, context: context, status: .unprocessableContent)
        }
        guard action == "submit" else {
            return StationPage.redirect("/drafts/\(snapshot.id.uuidString.lowercased())?saved=\(snapshot.etag)&\(StationPage.langQuery(language))")
        }
        do {
            let lateReason = received.fields.last(where: { $0.name == "_late_reason" })?.value
            let submitted = try DraftSubmission(configuration: configuration).submit(snapshot, lateReason: lateReason)
            drafts.remove(snapshot.id)
            return StationPage.redirect("/applications/\(submitted.header.applicationID.uuidString.lowercased())?submitted=1&\(StationPage.langQuery(language))")
        } catch let error as EnrollError {
            return page(form: form, snapshot: snapshot, document: document, problems: error.diagnostics, request: request, context: context, status: .unprocessableContent)
        }
    }

    // MARK: Helpers

    /// The submitted controls with the fields only a revision kind sets (`Form.kindOwnedFields`)
    /// taken from the draft being continued, never from the request: the page shows no input
    /// for them, so a plain revision keeps them as they were (a 去授权 stays granted) and a new
    /// application has none.
    private func carryingKindOwnedFields(
        _ controls: [(name: String, value: String)], form: Form, header: BundleHeader
    ) throws -> [(name: String, value: String)] {
        let owned = form.kindOwnedFields
        guard !owned.isEmpty else { return controls }
        var kept = controls.filter { control in !owned.contains { $0.description == control.name } }
        guard let draft = try drafts.load(header.applicationID), let previous = try? JSONParser.parse(draft.formJSON) else { return kept }
        for pointer in owned.sorted(by: { $0.description < $1.description }) {
            switch previous.value(at: pointer) {
            case .bool(let value)?: kept.append((pointer.description, value ? "true" : "false"))
            case .string(let value)?: kept.append((pointer.description, value))
            case .number(let value)?: kept.append((pointer.description, value.description))
            default: break
            }
        }
        return kept
    }

    private func form(_ id: String?) throws -> Form {
        guard let id, configuration.catalog.ids.contains(id) else { throw StationPage.notFound("表单") }
        return try configuration.catalog.form(id)
    }

    private func snapshot(_ text: String?) throws -> DraftSnapshot {
        guard let text, let id = UUID(uuidString: text), let snapshot = try drafts.load(id) else { throw StationPage.notFound("草稿") }
        return snapshot
    }

    private func page(
        form: Form, snapshot: DraftSnapshot?, document: JSONValue, problems: [Diagnostic], request: Request, context: WebRequestContext,
        notice: HTML = "", status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = StationPage.language(request)
        let lang = StationPage.langQuery(language)
        let token = context.csrfToken
        let action = snapshot.map { "/drafts/\($0.id.uuidString.lowercased())?\(lang)" } ?? "/drafts?form=\(form.id)&\(lang)"
        let attachments = (snapshot?.attachments ?? []).map { entry in
            RenderedAttachment(slot: entry.slot, name: entry.name, url: "/drafts/\(snapshot!.id.uuidString.lowercased())/files/\(entry.slot)/\(entry.name)")
        }
        let fields = FormRenderer(form: form, language: language).render(document: document, problems: problems, attachments: attachments)
        let title = form.label.text(in: language)
        // Outside the collection window 提交 needs the registrar's reason (as `--late-reason`).
        let lateReason: HTML = problems.contains(where: { $0.code == .formOutsideWindow }) ? """
            <div class="field"><label for="late-reason">\(StationPage.text(language, zh: "逾期提交原因", en: "Reason for submitting outside the collection window"))</label>\
            <input id="late-reason" name="_late_reason" type="text" required></div>
            """ : ""
        let revision = snapshot.map { $0.header.revision > 1 ? StationPage.text(language, zh: "（第 \($0.header.revision) 版修改）", en: " (revision \($0.header.revision))") : "" } ?? ""
        let body: HTML = """
        <h1>\(title)\(revision)</h1>\(notice)\(NoticeView.render(form.notices, form: form, language: language))\
        <form method="post" action="\(action)" enctype="multipart/form-data" novalidate data-check="/forms/\(form.id)/check?\(lang)" data-csrf="\(token)">\(CSRFTokens.field(token))\
        <input type="hidden" name="_etag" value="\(snapshot?.etag ?? 0)">\
        \(fields)\(lateReason)\
        <div class="actions"><button type="submit" name="_action" value="save">\(StationPage.text(language, zh: "暂存", en: "Save draft (暂存)"))</button>\
        <button type="submit" name="_action" value="submit" class="primary">\(StationPage.text(language, zh: "提交", en: "Submit (提交)"))</button></div></form>
        """
        let path = snapshot.map { "/drafts/\($0.id.uuidString.lowercased())" } ?? "/forms/\(form.id)/new"
        return StationPage.html(StationPage.page(title: title, station: configuration.signer.station, language: language, path: path, body: body), status: status)
    }
}
