import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll store init`: the district store itself.
    struct Store: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "store", 
            abstract: "The district store: create it for its district. 区县数据库。",
            subcommands: [Init.self, Migrate.self, Push.self]
        )

        struct Init: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "init", 
                abstract: "Create a store (or give an existing one its district): a store serves one district. 建库并设定所属区县。",
                discussion: "Bundles for another district are then quarantined (import.wrong-district), and exports and status archives hold this district's applications only.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "The district the store serves, as the forms write it (e.g. 南岗区, 海淀区).") var district: String
            @Option(name: .long, help: "Who sets it up (default: $USER).") var actor: String = DistrictStore.defaultActor

            func run() async throws {
                try reportingErrors(common) {
                    let store = try storeOptions.open()
                    try store.serve(district: district, actor: actor)
                    if common.format != .text { Terminal.json(["store": store.location, "district": district]); return }
                    Terminal.out(common.language == .zh
                        ? "数据库 \(store.location) 服务于“\(district)”。"
                        : "The store \(store.location) serves \"\(district)\".")
                }
            }
        }
    }
}
