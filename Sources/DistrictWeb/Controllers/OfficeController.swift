import AgeKit
import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import NIOCore

/// The office's import and export work, for admins: import a transfer archive from the
/// import directory (in the background, with progress and the import report), write the
/// status archive for a station or all, and the application exports (JSON, CSV and the .xlsx
/// workbook of `enroll export xlsx`), masked.
struct OfficeController {
    let configuration: DeskConfiguration
    let jobs: ImportJobs

    func register(_ group: RouterGroup<DeskContext>) {
        group.get("office", use: overview)
        group.post("office/import", use: startImport)
        group.get("office/import/:job", use: importProgress)
        group.post("office/status-export", use: statusExport)
        group.get("exports/applications.json", use: exportJSON)
        group.get("exports/applications.csv", use: exportCSV)
        group.get("exports/applications.xlsx", use: exportXLSX)
    }

    func office() throws -> DeskConfiguration.OfficeSetup {
        guard let office = configuration.office else {
            throw DeskError(
                .notFound, .webUnknownApplication,
                zh: "本审核台启动时未指定导入与导出目录（--import-dir、--output-dir）。", en: "The desk was started without import and output directories (--import-dir, --output-dir).")
        }
        return office
    }

    /// The archives in the import directory, by name (what a request may pick from).
    static func archives(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            !name.hasPrefix(".") && [".tar.zst", ".tar.gz", ".zip", ".tar", ".age"].contains { name.hasSuffix($0) }
        }.sorted()
    }

    @Sendable func overview(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let office = try office()
        let csrf = Layout.csrfField(context.csrfToken)
        let archives = Self.archives(in: office.importDirectory).enumerated().map { index, name -> HTML in
            "<li><input type=\"radio\" name=\"archive\" id=\"archive-\(index)\" value=\"\(name)\"><label for=\"archive-\(index)\">\(name)</label></li>"
        }
        let stations = Set(try store.trustedKeys().map(\.station)).sorted().map { station -> HTML in "<option value=\"\(station)\">\(station)</option>" }
        let page = Layout.page(
            title: "导入与导出 / Import and export", clerk: clerk, csrf: context.csrfToken,
            body: """
                <main><h1>导入与导出 / Import and export</h1>\
                <section id="import"><h2>导入归档 / Import an archive</h2><p>目录 / Directory: <code>\(office.importDirectory)</code></p>\
                <form method="post" action="/admin/office/import">\(csrf)<ul>\(archives)</ul>\
                <button type="submit">导入 / Import</button></form></section>\
                <section id="status-export"><h2>导出结果归档 / Export the status archive</h2>\
                <form method="post" action="/admin/office/status-export">\(csrf)<label for="station">采集点 / Station</label> \
                <select id="station" name="station"><option value="">全部 / all</option>\(stations)</select> \
                <button type="submit">导出 / Export</button></form></section>\
                <section id="exports"><h2>数据导出（已遮蔽）/ Exports (masked)</h2><ul>\
                <li><a href="/admin/exports/applications.json">applications.json</a></li><li><a href="/admin/exports/applications.csv">applications.csv</a></li>\
                <li><a href="/admin/exports/applications.xlsx">applications.xlsx</a>（Excel，身份证号与电话为文本 / ID numbers and phones as text）</li></ul></section></main>
                """)
        return DeskResponse.html(page)
    }

    @Sendable func startImport(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, _) = try context.signedIn()
        let office = try office()
        var request = request
        let chosen = try await URLEncodedForm.read(&request)["archive"] ?? ""
        // Only a name the listing shows: the request never forms a path.
        guard let name = Self.archives(in: office.importDirectory).first(where: { $0 == chosen }) else {
            throw DeskError(.badRequest, .usageBadName, zh: "请从列表中选择一个归档。", en: "Pick an archive from the list.")
        }
        let job = await jobs.start(
            path: office.importDirectory + "/" + name, configuration: configuration, identities: office.identities, actor: clerk.name)
        return DeskResponse.redirect("/admin/office/import/\(job.uuidString.lowercased())")
    }

    @Sendable func importProgress(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, _) = try context.signedIn()
        guard let raw = context.parameters.get("job"), let id = UUID(uuidString: raw), let job = await jobs.job(id) else {
            throw DeskError.unknownApplication()
        }
        var body: HTML = "<main><h1>导入 / Import: \(job.archive)</h1><p id=\"import-progress\" role=\"status\">已处理 \(job.processed) 个申请包 / \(job.processed) bundles processed</p>"
        if let failure = job.failure {
            body += "<div role=\"alert\" class=\"problem\"><p>\(failure.message.zh)</p><p>\(failure.message.en)</p><p><code>\(failure.code.rawValue)</code></p></div>"
        }
        if let report = job.report {
            let counts = ImportReport.Outcome.allCases.map { outcome -> HTML in "<li>\(outcome.rawValue): \(report.counts[outcome] ?? 0)</li>" }
            let quarantined = report.items.filter { $0.outcome == .quarantined }.map { item -> HTML in
                let reasons = item.diagnostics.map { problem -> HTML in
                    "<li><code>\(problem.code.rawValue)</code> \(problem.location.description) \(problem.message.zh) / \(problem.message.en)</li>"
                }
                return "<li>\(item.source)<ul>\(reasons)</ul></li>"
            }
            let archive = report.archiveProblems.map { problem -> HTML in "<li><code>\(problem.code.rawValue)</code> \(problem.message.zh) / \(problem.message.en)</li>" }
            body += "<section id=\"import-report\"><h2>导入报告 / Import report</h2><ul>\(counts)</ul><ul>\(archive)</ul><h3>隔离的申请包 / Quarantined bundles</h3><ul id=\"quarantined\">\(quarantined)</ul></section>"
        } else if job.failure == nil {
            body += "<p><a href=\"/admin/office/import/\(raw)\">刷新 / Refresh</a></p>"
        }
        body += "</main>"
        return DeskResponse.html(Layout.page(title: "导入 / Import", clerk: clerk, csrf: context.csrfToken, body: body))
    }

    @Sendable func statusExport(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let office = try office()
        guard let key = office.districtKey else {
            throw DeskError(.badRequest, .usageBadName, zh: "本审核台启动时未指定区密钥（--key）。", en: "The desk was started without the district key (--key).")
        }
        var request = request
        let chosen = try await URLEncodedForm.read(&request)["station"] ?? ""
        let stations = Set(try store.trustedKeys().map(\.station))
        let station: String? = chosen.isEmpty ? nil : chosen
        if let station, !stations.contains(station) {
            throw DeskError(.badRequest, .usageBadName, zh: "请从列表中选择采集点。", en: "Pick a station from the list.")
        }
        // The desk names the file; the station's name is used only once it is known to the store.
        let name = "status-\(station.map(Self.fileSafe) ?? "all")-\(StoreClockText.stamp()).tar.zst"
        let count = try StatusArchive.export(
            from: store, key: key, district: office.districtName, station: station, to: office.outputDirectory + "/" + name, actor: clerk.name)
        let page = Layout.page(
            title: "导出 / Export", clerk: clerk, csrf: context.csrfToken,
            body: "<main><h1>已导出结果归档 / Status archive written</h1><p id=\"status-written\" role=\"status\">\(name): \(count)</p><p><a href=\"/admin/office\">返回 / Back</a></p></main>")
        return DeskResponse.html(page)
    }

    @Sendable func exportJSON(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        return Self.download(ApplicationExport.json(try store.exportRows(), masked: true), type: "application/json; charset=utf-8", name: "applications.json")
    }

    @Sendable func exportCSV(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        return Self.download(ApplicationExport.csv(try store.exportRows(), masked: true), type: "text/csv; charset=utf-8", name: "applications.csv")
    }

    /// The workbook `enroll export xlsx --mask` writes (``FileDownload``: built in a private
    /// temporary directory that is removed before the response leaves).
    @Sendable func exportXLSX(_ request: Request, context: DeskContext) async throws -> Response {
        let (_, store) = try context.signedIn()
        return try FileDownload.response(in: NSTemporaryDirectory(), contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") { path in
            _ = try ApplicationWorkbook.write(from: store, catalog: configuration.catalog, to: path, options: ApplicationWorkbook.Options(masked: true))
            return "applications.xlsx"
        }
    }

    /// A station name as part of a file name: letters, digits, `.`, `_`, `-`; anything else `_`.
    static func fileSafe(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) ? Character($0) : "_" })
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    static func download(_ text: String, type: String, name: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A file-name time stamp (UTC, to the second).
enum StoreClockText {
    static func stamp() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss"
        return formatter.string(from: Date())
    }
}

