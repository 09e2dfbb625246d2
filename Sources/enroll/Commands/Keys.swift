import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll keys`: station and district signing keys.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage signing keys (signify format). 管理签名密钥。",
            subcommands: [Generate.self]
        )
    }
}

extension Enroll.Keys {
    /// `enroll keys generate --out DIR --name STATION`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair: NAME.sec (mode 0600) and NAME.pub. 生成密钥对。"
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "Directory to write the key files into.")
        var out: String

        @Option(name: .long, help: "The station's (or district's) name; the files are NAME.sec and NAME.pub.")
        var name: String

        func run() async throws {
            try reportingErrors(common) {
                let written = try KeyFiles.generate(in: out, name: name)
                if common.format != .text {
                    Terminal.json(["secretKey": written.secret, "publicKey": written.public, "keyId": written.keyID.description])
                } else {
                    let zh = common.language == .zh
                    Terminal.out(zh ? "已生成密钥 \(written.keyID)：" : "Generated key \(written.keyID):")
                    Terminal.out("  \(written.secret)  \(zh ? "（私钥，权限 0600，妥善保管）" : "(secret, mode 0600: keep it safe)")")
                    Terminal.out("  \(written.public)  \(zh ? "（公钥，交给区教育局）" : "(public: give it to the district office)")")
                }
            }
        }
    }
}
