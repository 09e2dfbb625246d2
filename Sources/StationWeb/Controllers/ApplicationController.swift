import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import JSONSchema

/// Submitted applications: the read-only page (what the family takes home), its photos, the
/// printed receipt and collection form (`enroll print receipt|collection-form --bundle`), and
/// 撤销 (withdrawal), the only change a submitted revision allows besides a new revision.
struct ApplicationController {
    let configuration: StationConfiguration

    func register(on router: Router<WebRequestContext>) {
        let group = router.group("applications")
        group.get(":id", use: show)
        group.get(":id/files/:slot/:name", use: file)
        group.get(":id/receipt.pdf", use: receipt)
        group.get(":id/collection-form.pdf", use: collectionForm)
        group.post(":id/withdraw", use: withdraw)
        group.post(":id/revise", use: revise)
    }

    /// The latest signed revision of an application, from the station's records.
    private func latest(_ text: String?) throws -> (record: StationRecords.Record, verification: BundleVerification) {
        guard let text, let id = UUID(uuidString: text) else { throw StationPage.notFound("申请") }
        let records = try StationRecords(directory: configuration.directory).records().filter { $0.applicationId == id.uuidString.lowercased() }
        guard let record = records.max(by: { $0.revision < $1.revision }) else { throw StationPage.notFound("申请") }
        let verification = try BundleVerifier(trust: nil).verify(directory: record.path)
        return (record, verification)
    }

