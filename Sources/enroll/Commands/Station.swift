import ArgumentParser
import EnrollCore
import Foundation
import Hummingbird
import Logging
import StationWeb

extension Enroll {
    /// `enroll station`: the registrar's station in a browser.
    struct Station: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "station", 
            abstract: "The registrar's station web app. 报名点网页应用。",
            subcommands: [Serve.self]
        )
    }
}

extension Enroll.Station {
    /// `enroll station serve --station-dir DIR --key STATION.sec [--listen 127.0.0.1:8080]`.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "serve", 
            abstract: "Serve the station web app until stopped (Ctrl-C). 启动报名点网页应用，按 Ctrl-C 停止。",
            discussion: "Binds to loopback unless --listen names another address (then it warns). Everything the pages need is inside the program."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: StationKeyOptions

        @Option(name: .long, help: ArgumentHelp("The station's working directory (drafts, bundles, …); created on first use.", valueName: "dir"))
        var stationDir: String

        @Option(name: .long, help: ArgumentHelp("Address and port to listen on (port 0: any free port).", valueName: "host:port"))
        var listen: String = "127.0.0.1:8080"

        @Option(name: .long, help: ArgumentHelp("A directory offered for 打包 and 导入回执 besides DIR/outgoing and mounted USB sticks; repeat for more.", valueName: "dir"))
        var usbDir: [String] = []

        @Option(name: .long, help: ArgumentHelp("Directory holding the district's trusted .pub key, to check status archives.", valueName: "dir"))
        var trust: String?

        @OptionGroup var identity: IdentityOption

        func validate() throws {
            guard Self.parse(listen) != nil else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:8080. --listen 应为 主机:端口，例如 127.0.0.1:8080。")
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
            let configuration = try reportingErrors(common) {
                _ = try StoreClock.current() // a malformed ENROLL_NOW is a usage error now, not at the first 提交
                return StationConfiguration(
                    directory: stationDir, signer: try signing.signer(), catalog: try schemaOptions.catalog(), exportDirectories: usbDir,
                    districtTrust: try trust.map { try TrustStore(directory: $0) }, identities: try identity.identities())
            }
            if !StationApp.isLoopback(host) {
                Terminal.err(common.language == .zh
                    ? "警告：正在监听 \(host)，同一网络中的其他设备也能打开本报名点。只在可信网络中这样做。"
                    : "Warning: listening on \(host): other devices on the network can open this station. Do this only on a trusted network.")
            }
            var logger = Logger(label: "enroll.station")
            logger.logLevel = .warning
            let language = common.language
            let app = try reportingErrors(common) {
                try StationApp.application(configuration, host: host, port: port, logger: logger) { bound in
                    let shown = host.contains(":") ? "[\(host)]" : host
                    Terminal.out(language == .zh ? "报名点已启动：http://\(shown):\(bound)/  （按 Ctrl-C 停止）" : "Station serving at http://\(shown):\(bound)/  (Ctrl-C stops it)")
                }
            }
            try await app.runService()
        }
    }
}
