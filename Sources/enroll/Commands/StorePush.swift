import ArgumentParser
import EnrollCore
import Foundation

extension Enroll.Store {
    /// `enroll store push --from DIR --to postgres://… --objects DIR`: a district's store into
    /// the city store.
    struct Push: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "push", 
            abstract: "Send a district's store into the city store on PostgreSQL. 把区县数据库推送到全市库。",
            discussion: "Applications, revisions, decisions, audit events and objects; what the city store has already is left as it is. Safe to run again, and to re-run after an interrupted push. Exit status 1 when an application was refused (each is listed).")
        @OptionGroup var common: CommonOptions
        @Option(name: .long, help: ArgumentHelp("The district store directory (SQLite).", valueName: "dir")) var from: String
        @Option(name: .long, help: ArgumentHelp("The city store: postgres://USER@HOST:PORT/DB.", valueName: "url")) var to: String
        @Option(name: .long, help: ArgumentHelp("The city store's objects directory. Default: $ENROLL_OBJECTS.", valueName: "dir")) var objects: String?
        @Option(name: .long, help: "Who pushes (default: $USER).") var actor: String = DistrictStore.defaultActor

        func run() async throws {
            try reportingErrors(common) {
                guard PostgresLocation.isPostgres(to) else {
                    throw ValidationError("--to takes postgres://USER@HOST:PORT/DB. --to 应为 PostgreSQL 地址。")
                }
                let source = try SQLiteBackend(directory: from)
                let objects = objects ?? ProcessInfo.processInfo.environment["ENROLL_OBJECTS"]
                let city = try DistrictStore(location: to, objects: objects)
                guard let target = city.backend as? PostgreSQLBackend else { return }
                let report = try target.push(from: source, actor: actor)
                if common.format != .text {
                    Terminal.json(report)
                    if !report.refused.isEmpty { throw ExitCode(ExitStatus.invalid.rawValue) }
                    return
                }
                Terminal.out(common.language == .zh
                    ? "新申请 \(report.newApplications) 个，更新 \(report.updatedApplications) 个；新版本 \(report.newRevisions) 个，新日志 \(report.newEvents) 条，新文件 \(report.newObjects) 个。"
                    : "New applications: \(report.newApplications), updated: \(report.updatedApplications); new revisions: \(report.newRevisions), new audit events: \(report.newEvents), new objects: \(report.newObjects).")
                for problem in report.refused {
                    Terminal.out(common.language == .zh ? problem.zh : problem.en)
                }
                // A push that left applications behind is not a success: scripts must see it.
                if !report.refused.isEmpty { throw ExitCode(ExitStatus.invalid.rawValue) }
            }
        }
    }
}
