import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import JSONSchema

/// The day's work: new applications by form, drafts, submitted applications and their state.
struct HomeController {
    let configuration: StationConfiguration
    let work: WorkController

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
        let answers = (try? StationStatus(directory: configuration.directory).entries()) ?? [:]
        let packed = PackedIndex(directory: configuration.directory).packed()
        var latest: [String: StationRecords.Record] = [:]
        for record in records where (latest[record.applicationId]?.revision ?? 0) < record.revision { latest[record.applicationId] = record }
        for record in latest.values.sorted(by: { $0.applicationId < $1.applicationId }) {
            let state: String
            if record.kind == .withdrawal { state = t("已撤销", "Withdrawn") }
            else if packed.contains(PathName(record.path).lastComponent) { state = t("已打包", "Packed") }
            else { state = t("已提交", "Submitted") }
            let answer = answers[record.applicationId].map { entry -> String in
                var text = (ApplicationStatus(rawValue: entry.status) ?? .received).familyText.text(in: language)
                if !entry.reasons.isEmpty { text += "：" + entry.reasons.joined(separator: "；") }
                if let school = entry.school { text += "：" + school }
                return text
            } ?? "—"
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
        <section><h2>\(t("已提交", "Submitted"))</h2><table><thead><tr><th>\(t("申请编号", "Application ID"))</th><th>\(t("证件号码", "ID number"))</th><th>\(t("版本", "Revision"))</th><th>\(t("状态", "State"))</th><th>\(t("区教育局答复", "District's answer"))</th></tr></thead><tbody>\(submittedRows)</tbody></table></section>\
        \(endOfDay(language: language, token: context.csrfToken, notice: request.uri.queryParameters["answers"].map(String.init)))
        """
        return StationPage.html(StationPage.page(title: t("今日工作", "Today's work"), station: configuration.signer.station, language: language, path: "/", body: body))
    }

    /// 打包 and 导入回执: the target directories by their place in the list, and the archives found in them.
    func endOfDay(language: Language, token: String, notice: String?) -> HTML {
        func t(_ zh: String, _ en: String) -> String { StationPage.text(language, zh: zh, en: en) }
        let lang = StationPage.langQuery(language)
        let targets = configuration.packTargets()
        let options = targets.enumerated().map { "<option value=\"\($0.offset)\">\($0.element)</option>" as HTML }
        var archives: [HTML] = []
        for (index, directory) in targets.enumerated() {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            where !name.hasPrefix(".") && (name.hasSuffix(".age") || name.hasSuffix(".zst") || name.hasSuffix(".gz") || name.hasSuffix(".zip")) {
                archives.append("<option value=\"\(String(index))/\(name)\">\(directory)/\(name)</option>")
            }
        }
        let waiting = work.unpacked().count
        let encrypted = ArchiveEncryption.districtRecipients(inStationDirectory: configuration.directory) != nil
        var out: HTML = "<section><h2>\(t("打包与回执", "Pack and take in answers"))</h2>"
        if let notice { out += "<p class=\"notice\" role=\"status\">\(t("已导入 \(notice) 条区教育局答复。", "Took in \(notice) answers from the district."))</p>" }
        out += """
        <form method="post" action="/pack?\(lang)">\(CSRFTokens.field(token))<p>\(t("待打包：\(waiting) 个已提交申请。", "Waiting to be packed: \(waiting) submitted applications."))\
        \(encrypted ? "" : HTML(" <strong>\(t("本站目录中没有 district.age.pub，归档将不加密。", "No district.age.pub in the station directory: the archive will not be encrypted."))</strong>"))</p>\
        <div class="field"><label for="pack-target">\(t("打包到（U 盘）", "Pack onto (USB stick)"))</label><select id="pack-target" name="target">\(options)</select></div>\
        <p><button type="submit"\(waiting == 0 ? HTML(" disabled") : "")>\(t("打包", "Pack"))</button></p></form>
        """
        if configuration.districtTrust != nil {
            out += """
            <form method="post" action="/status?\(lang)">\(CSRFTokens.field(token))<div class="field"><label for="status-archive">\(t("区教育局回执（U 盘上的状态归档）", "The district's status archive (on the USB stick)"))</label>\
            <select id="status-archive" name="archive">\(archives)</select></div><p><button type="submit"\(archives.isEmpty ? HTML(" disabled") : "")>\(t("导入回执", "Take in answers"))</button></p></form>
            """
        }
        out += "</section>"
        return out
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
