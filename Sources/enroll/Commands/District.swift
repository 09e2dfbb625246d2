import ArgumentParser
import DistrictWeb
import EnrollCore
import Foundation
import Hummingbird
import Logging

#if canImport(Glibc)
import Glibc
#endif

extension Enroll {
    /// `enroll district`: the district office's review desk in a browser, and its clerks' accounts.
    struct District: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "district", 
            abstract: "The district's review desk web app and its accounts. 区审核台网页应用及账号。",
            subcommands: [Serve.self, User.self]
        )
    }
}

extension Enroll.District {
    /// `enroll district serve --store DIR [--listen 127.0.0.1:8443] [--tls-cert F --tls-key F] [--key DISTRICT.sec]`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", 
            abstract: "Serve the review desk until stopped (Ctrl-C). 启动区审核台，按 Ctrl-C 停止。",
            discussion: "Clerks sign in with accounts made by `enroll district user add`. The store is opened per request, so the CLI keeps working on it."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var schemaOptions: FormSchemaOptions

        @Option(name: .long, help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "host:port"))
        var listen: String = "127.0.0.1:8443"

        @Option(name: .long, help: ArgumentHelp("TLS certificate chain (PEM); with --tls-key, serve HTTPS with Secure cookies.", valueName: "file"))
        var tlsCert: String?

        @Option(name: .long, help: ArgumentHelp("TLS private key (PEM), with --tls-cert.", valueName: "file"))
        var tlsKey: String?

        @Option(name: .long, help: ArgumentHelp("Where transfer archives arrive (the USB stick): admins import from here.", valueName: "dir"))
        var importDir: String?

        @Option(name: .long, help: ArgumentHelp("Where admins' status archives are written.", valueName: "dir"))
        var outputDir: String?

        @Option(name: .long, help: ArgumentHelp("The district's secret key: signs printed collection forms and admission notices, and status archives.", valueName: "file"))
        var key: String?

        @Option(name: .long, help: ArgumentHelp("The district's age identity, to decrypt .age transfer archives.", valueName: "file"))
        var identity: String?

        func validate() throws {
            guard Self.parse(listen) != nil else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8443. --listen 应为 主机:端口，例如 127.0.0.1:8443。")
            }
            guard (tlsCert == nil) == (tlsKey == nil) else {
                throw ValidationError("--tls-cert and --tls-key go together. --tls-cert 与 --tls-key 须同时给出。")
            }
            guard (importDir == nil) == (outputDir == nil) else {
                throw ValidationError("--import-dir and --output-dir go together. --import-dir 与 --output-dir 须同时给出。")
            }
        }

        static func parse(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }

        func run() async throws {
            let (host, port) = Self.parse(listen)!
            let language = common.language
            let configuration = try reportingErrors(common) { () throws -> DeskConfiguration in
                _ = try storeOptions.open()
                var configuration = DeskConfiguration(storeLocation: storeOptions.location, objectsLocation: storeOptions.objectsLocation, catalog: try schemaOptions.catalog())
                let signer = try key.map { try KeyFiles.signer(keyFile: $0) }
                configuration.issuer = signer.map { DocumentIssuer(key: $0.key, name: $0.station) }
                if let importDir, let outputDir {
                    configuration.office = DeskConfiguration.OfficeSetup(
                        importDirectory: importDir, outputDirectory: outputDir, districtKey: signer?.key,
                        districtName: signer?.station ?? "district", identities: try identity.map { try ArchiveEncryption.readIdentities($0) })
                }
                return configuration
            }
            let tls = tlsCert.map { ReviewDesk.TLSFiles(certificate: $0, key: tlsKey!) }
            if !["127.0.0.1", "::1", "localhost"].contains(host), tls == nil {
                Terminal.err(language == .zh
                    ? "警告：正在监听 \(host) 且未启用 TLS，同一网络中的设备可以看到传输内容。办公网内请用 --tls-cert/--tls-key。"
                    : "Warning: listening on \(host) without TLS: devices on the network can see the traffic. On the office LAN use --tls-cert/--tls-key.")
            }
            var logger = Logger(label: "enroll.district")
            logger.logLevel = .warning
            let scheme = tls == nil ? "http" : "https"
            let app = try reportingErrors(common) {
                try ReviewDesk.application(configuration: configuration, host: host, port: port, tls: tls, logger: logger) { bound in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    Terminal.out(language == .zh
                        ? "区审核台已启动：\(scheme)://\(shown):\(bound)/  （按 Ctrl-C 停止）"
                        : "Review desk serving at \(scheme)://\(shown):\(bound)/  (Ctrl-C stops it)")
                }
            }
            try await app.runService()
        }
    }

    /// `enroll district user add|list|disable|enable|passwd`.
    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "user", 
            abstract: "The review desk's accounts. 审核台账号。",
            subcommands: [Add.self, List.self, Disable.self, Enable.self, Passwd.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", 
                abstract: "Add an account; the password is read from the terminal (or one line of stdin). 添加账号。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The sign-in name (letters, digits, . _ -).") var name: String
            @Option(name: .long, help: "reviewer or admin.") var role: AccountRole

            func run() async throws {
                try reportingErrors(common) {
                    let store = try storeOptions.open()
                    let password = try PasswordInput.read(confirm: true, language: common.language)
                    let account = try store.addAccount(name, role: role, password: password, actor: DistrictStore.defaultActor)
                    Terminal.out(common.language == .zh ? "已添加账号 \(account.name)（\(account.role.rawValue)）。" : "Added account \(account.name) (\(account.role.rawValue)).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the accounts. 列出账号。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions

            struct Row: Encodable {
                var name: String
                var role: AccountRole
                var disabled: Bool
                var lockedUntil: String?
                var createdAt: String
                var createdBy: String
            }

            func run() async throws {
                try reportingErrors(common) {
                    let rows = try storeOptions.open().accounts().map {
                        Row(name: $0.name, role: $0.role, disabled: $0.disabled, lockedUntil: $0.lockedUntil, createdAt: $0.createdAt, createdBy: $0.createdBy)
                    }
                    if common.format != .text { Terminal.json(rows); return }
                    for row in rows {
                        let state = row.disabled ? "disabled" : (row.lockedUntil.map { "locked until \($0)" } ?? "active")
                        Terminal.out("\(row.name)  \(row.role.rawValue)  \(state)  \(row.createdAt)  \(row.createdBy)")
                    }
                }
            }
        }

        /// `user disable|enable`: one account's disabled flag, audited as the CLI's actor.
        static func setDisabled(_ disabled: Bool, account name: String, common: CommonOptions, storeOptions: StoreOptions) throws {
            try reportingErrors(common) {
                try storeOptions.open().setDisabled(name, disabled, actor: DistrictStore.defaultActor)
                Terminal.out(common.language == .zh
                    ? (disabled ? "已停用账号 \(name)。" : "已启用账号 \(name)。")
                    : (disabled ? "Disabled account \(name)." : "Enabled account \(name)."))
            }
        }

        struct Disable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account and end its sessions. 停用账号。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The account.") var name: String

            func run() async throws {
                try User.setDisabled(true, account: name, common: common, storeOptions: storeOptions)
            }
        }

        struct Enable: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account again (and lift a lock). 重新启用账号。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The account.") var name: String

            func run() async throws {
                try User.setDisabled(false, account: name, common: common, storeOptions: storeOptions)
            }
        }

        struct Passwd: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "passwd", 
                abstract: "Set an account's password (read from the terminal or stdin); ends its sessions, lifts a lock. 修改密码。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The account.") var name: String

            func run() async throws {
                try reportingErrors(common) {
                    let store = try storeOptions.open()
                    _ = try store.account(named: name)
                    let password = try PasswordInput.read(confirm: true, language: common.language)
                    try store.setPassword(name, password: password, actor: DistrictStore.defaultActor)
                    Terminal.out(common.language == .zh ? "已修改 \(name) 的密码。" : "Changed the password of \(name).")
                }
            }
        }
    }
}

/// Reads a password without echo from the terminal (termios through Glibc: swift-system has
/// no terminal calls), or one line from stdin when it is not a terminal. Never a flag.
enum PasswordInput {
    static func read(confirm: Bool, language: Language) throws -> String {
        guard isatty(0) == 1 else {
            guard let line = readLine(strippingNewline: true) else {
                throw EnrollError.usage(.accountPasswordWeak, Location(), zh: "标准输入中没有密码。", en: "No password on stdin.")
            }
            return line
        }
        let first = prompt(language == .zh ? "密码：" : "Password: ")
        if confirm {
            let second = prompt(language == .zh ? "再输入一次：" : "Again: ")
            guard first == second else {
                throw EnrollError.usage(.accountPasswordWeak, Location(), zh: "两次输入的密码不一致。", en: "The two passwords differ.")
            }
        }
        return first
    }

    static func prompt(_ text: String) -> String {
        FileHandle.standardError.write(Data(text.utf8))
        var saved = termios()
        tcgetattr(0, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return readLine(strippingNewline: true) ?? ""
    }
}

extension AccountRole: ExpressibleByArgument {}
