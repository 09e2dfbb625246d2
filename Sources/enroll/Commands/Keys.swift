import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll keys`: station and district signing keys.
    struct Keys: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "keys", 
            abstract: "Manage signing keys (signify format). 管理签名密钥。",
            subcommands: [Generate.self]
        )
    }
}

extension Enroll.Keys {
    /// `enroll keys generate --out DIR --name STATION`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", 
            abstract: "Generate a key pair: NAME.sec (mode 0600) and NAME.pub, and an age key pair NAME.age (mode 0600) and NAME.age.pub. 生成密钥对。",
            discussion: "NAME.sec signs (the station's bundles and archives, the district's status archives); NAME.age decrypts what was encrypted to NAME.age.pub (the age format, readable by age -d -i NAME.age)."
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .long, help: "Directory to write the key files into.")
        var out: String

        @Option(name: .long, help: "The station's (or district's) name; the files are NAME.sec and NAME.pub.")
        var name: String

        @Flag(name: .long, help: "Do not write the age key pair (NAME.age, NAME.age.pub).")
        var noAge = false

        func run() async throws {
            try reportingErrors(common) {
                let written = try KeyFiles.generate(in: out, name: name, age: !noAge)
                if common.format != .text {
                    var json = ["secretKey": written.secret, "publicKey": written.public, "keyId": written.keyID.description]
                    json["ageIdentity"] = written.ageIdentity
                    json["ageRecipientFile"] = written.ageRecipient
                    json["ageRecipient"] = written.recipient
                    Terminal.json(json)
                } else {
                    let zh = common.language == .zh
                    Terminal.out(zh ? "已生成密钥 \(written.keyID)：" : "Generated key \(written.keyID):")
                    Terminal.out("  \(written.secret)  \(zh ? "（私钥，权限 0600，妥善保管）" : "(secret, mode 0600: keep it safe)")")
                    Terminal.out("  \(written.public)  \(zh ? "（公钥，交给区教育局）" : "(public: give it to the district office)")")
                    if let identity = written.ageIdentity, let recipient = written.ageRecipient {
                        Terminal.out("  \(identity)  \(zh ? "（age 解密私钥，权限 0600，妥善保管）" : "(age identity, mode 0600: decrypts; keep it safe)")")
                        Terminal.out("  \(recipient)  \(zh ? "（age 收件人公钥，发给要给本方加密的一方）" : "(age recipient: give it to whoever encrypts for you)")")
                    }
                }
            }
        }
    }
}
