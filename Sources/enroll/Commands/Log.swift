import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll log --store DIR`.
    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "Show the append-only audit log. 审计日志。")
        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions
        @Option(name: .long, help: "Only events about this application id.") var application: String?

        func run() async throws {
            try reportingErrors(common) {
                let events = try storeOptions.open().events(application: application)
                if common.format != .text { Terminal.json(events); return }
                for event in events {
                    Terminal.out("\(event.seq)  \(event.at)  \(event.actor)  \(event.action)  \(event.applicationID ?? "-")  \(event.detailText)")
                }
            }
        }
    }
}
