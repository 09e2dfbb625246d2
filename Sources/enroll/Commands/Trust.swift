import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll trust add|revoke|list --store DIR`.
    struct Trust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "trust", 
            abstract: "The station keys the district accepts, with who, when and why. 管理信任的站点密钥。",
            subcommands: [Add.self, Revoke.self, List.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Trust a station's public key. 添加信任密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The station's .pub file.") var key: String
            @Option(name: .long, help: "The station's name (default: the file's name without .pub).") var station: String?
            @Option(name: .long, help: "Who adds it (default: $USER).") var by: String = DistrictStore.defaultActor
            @Option(name: .long, help: "Why, or any remark.") var note: String = ""

            func run() async throws {
                try reportingErrors(common) {
                    let publicKey = try SignifyPublicKey(contentsOf: key)
                    let name = station ?? KeyFiles.name(ofKeyFile: key)
                    try storeOptions.open().trust(publicKey, station: name, actor: by, note: note)
                    Terminal.out(common.language == .zh ? "已信任站点 \(name) 的密钥 \(publicKey.keyID)。" : "Trusted key \(publicKey.keyID) of station \(name).")
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a key: bundles it signs are quarantined. 吊销密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The key ID (16 hexadecimal digits).") var keyID: String
            @Option(name: .long, help: "Why (e.g. the laptop was stolen).") var reason: String
            @Option(name: .long, help: "Who revokes it (default: $USER).") var by: String = DistrictStore.defaultActor

            func run() async throws {
                try reportingErrors(common) {
                    guard let id = KeyID(keyID) else {
                        throw EnrollError.usage(.usageKeyId, zh: "密钥号应为 16 位十六进制。", en: "A key ID is 16 hexadecimal digits.")
                    }
                    try storeOptions.open().revoke(id, actor: by, reason: reason)
                    Terminal.out(common.language == .zh ? "已吊销密钥 \(id)。" : "Revoked key \(id).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List trusted and revoked keys. 列出密钥。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions

            func run() async throws {
                try reportingErrors(common) {
                    let keys = try storeOptions.open().trustedKeys()
                    if common.format != .text { Terminal.json(keys); return }
                    for key in keys {
                        let state = key.revokedAt.map { "REVOKED \($0) by \(key.revokedBy ?? "") (\(key.reason ?? ""))" } ?? "trusted"
                        Terminal.out("\(key.keyId)  \(key.station)  added \(key.addedAt) by \(key.addedBy)\(key.note.isEmpty ? "" : " (\(key.note))")  \(state)")
                    }
                }
            }
        }
    }
}