    private func attachments(_ path: String) -> [(slot: String, name: String)] {
        let root = path + "/" + BundleLayout.attachments
        var list: [(String, String)] = []
        for slot in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: root + slot)) ?? []).sorted(by: DraftStore.byNumber) {
                list.append((slot, name))
            }
        }
        return list
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, verification) = try latest(context.parameters.get("id"))
        let language = StationPage.language(request)
        let lang = StationPage.langQuery(language)
        func t(_ zh: String, _ en: String) -> String { StationPage.text(language, zh: zh, en: en) }
        guard let header = verification.header else { throw WebError(.internalServerError, diagnostics: verification.diagnostics) }
        let id = record.applicationId
        var body: HTML = ""
        if request.uri.queryParameters["submitted"] != nil {
            body += "<p class=\"notice\" role=\"status\">\(t("已提交并以本站密钥签名，申请已锁定。", "Submitted and signed with the station key; the application is locked."))</p>"
        }
        body += """
        <h1>\(t("申请", "Application")) \(id)</h1>\
        <section class="section takehome"><h2>\(t("请家长带走", "For the family to take home"))</h2>\
        <dl><dt>\(t("申请编号", "Application ID"))</dt><dd id="application-id">\(id)</dd>\
        <dt>\(t("版本", "Revision"))</dt><dd>\(String(record.revision))</dd>\
        <dt>\(t("报名点", "Station"))</dt><dd>\(header.station ?? configuration.signer.station)</dd>\
        <dt>\(t("学生证件号码", "Child's ID number"))</dt><dd>\(record.idNumber.map(Privacy.maskIDNumber) ?? "—")</dd></dl>\
        <p>\(t("凭申请编号可在本报名点查询区教育局的审核结果；如需修改，请回到本报名点。", "With the application ID the family can ask this station for the district's answer; to change anything, come back to this station."))</p>\
        \(printButtons(record, kind: header.kind, language: language))</section>
        """
        if header.kind == .withdrawal {
            body += "<p class=\"summary\">\(t("该申请已撤销。", "This application has been withdrawn."))</p>"
        } else {
            let form = try configuration.catalog.form(header.form)
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: record.path + "/" + BundleLayout.form))).map(Array.init) ?? []
            let document = (try? JSONParser.parse(bytes)) ?? .object(JSONObject())
            let files = attachments(record.path).map { RenderedAttachment(slot: $0.slot, name: $0.name, url: "/applications/\(id)/files/\($0.slot)/\($0.name)") }
            let fields = FormRenderer(form: form, language: language).render(document: document, attachments: files, readOnly: true)
            body += """
            <form class="readonly" aria-readonly="true">\(fields)</form>\
            <form method="post" action="/applications/\(id)/revise?\(lang)">\(CSRFTokens.field(context.csrfToken))<fieldset class="section"><legend><h2>\(t("修改（新版本）", "Change (a new revision)"))</h2></legend>\
            <p>\(t("已提交的申请不能直接改动。驳回后需修改时，在此制作新版本：打开一份草稿，改好后重新提交。", "A submitted application is never changed in place. When it was rejected and needs changes, make a new revision here: it opens as a draft to correct and submit again."))</p>\
            <p><button type="submit">\(t("制作新版本", "Make a new revision"))</button></p></fieldset></form>\
            <form method="post" action="/applications/\(id)/withdraw?\(lang)">\(CSRFTokens.field(context.csrfToken))<fieldset class="section"><legend><h2>\(t("撤销申请", "Withdraw the application"))</h2></legend>\
            <div class="field"><label for="withdraw-reason">\(t("撤销原因（家长所述）", "Reason (as the family said it)"))</label><input type="text" id="withdraw-reason" name="reason"></div>\
            <p><button type="submit">\(t("撤销", "Withdraw"))</button></p></fieldset></form>
            """
        }
        return StationPage.html(StationPage.page(title: t("申请", "Application"), station: configuration.signer.station, language: language, path: "/applications/\(id)", body: body))
    }

    /// 打印回执 and 打印采集表: the receipt of a submitted application; the collection form once
    /// the station may print it (``DocumentIssuer/collectionFormRefusal(_:)``), else disabled
    /// with the reason.
    private func printButtons(_ record: StationRecords.Record, kind: BundleKind, language: Language) -> HTML {
        guard kind == .application else { return "" }
        let base = "/applications/\(record.applicationId)"
        let refusal: Diagnostic?
        do {
            refusal = DocumentIssuer.collectionFormRefusal(try printed(record))?.diagnostics.first
        } catch let error as EnrollError {
            refusal = error.diagnostics.first
        } catch {
            refusal = .error(.ioFailed, Location(file: record.path), zh: "\(error)", en: "\(error)")
        }
        return """
            <p class="actions">\(PrintDownload.button(id: "print-receipt", label: StationPage.text(language, zh: "打印回执", en: "Print receipt"), href: base + "/receipt.pdf", refusal: nil, language: language)) \
            \(PrintDownload.button(id: "print-collection-form", label: StationPage.text(language, zh: "打印采集表", en: "Print collection form"), href: base + "/collection-form.pdf", refusal: refusal, language: language))</p>
            """
    }

    /// A submitted revision as the printouts show it, with the district's answer from the status copy.
    private func printed(_ record: StationRecords.Record) throws -> PrintedApplication {
        try PrintedApplication.fromBundle(record.path, stationDirectory: configuration.directory, catalog: configuration.catalog)
    }

    private var issuer: DocumentIssuer {
        var issuer = DocumentIssuer(key: configuration.signer.key, name: configuration.signer.station)
        issuer.now = configuration.clock
        return issuer
    }

    /// The receipt (`enroll print receipt`), signed with the station key.
    @Sendable func receipt(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, verification) = try latest(context.parameters.get("id"))
        guard verification.header?.kind == .application else {
            throw WebError(PrintDownload.refusedStatus, .printWithdrawn,
                           zh: "该申请已撤销，不再打印它的文书。", en: "This application was withdrawn; no documents are printed for it.")
        }
        return try download(record, .receipt) { try issuer.receipt($0, to: $1) }
    }

    /// The collection form (`enroll print collection-form --bundle --station-dir`), signed with
    /// the station key; refused with the rule's code while it may not be printed.
    @Sendable func collectionForm(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, _) = try latest(context.parameters.get("id"))
        return try download(record, .collectionForm) { try issuer.collectionForm($0, to: $1) }
    }

    /// The PDF `write` makes of a record; a document the rules refuse is a 422 with their code.
    private func download(
        _ record: StationRecords.Record, _ kind: PrintedDocumentKind, _ write: (PrintedApplication, String) throws -> PrintSeal
    ) throws -> Response {
        do {
            let application = try printed(record)
            return try PrintDownload.response(in: configuration.uploadsDirectory, kind: kind) { try write(application, $0) }
        } catch let error as EnrollError where error.exitStatus == .invalid {
            throw WebError(PrintDownload.refusedStatus, diagnostics: error.diagnostics)
        }
    }

    @Sendable func file(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, _) = try latest(context.parameters.get("id"))
        let slot = context.parameters.get("slot") ?? ""
        let name = context.parameters.get("name") ?? ""
        guard let entry = attachments(record.path).first(where: { $0.slot == slot && $0.name == name }) else { throw StationPage.notFound("文件") }
        return try StationPage.file(record.path + "/" + BundleLayout.attachments + entry.slot + "/" + entry.name)
    }

    /// Starts the next revision as a draft holding this revision's data and photos, chained by
    /// `Enroll-Previous-Revision` (as `enroll revise` chains it).
    @Sendable func revise(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, verification) = try latest(context.parameters.get("id"))
        let language = StationPage.language(request)
        guard let header = verification.header, header.kind.carriesForm, let digest = verification.tagManifestDigest, verification.isSigned else {
            throw WebError(.conflict, .webSubmitted, zh: "该申请已撤销，不能再修改。", en: "This application has been withdrawn and cannot be changed.")
        }
        let drafts = DraftStore(stationDirectory: configuration.directory)
        if let existing = try drafts.load(header.applicationID), existing.header.revision == header.revision + 1 {
            return StationPage.redirect("/drafts/\(record.applicationId)?\(StationPage.langQuery(language))")
        }
        let next = BundleHeader(
            form: header.form, formVersion: header.formVersion, applicationID: header.applicationID,
            revision: header.revision + 1, previousRevision: digest, kind: .application)
        let formJSON = Array(try Data(contentsOf: URL(fileURLWithPath: record.path + "/" + BundleLayout.form)))
        let uploads = attachments(record.path).compactMap { entry -> DraftUpload? in
            let file = record.path + "/" + BundleLayout.attachments + entry.slot + "/" + entry.name
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: file)).read(upToCount: 16)).flatMap { $0 }.map(Array.init) ?? []
            return MediaType.sniff(head).map { DraftUpload(slot: entry.slot, file: file, mediaType: $0) }
        }
        drafts.remove(header.applicationID)
        try drafts.save(header: next, etag: 0, formJSON: formJSON, uploads: uploads, removing: [])
        return StationPage.redirect("/drafts/\(record.applicationId)?\(StationPage.langQuery(language))")
    }

    @Sendable func withdraw(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (record, verification) = try latest(context.parameters.get("id"))
        var request = request
        let reason = try await URLEncodedForm.read(&request, limit: 64 << 10)["reason"] ?? ""
        let language = StationPage.language(request)
        guard let header = verification.header, header.kind.carriesForm else {
            throw WebError(.conflict, .webSubmitted, zh: "该申请已撤销。", en: "This application has already been withdrawn.")
        }
        let target = configuration.bundlesDirectory + "/\(record.applicationId)-r\(header.revision + 1)"
        let withdrawn = try BundleOperations().withdraw(record.path, reason: reason, directory: target, signer: configuration.signer)
        try StationRecords(directory: configuration.directory).record(bundle: target, header: withdrawn, catalog: configuration.catalog)
        return StationPage.redirect("/applications/\(record.applicationId)?\(StationPage.langQuery(language))")
    }
}
