import EnrollCore
import EnrollWeb
import Foundation
import Hummingbird
import NIOCore

/// The end of the day: 打包 (pack the submitted bundles onto the stick, with progress) and
/// 导入回执 (take in the district's status archive from the stick) — the library calls of
/// `enroll pack --station-dir DIR` and `enroll status import`.
struct WorkController {
    let configuration: StationConfiguration
    let jobs: PackJobs

    func register(on router: Router<WebRequestContext>) {
        let group = router.group("pack")
        group.post(use: pack)
        group.get(":job", use: progressPage)
        group.get(":job/progress", use: progress)
        router.post("status", use: takeIn)
    }

    /// The signed bundles not packed yet (latest list of the station's records).
    func unpacked() -> [String] {
        let packed = PackedIndex(directory: configuration.directory).packed()
        let records = (try? StationRecords(directory: configuration.directory).records()) ?? []
        return records.map(\.path).filter { !packed.contains(PathName($0).lastComponent) && FileManager.default.fileExists(atPath: $0) }
    }

    /// The pick of a target directory by its place in ``StationConfiguration/packTargets()``.
    private func target(_ choice: String?) throws -> String {
        let targets = configuration.packTargets()
        guard let choice, let index = Int(choice), targets.indices.contains(index) else {
            throw WebError(.badRequest, .webNotFound, zh: "请从列表中选择一个目录。", en: "Choose a directory from the list.")
        }
        return targets[index]
    }

    @Sendable func pack(_ request: Request, context: WebRequestContext) async throws -> Response {
        var request = request
        let directory = try target(try await URLEncodedForm.read(&request, limit: 64 << 10)["target"])
        let bundles = unpacked()
        let language = StationPage.language(request)
        guard !bundles.isEmpty else {
            throw WebError(.conflict, .archiveNothingToPack, zh: "没有待打包的已提交申请。", en: "There are no submitted applications waiting to be packed.")
        }
        let signer = configuration.signer
        var packer = try Packer(key: signer.key, station: signer.station, jobs: 2)
        if let file = ArchiveEncryption.districtRecipients(inStationDirectory: configuration.directory) {
            packer.recipients = try ArchiveEncryption.readRecipients(file)
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = "\(signer.station)-\(formatter.string(from: Date())).tar.zst" + (packer.recipients == nil ? "" : ".age")
        let output = directory + "/" + name
        let id = jobs.start()
        let jobs = self.jobs
        let stationDirectory = configuration.directory
        let packerCopy = packer
        Task.detached {
            do {
                let result = try packerCopy.pack(bundles: bundles, to: output) { done, total in jobs.update(id, done: done, total: total) }
                try PackedIndex(directory: stationDirectory).add(bundles: result.packed.map { PathName($0.source).lastComponent }, archive: result.archive ?? output)
                jobs.finish(id, archive: result.archive, packed: result.packed.count, problems: result.refused.flatMap(\.problems))
            } catch let error as EnrollError {
                jobs.finish(id, archive: nil, packed: 0, problems: error.diagnostics)
            } catch {
                jobs.finish(id, archive: nil, packed: 0, problems: [.error(.archiveWriteFailed, Location(file: output), zh: "\(error)", en: "\(error)")])
            }
        }
        return StationPage.redirect("/pack/\(id.uuidString.lowercased())?\(StationPage.langQuery(language))")
    }

    private func job(_ context: WebRequestContext) throws -> (UUID, PackJobs.Job) {
        guard let text = context.parameters.get("job"), let id = UUID(uuidString: text), let job = jobs.job(id) else {
            throw StationPage.notFound("文件")
        }
        return (id, job)
    }

    @Sendable func progress(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (_, job) = try self.job(context)
        let json = JSONLines.object([("done", .int(Int(job.done))), ("total", .int(Int(job.total))), ("finished", .bool(job.finished))])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    @Sendable func progressPage(_ request: Request, context: WebRequestContext) async throws -> Response {
        let (id, job) = try self.job(context)
        let language = StationPage.language(request)
        func t(_ zh: String, _ en: String) -> String { StationPage.text(language, zh: zh, en: en) }
        var body: HTML = "<h1>\(t("打包", "Pack"))</h1>"
        if !job.finished {
            body += """
            <p><label for="pack-progress">\(t("正在打包…", "Packing…"))</label> \
            <progress id="pack-progress" max="\(Int(max(job.total, 1)))" value="\(Int(job.done))" data-progress="/pack/\(id.uuidString.lowercased())/progress"></progress></p>
            """
        } else if let archive = job.archive {
            body += "<p class=\"notice\" role=\"status\" id=\"pack-result\">\(t("已打包 \(job.packed) 个申请到 \(archive)。", "Packed \(job.packed) applications into \(archive)."))</p>"
        }
        if !job.problems.isEmpty {
            body += "<ul class=\"summary\" role=\"alert\">\(job.problems.map { problem -> HTML in "<li>\(FormRenderer.message(problem, language))</li>" })</ul>"
        }
        body += "<p><a href=\"/?\(StationPage.langQuery(language))\">\(t("返回今日工作", "Back to today's work"))</a></p>"
        return StationPage.html(StationPage.page(title: t("打包", "Pack"), station: configuration.signer.station, language: language, path: "/pack/\(id.uuidString.lowercased())", body: body))
    }

    @Sendable func takeIn(_ request: Request, context: WebRequestContext) async throws -> Response {
        var request = request
        let form = try await URLEncodedForm.read(&request, limit: 64 << 10)
        let language = StationPage.language(request)
        guard let trust = configuration.districtTrust else {
            throw WebError(.conflict, .sigTrustMissing,
                           zh: "未配置区教育局的公钥，无法核验回执。请用 enroll station serve --trust DIR 启动。",
                           en: "The district's public key is not configured, so a status archive cannot be checked. Start with enroll station serve --trust DIR.")
        }
        // The archive is picked from a listing of a target directory, by name.
        let choice = form["archive"] ?? ""
        let parts = choice.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw StationPage.notFound("文件") }
        let directory = try target(parts[0])
        let name = parts[1]
        let listing = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        guard listing.contains(name), !name.hasPrefix(".") else { throw StationPage.notFound("文件") }
        let (entries, _) = try StatusArchive.read(directory + "/" + name, trust: trust, identities: configuration.identities)
        let changed = try StationStatus(directory: configuration.directory).merge(entries)
        return StationPage.redirect("/?answers=\(entries.count)&changed=\(changed)&\(StationPage.langQuery(language))")
    }
}
