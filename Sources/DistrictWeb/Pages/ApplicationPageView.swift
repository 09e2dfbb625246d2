import EnrollCore
import Foundation
import EnrollWeb
import JSONSchema

/// One application's page: the summary and decision form, the form data by section beside
/// each section's document photos, the revision history with what changed, the flags with
/// the other applications linked, the audit trail. ID numbers and phones are shown in full:
/// only a signed-in clerk reaches this page.
struct ApplicationPageView {
    var detail: ApplicationDetail
    var form: Form?
    var data: JSONValue?
    var revisions: [RevisionForm]
    var attachments: [StoredFile]
    var events: [AuditEvent]
    var sameChild: [ApplicationSummary]
    var samePhone: [ApplicationSummary]
    var reasons: [ReviewReason]
    /// The print buttons (set by the controller, which knows whether the desk has a key).
    var printing: HTML = ""

    static func load(store: DistrictStore, id: String, catalog: FormCatalog) throws -> ApplicationPageView {
        let detail = try store.detail(id)
        let related = try store.related(to: detail.summary.applicationId)
        return ApplicationPageView(
            detail: detail, form: try? catalog.form(detail.summary.form),
            data: detail.formJSON.flatMap { try? JSONParser.parse(Array($0.utf8)) },
            revisions: try store.revisionForms(id), attachments: try store.attachments(of: id),
            events: try store.events(application: detail.summary.applicationId),
            sameChild: related.sameChild, samePhone: related.samePhone, reasons: try store.reviewReasons())
    }

    func render(clerk: Clerk, csrf: String, decided: ReviewAction?, problem: Diagnostic?) -> HTML {
        let s = detail.summary
        var banner: HTML = ""
        if let problem {
            banner = "<div role=\"alert\" class=\"problem\" id=\"decision-problem\"><p lang=\"zh-Hans\">\(problem.message.zh)</p><p lang=\"en\">\(problem.message.en)</p><p><code>\(problem.code.rawValue)</code></p></div>"
        } else if let decided {
            banner = "<div role=\"status\" class=\"notice\" id=\"decision-done\">已保存：\(decided.rawValue) / Saved: \(decided.rawValue)</div>"
        }
        let reasonsShown: HTML = s.reasons.isEmpty ? "" : "<ul id=\"current-reasons\">\(s.reasons.map { reason -> HTML in "<li>\(reason)</li>" })</ul>"
        let body: HTML = """
            <main><h1>申请 \(s.collectionNumber) / Application \(s.collectionNumber)</h1>\(banner)\
            <p>\(Layout.status(s.status)) · \(s.form) · 采集点 / station \(s.station) · 第 \(s.revision) 版 / revision \(s.revision)\
            \(s.school.map { school -> HTML in " · 学校 / school \(school)" } ?? "")</p>\(reasonsShown)\
            <p class="id">申请编号 / Application ID <code>\(s.applicationId)</code></p>\
            \(s.authorization.map { status -> HTML in "<p id=\"authorization\">\(status.line.zh) / \(status.line.en)</p>" } ?? "")\
            \(printing)\(decisionForm(csrf: csrf))\(flags)\(sections)\(history)\(audit)</main>
            """
        return Layout.page(title: "申请 \(s.collectionNumber)", clerk: clerk, csrf: csrf, body: body)
    }

    // MARK: Decisions

