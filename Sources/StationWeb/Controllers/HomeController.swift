import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import JSONSchema

/// The day's work: new applications by form, drafts, submitted applications and their state.
struct HomeController {
    let configuration: StationConfiguration

    func register(on router: Router<WebRequestContext>) {
        router.get("/", use: home)
    }

    @Sendable func home(_ request: Request, context: WebRequestContext) async throws -> Response {
        let language = StationPage.language(request)
        let lang = StationPage.langQuery(language)
        func t(_ zh: String, _ en: String) -> String { StationPage.text(language, zh: zh, en: en) }
        var forms: HTML = ""
        for id in configuration.catalog.ids {
            guard let form = try? configuration.catalog.form(id) else { continue }
            forms += "<li><a class=\"button\" href=\"/forms/\(id)/new?\(lang)\">\(t("新建：", "New: "))\(form.label.text(in: language))</a></li>"
        }
        let submittedIDs = Set(((try? StationRecords(directory: configuration.directory).records()) ?? []).map { "\($0.applicationId)-r\($0.revision)" })
        var draftRows: HTML = ""
        for draft in DraftStore(stationDirectory: configuration.directory).list() {
            let key = "\(draft.id.uuidString.lowercased())-r\(draft.header.revision)"
            if submittedIDs.contains(key) { continue }
            let name = (try? JSONParser.parse(draft.formJSON)).flatMap { Self.childName($0) } ?? "—"
            let formLabel = (try? configuration.catalog.form(draft.header.form))?.label.text(in: language) ?? draft.header.form
            draftRows += """
            <tr><td><a href="/drafts/\(draft.id.uuidString.lowercased())?\(lang)">\(name)</a></td><td>\(formLabel)</td>\
            <td class="state-draft">\(t("草稿", "Draft"))</td><td>\(StationPage.dateText(draft.saved))</td></tr>
            """
        }
        var submittedRows: HTML = ""
        let records = ((try? StationRecords(directory: configuration.directory).records()) ?? [])
        var latest: [String: StationRecords.Record] = [:]
        for record in records where (latest[record.applicationId]?.revision ?? 0) < record.revision { latest[record.applicationId] = record }
        for record in latest.values.sorted(by: { $0.applicationId < $1.applicationId }) {
            let state: String
            if record.kind == .withdrawal { state = t("已撤销", "Withdrawn") }
            else { state = t("已提交", "Submitted") }
            let answer = "—"
            submittedRows += """
            <tr><td><a href="/applications/\(record.applicationId)?\(lang)">\(record.applicationId.prefix(8).description)…</a></td>\
            <td>\(record.idNumber.map(Privacy.maskIDNumber) ?? "—")</td><td>\(String(record.revision))</td>\
            <td class="state-submitted">\(state)</td><td>\(answer)</td></tr>
            """
        }
        let body: HTML = """
        <h1>\(t("今日工作", "Today's work"))</h1>\
        <section><h2>\(t("新建申请", "New application"))</h2><ul class="thumbs">\(forms)</ul></section>\
        <section><h2>\(t("草稿", "Drafts"))</h2><table><thead><tr><th>\(t("学生", "Child"))</th><th>\(t("表单", "Form"))</th><th>\(t("状态", "State"))</th><th>\(t("保存时间", "Saved"))</th></tr></thead><tbody>\(draftRows)</tbody></table></section>\
        <section><h2>\(t("已提交", "Submitted"))</h2><table><thead><tr><th>\(t("申请编号", "Application ID"))</th><th>\(t("证件号码", "ID number"))</th><th>\(t("版本", "Revision"))</th><th>\(t("状态", "State"))</th><th>\(t("区教育局答复", "District's answer"))</th></tr></thead><tbody>\(submittedRows)</tbody></table></section>
        """
        return StationPage.html(StationPage.page(title: t("今日工作", "Today's work"), station: configuration.signer.station, language: language, path: "/", body: body))
    }

    /// The child's name in a document (`/student/name`, or the first `name` of the first section).
    static func childName(_ document: JSONValue) -> String? {
        if let name = document["student"]?["name"]?.stringValue { return name }
        for (_, section) in document.objectValue ?? JSONObject() {
            if let name = section["name"]?.stringValue { return name }
        }
        return nil
    }
}
