import ArgumentParser
import EnrollCore
import Foundation
import JSONSchema
import Logging

/// The district store's location.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The district store directory (SQLite database and object store).")
    var store: String
}

extension Enroll {
    /// `enroll import PATH... --store DIR`.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import archives and bundles into the district store: verify, validate, merge. 导入区级数据库。",
            discussion: """
                PATH is a transfer archive, a bundle or a directory of bundles. Each bundle commits on its own: \
                a killed import run again completes with nothing lost or doubled. \
                Exit 0 when nothing was refused or quarantined, 1 otherwise.
                """
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var schemaOptions: FormSchemaOptions

        @Option(name: .long, help: "A directory of station .pub keys to trust for this run, besides the store's own.")
        var trust: String?

        @Option(name: .long, help: "Log to standard error from this level: trace, debug, info, notice, warning (default), error.")
        var logLevel: String = "warning"

        @Option(name: .long, help: "Threads that extract archives (in parts, when enroll packed them) and check bundles ahead of the merge, which stays one bundle at a time, in order (default: every core).")
        var jobs: Int = Parallel.processorCount

        @Argument(help: "Archives, bundles or directories of bundles.")
        var paths: [String]

        func validate() throws {
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("Unknown --log-level \(logLevel). 未知的日志级别。")
            }
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1. --jobs 至少为 1。") }
        }

        func run() async throws {
            let language = common.language
            struct Item: Encodable {
                var source: String; var applicationId: String?; var revision: Int?; var outcome: String
                var collectionNumber: String?; var flags: [String]; var reasons: [DiagnosticJSON]
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var first = true
            // JSON is written item by item, so memory does not grow with the number of bundles.
            let report = try reportingErrors(common) { () throws -> ImportReport in
                let store = try DistrictStore(directory: storeOptions.store)
                var logger = Logger(label: "enroll.import", factory: { label in StreamLogHandler.standardError(label: label) })
                logger.logLevel = Logger.Level(rawValue: logLevel) ?? .warning
                let importer = try Importer(
                    store: store, catalog: try FormCatalog(directory: schemaOptions.schemas),
                    extraTrust: try trust.map { try TrustStore(directory: $0) }, logger: logger, jobs: jobs)
                return try importer.importPaths(paths, keepItems: false) { item in
                    if common.format != .text {
                        let json = Item(
                            source: item.source, applicationId: item.applicationID, revision: item.revision, outcome: item.outcome.rawValue,
                            collectionNumber: item.collectionNumber, flags: item.flags.map(\.rawValue), reasons: item.diagnostics.map { DiagnosticJSON($0, language) })
                        let line = (try? encoder.encode(json)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
                        Terminal.out((first ? "{\"items\": [\n  " : ", ") + line)
                        first = false
                        return
                    }
                    let id = item.applicationID.map { String($0.prefix(8)) } ?? "-"
                    let number = item.collectionNumber ?? "--------"
                    let flags = item.flags.isEmpty ? "" : "  [\(item.flags.map(\.rawValue).joined(separator: ", "))]"
                    Terminal.out("\(item.outcome.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(number)  \(id)  r\(item.revision ?? 0)  \(item.source)\(flags)")
                    Terminal.report(item.diagnostics, language)
                }
            }
            let counts = report.counts
            if common.format != .text {
                let summary = Dictionary(uniqueKeysWithValues: ImportReport.Outcome.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
                let problems = report.archiveProblems.map { DiagnosticJSON($0, language) }
                if first { Terminal.out("{\"items\": [") }
                Terminal.out("], \"summary\": \(String(decoding: try encoder.encode(summary), as: UTF8.self)), \"archiveProblems\": \(String(decoding: try encoder.encode(problems), as: UTF8.self))}")
            } else {
                Terminal.report(report.archiveProblems, language)
                let parts = ImportReport.Outcome.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
                Terminal.out(language == .zh
                    ? "导入完成：新增 \(counts[.new] ?? 0)，更新 \(counts[.updated] ?? 0)，未变 \(counts[.unchanged] ?? 0)，冲突 \(counts[.conflict] ?? 0)，隔离 \(counts[.quarantined] ?? 0)，拒绝 \(counts[.refused] ?? 0)。"
                    : "Import finished: \(parts).")
            }
            if !report.isClean { throw ExitCode(1) }
        }
    }

    /// `enroll trust add|revoke|list --store DIR`.
    struct Trust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The station keys the district accepts, with who, when and why. 管理信任的站点密钥。",
            subcommands: [Add.self, Revoke.self, List.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Trust a station's public key. 添加信任密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The station's .pub file.") var key: String
            @Option(name: .long, help: "The station's name (default: the file's name without .pub).") var station: String?
            @Option(name: .long, help: "Who adds it (default: $USER).") var by: String = DistrictStore.defaultActor
            @Option(name: .long, help: "Why, or any remark.") var note: String = ""

            func run() async throws {
                try reportingErrors(common) {
                    let publicKey = try SignifyPublicKey(contentsOf: key)
                    let name = station ?? ((key as NSString).lastPathComponent as NSString).deletingPathExtension
                    try DistrictStore(directory: storeOptions.store).trust(publicKey, station: name, actor: by, note: note)
                    Terminal.out(common.language == .zh ? "已信任站点 \(name) 的密钥 \(publicKey.keyID)。" : "Trusted key \(publicKey.keyID) of station \(name).")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Revoke a key: bundles it signs are quarantined. 吊销密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The key ID (16 hexadecimal digits).") var keyID: String
            @Option(name: .long, help: "Why (e.g. the laptop was stolen).") var reason: String
            @Option(name: .long, help: "Who revokes it (default: $USER).") var by: String = DistrictStore.defaultActor

            func run() async throws {
                try reportingErrors(common) {
                    guard let id = KeyID(keyID) else {
                        throw EnrollError.io("usage.key-id", zh: "密钥号应为 16 位十六进制。", en: "A key ID is 16 hexadecimal digits.")
                    }
                    try DistrictStore(directory: storeOptions.store).revoke(id, actor: by, reason: reason)
                    Terminal.out(common.language == .zh ? "已吊销密钥 \(id)。" : "Revoked key \(id).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List trusted and revoked keys. 列出密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions

            func run() async throws {
                try reportingErrors(common) {
                    let keys = try DistrictStore(directory: storeOptions.store).trustedKeys()
                    if common.format != .text { Terminal.json(keys); return }
                    for key in keys {
                        let state = key.revokedAt.map { "REVOKED \($0) by \(key.revokedBy ?? "") (\(key.reason ?? ""))" } ?? "trusted"
                        Terminal.out("\(key.keyId)  \(key.station)  added \(key.addedAt) by \(key.addedBy)\(key.note.isEmpty ? "" : " (\(key.note))")  \(state)")
                    }
                }
            }
        }
    }

    /// `enroll review …`: the district's decisions, each an audited event.
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review applications: list, show, verify, hold, reject, admit. 审核。",
            subcommands: [List.self, Show.self, Decide.self, Decide.Hold.self, Decide.Reject.self, Decide.Admit.self]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List applications. 列出申请。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "Only this status: received, verified, rejected, admitted, withdrawn.") var status: ApplicationStatus?
            @Option(name: .long, help: "Only this flag: conflict, duplicate-child, phone-quota.") var flag: ReviewFlag?

            func run() async throws {
                try reportingErrors(common) {
                    let rows = try DistrictStore(directory: storeOptions.store).applications(status: status, flag: flag)
                    if common.format != .text { Terminal.json(rows); return }
                    for row in rows {
                        let flags = row.flags.isEmpty ? "" : "  [\(row.flags.map(\.rawValue).joined(separator: ", "))]"
                        Terminal.out("\(row.collectionNumber)  \(row.applicationId.prefix(8))  \(row.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0))  r\(row.revision)  \(row.form)  \(row.station)\(row.school.map { "  \($0)" } ?? "")\(flags)")
                    }
                    Terminal.out(common.language == .zh ? "共 \(rows.count) 个申请。" : "\(rows.count) applications.")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one application: revisions, flags, data (ID numbers and phones masked). 查看申请。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or 8-digit collection number.") var application: String
            @Flag(name: .long, help: "Show ID numbers and phones in full (not for sharing).") var unmasked = false

            func run() async throws {
                try reportingErrors(common) {
                    var detail = try DistrictStore(directory: storeOptions.store).detail(application)
                    if !unmasked, let json = detail.formJSON, let value = try? JSONParser.parse(Array(json.utf8)) {
                        detail.formJSON = maskPersonalData(value).serialized(sortedKeys: false)
                    }
                    if common.format != .text { Terminal.json(detail); return }
                    let s = detail.summary
                    Terminal.out("\(s.collectionNumber)  \(s.applicationId)  \(s.form)")
                    Terminal.out("status \(s.status.rawValue) (\(DistrictStore.statusText(s.status).text(in: common.language)))\(s.school.map { ", school \($0)" } ?? "")\(s.reasons.isEmpty ? "" : ", reasons: " + s.reasons.joined(separator: "; "))")
                    for revision in detail.revisions {
                        Terminal.out("  r\(revision.revision) \(revision.kind) \(revision.state) \(revision.digest.prefix(16))… \(revision.station) \(revision.keyId) \(revision.importedAt)")
                    }
                    for flag in detail.flags { Terminal.out("  flag \(flag.flag): \(flag.detail)") }
                    if let json = detail.formJSON { Terminal.out(json) }
                }
            }
        }

        /// `enroll review verify APP`, and the other decisions below.
        struct Decide: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "verify", abstract: "Mark documents checked and correct. 审核通过。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String
            @Option(name: .long, help: "The reviewer (default: $USER).") var reviewer: String = DistrictStore.defaultActor

            func run() async throws {
                try decide(.verify, application, reasons: [], school: nil, reviewer: reviewer, storeOptions, common)
            }

            struct Hold: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "hold", abstract: "Put back for a closer look, with a reason. 暂缓。")
                @OptionGroup var common: CommonOptions
                @OptionGroup var storeOptions: StoreOptions
                @Argument(help: "Application id (or prefix) or collection number.") var application: String
                @Option(name: .long, help: "Why; repeat for more.") var reason: [String] = []
                @Option(name: .long, help: "The reviewer (default: $USER).") var reviewer: String = DistrictStore.defaultActor

                func run() async throws {
                    try decide(.hold, application, reasons: reason, school: nil, reviewer: reviewer, storeOptions, common)
                }
            }

            struct Reject: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject with reasons the family will see. 驳回。")
                @OptionGroup var common: CommonOptions
                @OptionGroup var storeOptions: StoreOptions
                @Argument(help: "Application id (or prefix) or collection number.") var application: String
                @Option(name: .long, help: "A reason; repeat for more.") var reason: [String] = []
                @Option(name: .long, help: "The reviewer (default: $USER).") var reviewer: String = DistrictStore.defaultActor

                func run() async throws {
                    try decide(.reject, application, reasons: reason, school: nil, reviewer: reviewer, storeOptions, common)
                }
            }

            struct Admit: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "admit", abstract: "Admit to a school. 录取。")
                @OptionGroup var common: CommonOptions
                @OptionGroup var storeOptions: StoreOptions
                @Argument(help: "Application id (or prefix) or collection number.") var application: String
                @Option(name: .long, help: "The school.") var school: String
                @Option(name: .long, help: "The reviewer (default: $USER).") var reviewer: String = DistrictStore.defaultActor

                func run() async throws {
                    try decide(.admit, application, reasons: [], school: school, reviewer: reviewer, storeOptions, common)
                }
            }
        }
    }

    /// `enroll log --store DIR`.
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the append-only audit log. 审计日志。")
        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions
        @Option(name: .long, help: "Only events about this application id.") var application: String?

        func run() async throws {
            try reportingErrors(common) {
                let events = try DistrictStore(directory: storeOptions.store).events(application: application)
                if common.format != .text { Terminal.json(events); return }
                for event in events {
                    Terminal.out("\(event.seq)  \(event.at)  \(event.actor)  \(event.action)  \(event.applicationID ?? "-")  \(AuditEntryText.detail(event))")
                }
            }
        }
    }
}

