import ArgumentParser
import EnrollCore
import Logging

extension Enroll {
    /// `enroll import PATH... --store DIR`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", 
            abstract: "Import archives and bundles into the district store: verify, validate, merge. 导入区级数据库。",
            discussion: """
                PATH is a transfer archive, a bundle or a directory of bundles. Each bundle commits on its own: \
                a killed import run again completes with nothing lost or doubled. --jobs threads extract archives \
                (in parts, when enroll packed them) and check bundles ahead of the merge, which stays one bundle \
                at a time, in order. Exit 0 when nothing was refused or quarantined, 1 otherwise, 2 when a \
                bundle or archive failed on an I/O error (a full disk): fix it and import again.
                """
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var jobs: JobsOption
        @OptionGroup var identity: IdentityOption

        @Option(name: .long, help: "A directory of station .pub keys to trust for this run, besides the store's own.")
        var trust: String?

        @Option(name: .long, help: "Log to standard error from this level: trace, debug, info, notice, warning (default), error.")
        var logLevel: String = "warning"

        @Argument(help: "Archives, bundles or directories of bundles.")
        var paths: [String]

        func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("Unknown --log-level \(logLevel). 未知的日志级别。")
            }
        }

        func run() async throws {
            let language = common.language
            // JSON is written item by item, so memory does not grow with the number of bundles.
            var stream = ImportJSONStream(language: language)
            let report = try reportingErrors(common) { () throws -> ImportReport in
                var logger = Logger(label: "enroll.import", factory: { label in StreamLogHandler.standardError(label: label) })
                logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
                let importer = try Importer(
                    store: try storeOptions.open(), catalog: try schemaOptions.catalog(),
                    extraTrust: try trust.map { try TrustStore(directory: $0) }, logger: logger, jobs: jobs.jobs,
                    identities: try identity.identities())
                var encodingFailure: (any Error)?
                let report = try importer.importPaths(paths, keepItems: false) { item in
                    guard common.format == .text else {
                        do { Terminal.out(try stream.line(for: item)) } catch { encodingFailure = encodingFailure ?? error }
                        return
                    }
                    Terminal.out(ImportText.line(item))
                    Terminal.report(item.diagnostics, language)
                }
                if let encodingFailure { throw encodingFailure }
                return report
            }
            if common.format != .text {
                Terminal.out(try stream.closing(report))
            } else {
                Terminal.report(report.archiveProblems, language)
                Terminal.out(ImportText.summary(report, language))
            }
            if report.hasIOFailures { throw ExitCode(2) }
            if !report.isClean { throw ExitCode(1) }
        }
    }
}