    func decisionForm(csrf: String) -> HTML {
        let s = detail.summary
        let allowed = ReviewAction.allCases.filter { $0.allowedFrom.contains(s.status) }
        guard !allowed.isEmpty else { return "<p>此状态不能再作决定 / No decision is possible from this status.</p>" }
        let labels: [ReviewAction: String] = [.verify: "审核通过 / Verify", .hold: "暂缓 / Hold", .reject: "驳回 / Reject", .admit: "录取 / Admit"]
        let actions = allowed.map { action -> HTML in
            "<label><input type=\"radio\" name=\"action\" value=\"\(action.rawValue)\" id=\"action-\(action.rawValue)\"> \(labels[action] ?? action.rawValue)</label> "
        }
        let common = reasons.enumerated().map { index, reason -> HTML in
            "<li><input type=\"checkbox\" name=\"reason\" id=\"reason-\(index)\" value=\"\(reason.text)\"><label for=\"reason-\(index)\">\(reason.text)</label></li>"
        }
        let schools = schoolChoices.map { school -> HTML in "<option value=\"\(school)\"></option>" }
        let appliedSchool = data?["application"]?["school"]?.stringValue ?? ""
        return """
            <form method="post" action="/applications/\(s.applicationId)/decision" class="decide" id="decision">\(Layout.csrfField(csrf))\
            <input type="hidden" name="version" value="\(String(s.version))">\
            <fieldset><legend>决定 / Decision</legend>\(actions)</fieldset>\
            <fieldset><legend>理由（驳回、暂缓）/ Reasons (reject, hold)</legend><ul class="reasons">\(common)</ul>\
            <label for="other-reasons">其他理由（每行一条）/ Other reasons (one a line)</label><br><textarea id="other-reasons" name="other" rows="3" cols="60"></textarea></fieldset>\
            <fieldset><legend>录取学校 / School (admit)</legend><label for="school">学校 / School</label> \
            <input id="school" name="school" list="schools" value="\(appliedSchool)"><datalist id="schools">\(schools)</datalist></fieldset>\
            <button type="submit">保存决定 / Save the decision</button></form>
            """
    }

    /// The schools the form lists for its school field, where it has such a list.
    var schoolChoices: [String] {
        form?.fieldList().first { $0.pointer.hasSuffix("/school") && $0.options != nil }?.options ?? []
    }

    // MARK: Flags

    var flags: HTML {
        guard !detail.flags.isEmpty else { return "" }
        func links(_ others: [ApplicationSummary]) -> HTML {
            HTML(others.map { other -> HTML in " <a href=\"/applications/\(other.applicationId)\">\(other.collectionNumber)</a>" })
        }
        let items = detail.flags.map { flag -> HTML in
            var others: HTML = ""
            if flag.flag == .duplicateChild { others = "同一儿童的其他申请 / the same child elsewhere:" + links(sameChild) }
            if flag.flag == .phoneQuota { others = "同一电话的其他家庭 / other families on the same phone:" + links(samePhone) }
            return "<li><strong>\(Layout.flagText(flag.flag))</strong> \(flag.detail) <span class=\"related\">\(others)</span></li>"
        }
        return "<section id=\"flags\"><h2>提示 / Flags</h2><ul>\(items)</ul></section>"
    }

    // MARK: Sections beside their documents

    var sections: HTML {
        guard let object = data?.objectValue else { return "<p>没有表单数据 / No form data.</p>" }
        var placed = Set<Int>()
        var parts: [HTML] = []
        for (key, value) in zip(object.keys, object.values) {
            let label = form?.label(at: JSONPointer(tokens: [key])) ?? LocalizedText(zh: key, en: key)
            let leaves = FormChanges.leaves(value, at: "/" + JSONPointer.escape(key))
            let rows = leaves.map { leaf -> HTML in
                let name = fieldLabel(leaf.pointer, section: key)
                return "<dt>\(name.zh) / \(name.en)</dt><dd data-pointer=\"\(leaf.pointer)\">\(leaf.text)</dd>"
            }
            let documents = attachments.enumerated().filter { Self.section(ofSlot: Self.slot(of: $0.element.path), keys: object.keys) == key }
            placed.formUnion(documents.map(\.offset))
            parts.append(
                """
                <section class="section" aria-labelledby="section-\(key)"><div><h2 id="section-\(key)">\(Layout.bilingual(label))</h2>\
                <dl class="fields">\(rows)</dl></div><div class="documents">\(documents.map { photo($0.offset, $0.element) })</div></section>
                """)
        }
        let rest = attachments.enumerated().filter { !placed.contains($0.offset) }
        if !rest.isEmpty {
            parts.append(
                "<section class=\"section\" aria-labelledby=\"section-other\"><div><h2 id=\"section-other\">其他材料 / Other documents</h2></div><div class=\"documents\">\(rest.map { photo($0.offset, $0.element) })</div></section>")
        }
        return "<div id=\"form-data\">\(parts)</div>"
    }