private func decide(
    _ action: ReviewAction, _ application: String, reasons: [String], school: String?, reviewer: String,
    _ storeOptions: StoreOptions, _ common: CommonOptions
) throws {
    try reportingErrors(common) {
        let summary = try DistrictStore(directory: storeOptions.store).review(action, application, reasons: reasons, school: school, reviewer: reviewer)
        if common.format != .text { Terminal.json(summary); return }
        Terminal.out(common.language == .zh
            ? "申请 \(summary.collectionNumber) 现为“\(DistrictStore.statusText(summary.status).zh)”（\(summary.status.rawValue)），已记入审计日志。"
            : "Application \(summary.collectionNumber) is now \(summary.status.rawValue); recorded in the audit log.")
    }
}

/// Masks every string that looks like an ID number or a phone.
func maskPersonalData(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text):
        if text.count >= 15 && text.count <= 18 && text.dropLast().allSatisfy(\.isNumber) { return .string(Privacy.maskIDNumber(text)) }
        if text.count == 11 && text.allSatisfy(\.isNumber) && text.hasPrefix("1") { return .string(Privacy.maskPhone(text)) }
        return value
    case .array(let items): return .array(items.map(maskPersonalData))
    case .object(let object): return .object(JSONObject(object.map { ($0.0, maskPersonalData($0.1)) }))
    default: return value
    }
}

extension ApplicationStatus: ExpressibleByArgument {}
extension ReviewFlag: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
}

enum AuditEntryText {
    static func detail(_ event: AuditEvent) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(event.detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
