import ArgumentParser
import EnrollCore

extension Enroll.Store {
    /// `enroll store migrate --store DIR|URL`: brings a store's schema up to this release.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "migrate", 
            abstract: "Apply the schema migrations this release has and the store lacks. 升级数据库结构。",
            discussion: "Migrations are named and applied in order, each once; a PostgreSQL city store records them in schema_migrations. Safe to run again, and while importers run.")
        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            try reportingErrors(common) {
                let applied: [String]
                if PostgresLocation.isPostgres(storeOptions.location) {
                    applied = try PostgreSQLBackend.migrate(url: storeOptions.location)
                } else {
                    _ = try storeOptions.open()
                    applied = []
                }
                if common.format != .text { Terminal.json(["store": storeOptions.location, "applied": applied.joined(separator: " ")]); return }
                if applied.isEmpty {
                    Terminal.out(common.language == .zh ? "数据库结构已是最新。" : "The store's schema is up to date.")
                } else {
                    Terminal.out(common.language == .zh
                        ? "已应用迁移：\(applied.joined(separator: "、"))。"
                        : "Applied the migrations \(applied.joined(separator: ", ")).")
                }
            }
        }
    }
}
