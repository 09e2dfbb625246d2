import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll review …`: the district's decisions, each an audited event.
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "review", 
            abstract: "Review applications: list, show, verify, hold, reject, admit, accept or refuse a held revision. 审核。",
            subcommands: [
                List.self, Show.self, Decide.self, Decide.Hold.self, Decide.Reject.self, Decide.Admit.self,
                AcceptRevision.self, RefuseRevision.self,
            ]
        )

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List applications. 列出申请。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "Only this status: received, verified, rejected, admitted, withdrawn.") var status: ApplicationStatus?
            @Option(name: .long, help: "Only this flag: conflict, duplicate-child, phone-quota, revision-after-decision, outside-window.") var flag: ReviewFlag?

            func run() async throws {
                try reportingErrors(common) {
                    let rows = try storeOptions.open().applications(status: status, flag: flag)
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
            static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one application: revisions, flags, data (ID numbers and phones masked). 查看申请。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or 8-digit collection number.") var application: String
            @Flag(name: .long, help: "Show ID numbers and phones in full (not for sharing).") var unmasked = false

            func run() async throws {
                try reportingErrors(common) {
                    let stored = try storeOptions.open().detail(application)
                    let detail = unmasked ? stored : stored.masked()
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
            @OptionGroup var decision: DecisionOptions

            func run() async throws { try decision.decide(.verify) }

            struct Hold: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "hold", abstract: "Put back for a closer look, with a reason. 暂缓。")
                @OptionGroup var decision: DecisionOptions
                @Option(name: .long, help: "Why; repeat for more.") var reason: [String] = []

                func run() async throws { try decision.decide(.hold, reasons: reason) }
            }

            struct Reject: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject with reasons the family will see. 驳回。")
                @OptionGroup var decision: DecisionOptions
                @Option(name: .long, help: "A reason; repeat for more.") var reason: [String] = []

                func run() async throws { try decision.decide(.reject, reasons: reason) }
            }

            struct Admit: AsyncParsableCommand {
                static let configuration = CommandConfiguration(commandName: "admit", abstract: "Admit to a school. 录取。")
                @OptionGroup var decision: DecisionOptions
                @Option(name: .long, help: "The school.") var school: String

                func run() async throws { try decision.decide(.admit, school: school) }
            }
        }
    }
}

extension Enroll.Review {
    /// `enroll review accept-revision APP`: the held revision (the submit lock) becomes current.
    struct AcceptRevision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "accept-revision",
            abstract: "Accept a revision signed after the application was verified or admitted; the decision stays. 同意修改。")
        @OptionGroup var decision: DecisionOptions

        func run() async throws {
            try decision.answer { store in try store.acceptRevision(decision.application, reviewer: decision.reviewer) }
        }
    }

    /// `enroll review refuse-revision APP --reason TEXT`: the held revision is refused.
    struct RefuseRevision: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refuse-revision",
            abstract: "Refuse a revision signed after the application was verified or admitted, with reasons. 不同意修改。")
        @OptionGroup var decision: DecisionOptions
        @Option(name: .long, help: "A reason; repeat for more.") var reason: [String] = []

        func run() async throws {
            try decision.answer { store in try store.refuseRevision(decision.application, reasons: reason, reviewer: decision.reviewer) }
        }
    }
}

/// What every review decision takes: the store, the application and who decides.
struct DecisionOptions: ParsableArguments {
    @OptionGroup var common: CommonOptions
    @OptionGroup var storeOptions: StoreOptions
    @Argument(help: "Application id (or prefix) or collection number.") var application: String
    @Option(name: .long, help: "The reviewer (default: $USER).") var reviewer: String = DistrictStore.defaultActor

    /// Records the decision and prints the application's new status.
    func decide(_ action: ReviewAction, reasons: [String] = [], school: String? = nil) throws {
        try answer { store in try store.review(action, application, reasons: reasons, school: school, reviewer: reviewer) }
    }

    /// Records a decision made by `body` and prints the application's status after it.
    func answer(_ body: (DistrictStore) throws -> ApplicationSummary) throws {
        try reportingErrors(common) {
            let summary = try body(storeOptions.open())
            if common.format != .text { Terminal.json(summary); return }
            Terminal.out(common.language == .zh
                ? "申请 \(summary.collectionNumber) 现为“\(DistrictStore.statusText(summary.status).zh)”（\(summary.status.rawValue)），已记入审计日志。"
                : "Application \(summary.collectionNumber) is now \(summary.status.rawValue); recorded in the audit log.")
        }
    }
}

extension ApplicationStatus: ExpressibleByArgument {}

extension ReviewFlag: ExpressibleByArgument {
    /// Accepts only the flags the store raises.
    public init?(argument: String) {
        guard let flag = ReviewFlag.all.first(where: { $0.rawValue == argument }) else { return nil }
        self = flag
    }

    public static var allValueStrings: [String] { all.map(\.rawValue) }
}
