import CalendarDates
import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird

/// The review queue: `GET /queue` (filters in the query, never a personal number),
/// `POST /search` (the number in the body only), `POST /queue/bulk` (one decision for the
/// selected applications), and `GET /api/queue` for scripts.
struct QueueController {
    let configuration: DeskConfiguration

    func register(_ router: Router<DeskContext>) {
        router.get("/") { _, _ -> Response in DeskResponse.redirect("/queue") }
        router.get("queue", use: list)
        router.post("search", use: search)
        router.post("queue/bulk", use: bulk)
        router.get("api/queue", use: listJSON)
    }

    /// The queue query a request's query string names.
    func query(_ request: Request) throws -> QueueQuery {
        let items = request.uri.queryParameters
        func value(_ name: String) -> String? {
            guard let raw = items[Substring(name)], !raw.isEmpty else { return nil }
            return String(raw)
        }
        var query = QueueQuery(limit: configuration.pageSize)
        if let raw = value("status") {
            guard let status = ApplicationStatus(rawValue: raw) else { throw Self.badFilter("status", raw) }
            query.status = status
        }
        if let raw = value("flag") { query.flag = ReviewFlag(rawValue: raw) }
        query.form = value("form")
        query.station = value("station")
        query.school = value("school")
        for (name, day) in [("from", value("from")), ("to", value("to"))] {
            guard let day else { continue }
            guard day.count == 10, CalendarDate(iso: day) != nil else { throw Self.badFilter(name, day) }
            if name == "from" { query.receivedFrom = day } else { query.receivedTo = day }
        }
        if let raw = value("sort") {
            guard let sort = QueueQuery.Sort(rawValue: raw) else { throw Self.badFilter("sort", raw) }
            query.sort = sort
        }
        query.descending = value("desc") == "1"
        if let raw = value("page") {
            guard let page = Int(raw), page >= 1, page < 1_000_000 else { throw Self.badFilter("page", raw) }
            query.offset = (page - 1) * query.limit
        }
        return query
    }

    static func badFilter(_ name: String, _ value: String) -> DeskError {
        DeskError(
            .badRequest, .usageBadName, zh: "筛选条件 \(name) 的值“\(value)”无效，请从页面上的选项中选择。",
            en: "The filter \(name) has an invalid value \"\(value)\"; pick one of the page's choices.")
    }

    @Sendable func list(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let query = try query(request)
        let page = try store.queue(query)
        return DeskResponse.html(QueuePageView(query: query, page: page, forms: configuration.catalog.ids, request: request)
            .render(clerk: clerk, csrf: context.csrfToken, notice: nil))
    }

    @Sendable func listJSON(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        let page = try store.queue(try query(request))
        return DeskResponse.json(QueueJSON(total: page.total, items: page.items))
    }

    @Sendable func search(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        var request = request
        let text = try await URLEncodedForm.read(&request)["q"] ?? ""
        let found = try store.search(text)
        if found.count == 1 { return DeskResponse.redirect("/applications/" + found[0].applicationId) }
        let page = QueuePage(total: found.count, items: found)
        let view = QueuePageView(query: QueueQuery(limit: max(1, found.count)), page: page, forms: configuration.catalog.ids, request: nil)
        let notice: HTML = found.isEmpty
            ? "<div role=\"status\" class=\"problem\">没有找到匹配的申请 / No application matches that number.</div>"
            : "<div role=\"status\" class=\"notice\">找到 \(found.count) 个申请 / \(found.count) applications match.</div>"
        return DeskResponse.html(view.render(clerk: clerk, csrf: context.csrfToken, notice: notice))
    }

    @Sendable func bulk(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        var request = request
        let body = try await URLEncodedForm.read(&request)
        let form = try DecisionForm(body)
        var outcomes: [HTML] = []
        for item in body.all("app") {
            let parts = item.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let version = Int64(parts[1]), UUID(uuidString: parts[0]) != nil else { continue }
            do {
                let after = try store.review(
                    form.action, parts[0], reasons: form.reasons, school: form.school, reviewer: clerk.name, expectedVersion: version)
                outcomes.append("<li><a href=\"/applications/\(after.applicationId)\">\(after.collectionNumber)</a> → \(Layout.status(after.status))</li>")
            } catch let error as EnrollError {
                let problem = error.diagnostics.first
                outcomes.append(
                    "<li class=\"problem\"><a href=\"/applications/\(parts[0])\">\(parts[0].prefix(8).description)</a>: <code>\(problem?.code.rawValue ?? "")</code> \(problem?.message.zh ?? "") / \(problem?.message.en ?? "")</li>")
            }
        }
        let page = Layout.page(
            title: "批量处理 / Bulk decision", clerk: clerk, csrf: context.csrfToken,
            body: """
                <main><h1>批量处理结果 / Bulk decision</h1><ul id="bulk-results">\(outcomes)</ul>\
                <p><a href="/queue">返回审核队列 / Back to the queue</a></p></main>
                """)
        return DeskResponse.html(page)
    }
}

/// The queue as `/api/queue` answers it.
struct QueueJSON: Encodable {
    var total: Int
    var items: [ApplicationSummary]
}

/// A decision as a form posts it: `action`, `reason` (repeated: the common reasons picked),
/// `other` (free text, one reason a line), `school`.
struct DecisionForm {
    var action: ReviewAction
    var reasons: [String]
    var school: String?

    init(_ body: URLEncodedForm) throws {
        guard let raw = body["action"], let action = ReviewAction(rawValue: raw) else {
            throw DeskError(
                .badRequest, .usageBadName, zh: "请选择一个决定（通过、暂缓、驳回或录取）。", en: "Pick a decision: verify, hold, reject or admit.")
        }
        self.action = action
        let typed = (body["other"] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        reasons = (body.all("reason") + typed).filter { !$0.isEmpty }
        school = body["school"].flatMap { $0.isEmpty ? nil : $0 }
    }
}