/// The imports the admins started, in the server's memory: progress and the report.
actor ImportJobs {
    struct Job: Sendable {
        var archive: String
        var processed = 0
        var report: ImportReport?
        var failure: Diagnostic?
    }

    private var jobs: [UUID: Job] = [:]

    func job(_ id: UUID) -> Job? { jobs[id] }

    /// Counts one bundle done. The importer's callback reaches the actor through a task of its
    /// own, so a count may arrive after ``finish(_:report:failure:)``: a finished job keeps the
    /// report's count.
    func progressed(_ id: UUID) {
        guard let job = jobs[id], job.report == nil, job.failure == nil else { return }
        jobs[id]?.processed += 1
    }

    func finish(_ id: UUID, report: ImportReport?, failure: Diagnostic?) {
        jobs[id]?.report = report
        jobs[id]?.failure = failure
        if let report { jobs[id]?.processed = report.items.count }
    }

    /// Starts an import in the background (the library's ``Importer``, the same as
    /// `enroll import`), with the admin's account as the actor; it holds the store only while
    /// it runs.
    func start(path: String, configuration: DeskConfiguration, identities: [AgeIdentity]?, actor: String) -> UUID {
        let id = UUID()
        jobs[id] = Job(archive: String(path.split(separator: "/").last ?? ""))
        Task.detached { [self] in
            do {
                let store = try configuration.openStore()
                let importer = try Importer(store: store, catalog: configuration.catalog, actor: actor, identities: identities)
                let report = try importer.importPaths([path]) { _ in Task { await self.progressed(id) } }
                await self.finish(id, report: report, failure: nil)
            } catch let error as EnrollError {
                await self.finish(id, report: nil, failure: error.diagnostics.first)
            } catch {
                await self.finish(id, report: nil, failure: .error(.importFailed, Location(file: path), zh: "导入失败：\(error)", en: "The import failed: \(error)"))
            }
        }
        return id
    }
}