    func fieldLabel(_ pointer: String, section: String) -> LocalizedText {
        guard let parsed = try? JSONPointer(parsing: pointer), let form else { return LocalizedText(zh: pointer, en: pointer) }
        return form.label(at: parsed) ?? form.fieldName(at: parsed)
    }

    func photo(_ index: Int, _ file: StoredFile) -> HTML {
        let slotID = Self.slot(of: file.path)
        let slotLabel = form?.slots.first { $0.id == slotID }?.label ?? LocalizedText(zh: slotID, en: slotID)
        let name = String(file.path.split(separator: "/").last ?? "")
        let image = ApplicationController.mediaType(file.path).hasPrefix("image/")
        let id = "photo-\(index)"
        let content: HTML = image
            ? "<div class=\"frame\"><img id=\"\(id)\" src=\"/applications/\(detail.summary.applicationId)/documents/\(index)\" alt=\"\(slotLabel.zh) \(name)\" data-zoom=\"1\" data-rotation=\"0\"></div>"
            : "<p><a id=\"\(id)\" href=\"/applications/\(detail.summary.applicationId)/documents/\(index)\">\(name)</a></p>"
        let tools: HTML = image
            ? """
                <button type="button" data-photo="\(id)" data-act="zoom-in">放大 / Zoom in</button>\
                <button type="button" data-photo="\(id)" data-act="zoom-out">缩小 / Zoom out</button>\
                <button type="button" data-photo="\(id)" data-act="rotate">旋转 / Rotate</button>\
                <button type="button" data-photo="\(id)" data-act="reset">复原 / Reset</button>
                """
            : ""
        return "<figure class=\"document\">\(content)<figcaption>\(slotLabel.zh) / \(slotLabel.en) · \(name) \(tools)</figcaption></figure>"
    }

    /// The slot of an attachment path (`data/attachments/<slot>/<n>.<ext>`).
    static func slot(of path: String) -> String {
        let parts = path.split(separator: "/")
        return parts.count >= 3 ? String(parts[2]) : ""
    }

    /// The section a slot's photos stand beside: the section whose key the slot id starts
    /// with, hyphens aside (`hukou-documents` → `hukou`, `residence-permit-…` →
    /// `residencePermit`); the longest such key wins; nil for none.
    static func section(ofSlot slot: String, keys: [String]) -> String? {
        let compact = slot.replacingOccurrences(of: "-", with: "").lowercased()
        return keys.filter { compact.hasPrefix($0.lowercased()) }.max { $0.count < $1.count }
    }

    // MARK: History and audit

    var history: HTML {
        var previous: JSONValue?
        let items = revisions.map { revision -> HTML in
            let data = revision.formJSON.flatMap { try? JSONParser.parse(Array($0.utf8)) }
            var changes: HTML = ""
            if let previous, let data {
                let list = FormChanges.between(previous, data).map { change -> HTML in
                    let name = fieldLabel(change.pointer, section: "")
                    return "<li>\(name.zh) / \(name.en): <del>\(change.before ?? "—")</del> → <ins>\(change.after ?? "—")</ins></li>"
                }
                changes = list.isEmpty ? "<p>内容未变 / No field changed.</p>" : "<ul class=\"changes\">\(list)</ul>"
            }
            if revision.state != .conflict, let data { previous = data }
            return "<li>第 \(revision.revision) 版 / revision \(revision.revision) · \(revision.state.rawValue) · \(revision.importedAt) · <code>\(String(revision.digest.prefix(16)))</code>\(changes)</li>"
        }
        return "<section id=\"history\"><h2>修订历史 / Revision history</h2><ol>\(items)</ol></section>"
    }

    var audit: HTML {
        let rows = events.map { event -> HTML in
            let detail = event.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " · ")
            return "<tr><td>\(event.at)</td><td class=\"actor\">\(event.actor)</td><td>\(event.action.rawValue)</td><td>\(detail)</td></tr>"
        }
        return """
            <section id="audit"><h2>审计记录 / Audit trail</h2><table><thead><tr><th>时间 / When</th><th>账号 / Who</th>\
            <th>操作 / What</th><th>详情 / Detail</th></tr></thead><tbody>\(rows)</tbody></table></section>
            """
    }
}
