import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird

/// The queue page: filters, the search box, the table with checkboxes, paging and the bulk
/// decision form.
struct QueuePageView {
    var query: QueueQuery
    var page: QueuePage
    var forms: [String]
    /// The request, for paging links that keep the filters (nil on search results).
    var request: Request?

    func render(clerk: Clerk, csrf: String, notice: HTML?) -> HTML {
        let rows = page.items.map { item -> HTML in
            let flags = item.flags.map { flag -> HTML in "<span class=\"flag\">\(Layout.flagText(flag))</span> " }
            return """
                <tr><td><input type="checkbox" name="app" value="\(item.applicationId):\(String(item.version))" aria-label="选择 / Select \(item.collectionNumber)"></td>\
                <td><a href="/applications/\(item.applicationId)">\(item.collectionNumber)</a></td><td>\(Layout.status(item.status))</td>\
                <td>\(item.form)</td><td>\(item.station)</td><td>\(item.school ?? "")</td><td>\(flags)</td><td>\(item.updatedAt)</td></tr>
                """
        }
        let firstShown = page.items.isEmpty ? 0 : query.offset + 1
        let body: HTML = """
            <main><h1>审核队列 / Review queue</h1>\(notice ?? "")\
            <form method="post" action="/search" class="filters" role="search">\(Layout.csrfField(csrf))\
            <label for="q">采集编号、申请编号或身份证号 / Collection number, application ID or ID number<input id="q" name="q" autocomplete="off"></label>\
            <button type="submit">查找 / Find</button></form>\
            \(filters)\
            <p id="queue-count">共 \(page.total) 个，显示 \(firstShown)–\(query.offset + page.items.count) / \(page.total) applications, showing \(firstShown)-\(query.offset + page.items.count)</p>\
            <form method="post" action="/queue/bulk">\(Layout.csrfField(csrf))\
            <table id="queue"><thead><tr><th><input type="checkbox" id="select-all" aria-label="全选 / Select all"></th>\
            <th>采集编号 / Number</th><th>状态 / Status</th><th>表单 / Form</th><th>采集点 / Station</th><th>学校 / School</th>\
            <th>提示 / Flags</th><th>更新 / Updated</th></tr></thead><tbody>\(rows)</tbody></table>\
            \(pager)\
            <fieldset class="decide"><legend>对选中的申请 / For the selected applications</legend>\
            <label for="bulk-action">决定 / Decision</label> <select id="bulk-action" name="action">\
            <option value="verify">审核通过 / verify</option><option value="hold">暂缓 / hold</option><option value="reject">驳回 / reject</option></select> \
            <label for="bulk-other">理由（每行一条）/ Reasons (one a line)</label> <textarea id="bulk-other" name="other" rows="2"></textarea> \
            <button type="submit">执行 / Apply</button></fieldset></form></main>
            """
        return Layout.page(title: "审核队列 / Queue", clerk: clerk, csrf: csrf, body: body)
    }

    var filters: HTML {
        func option(_ value: String, _ label: String, selected: Bool) -> HTML {
            selected ? "<option value=\"\(value)\" selected>\(label)</option>" : "<option value=\"\(value)\">\(label)</option>"
        }
        let statuses = [option("", "全部 / all", selected: query.status == nil)]
            + ApplicationStatus.allCases.map { option($0.rawValue, $0.rawValue, selected: query.status == $0) }
        let flags = [option("", "全部 / all", selected: query.flag == nil)]
            + ReviewFlag.all.map { option($0.rawValue, Layout.flagText($0), selected: query.flag == $0) }
        let formOptions = [option("", "全部 / all", selected: query.form == nil)] + forms.map { option($0, $0, selected: query.form == $0) }
        let sorts = QueueQuery.Sort.allCases.map { option($0.rawValue, $0.rawValue, selected: query.sort == $0) }
        return """
            <form method="get" action="/queue" class="filters">\
            <label for="f-status">状态 / Status<select id="f-status" name="status">\(statuses)</select></label>\
            <label for="f-flag">提示 / Flag<select id="f-flag" name="flag">\(flags)</select></label>\
            <label for="f-form">表单 / Form<select id="f-form" name="form">\(formOptions)</select></label>\
            <label for="f-station">采集点 / Station<input id="f-station" name="station" value="\(query.station ?? "")"></label>\
            <label for="f-school">学校 / School<input id="f-school" name="school" value="\(query.school ?? "")"></label>\
            <label for="f-from">收到自 / Received from<input id="f-from" name="from" type="date" value="\(query.receivedFrom ?? "")"></label>\
            <label for="f-to">收到至 / Received to<input id="f-to" name="to" type="date" value="\(query.receivedTo ?? "")"></label>\
            <label for="f-sort">排序 / Sort<select id="f-sort" name="sort">\(sorts)</select></label>\
            <label for="f-desc"><span>倒序 / Descending</span><input id="f-desc" name="desc" type="checkbox" value="1"\(query.descending ? " checked" : "")></label>\
            <button type="submit">筛选 / Filter</button></form>
            """
    }

    var pager: HTML {
        guard let request, page.total > query.limit else { return "" }
        let current = query.offset / query.limit + 1
        let last = (page.total + query.limit - 1) / query.limit
        func link(_ number: Int, _ label: String) -> HTML {
            var items = request.uri.queryParameters.filter { $0.key != "page" }.map { Self.encode(String($0.key)) + "=" + Self.encode(String($0.value)) }
            items.append("page=\(number)")
            return "<a href=\"/queue?\(items.joined(separator: "&"))\">\(label)</a>"
        }
        var parts: [HTML] = []
        if current > 1 { parts.append(link(current - 1, "‹ 上一页 / Previous")) }
        parts.append("<span>第 \(current) / \(last) 页 · page \(current) of \(last)</span>")
        if current < last { parts.append(link(current + 1, "下一页 / Next ›")) }
        return "<nav class=\"pager\" aria-label=\"分页 / Pages\">\(parts.map { $0 + " " })</nav>"
    }
}

extension QueuePageView {
    /// Percent-encodes a query item's name or value.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension HTML {
    static func + (lhs: HTML, rhs: HTML) -> HTML { HTML([lhs, rhs]) }
}
