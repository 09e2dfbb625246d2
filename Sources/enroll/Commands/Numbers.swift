import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll numbers issue|import|list`: station-issued collection numbers (信息采集编号).
    struct Numbers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "numbers", 
            abstract: "Collection-number blocks: the district issues them, a station takes them in. 信息采集编号段。",
            discussion: """
                The district signs a block of 8-digit numbers for a station (issue); the station takes it in \
                (import) and gives the next number at 提交 (enroll sign|new|revise --station-dir DIR), so the family \
                leaves with its number. Stations without a block get a number from the district at import.
                """,
            subcommands: [Issue.self, Import.self, List.self]
        )

        struct Issue: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "issue", abstract: "Issue a signed block of numbers to a station. 发放编号段。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "The station's name (as it signs, Enroll-Station).") var station: String
            @Option(name: .long, help: "How many numbers.") var count: Int
            @Option(name: .long, help: "The intake year (default: this year, by the clock).") var year: Int?
            @Option(name: .long, help: "The district's secret key (signify), which the station trusts.") var key: String
            @Option(name: .long, help: "The block file to write.") var out: String
            @Option(name: .long, help: "Who issues it (default: $USER).") var actor: String = DistrictStore.defaultActor

            func validate() throws {
                guard (1...999_999).contains(count) else { throw ValidationError("--count must be 1 … 999999.") }
            }

            func run() async throws {
                try reportingErrors(common) {
                    let signer = try KeyFiles.signer(keyFile: key)
                    var calendar = Calendar(identifier: .gregorian)
                    calendar.timeZone = StoreClock.shanghai
                    let year = try year ?? calendar.component(.year, from: StoreClock.current())
                    let block = try storeOptions.open().issueNumbers(station: station, year: year, count: count, actor: actor)
                    try NumberBlockFile.write(block, key: signer.key, keyName: signer.station + ".pub", to: out)
                    if common.format != .text { Terminal.json(block); return }
                    Terminal.out(common.language == .zh
                        ? "已为站点“\(station)”发放采集编号 \(block.first)–\(block.last)（\(block.count) 个），写入 \(out)。"
                        : "Issued collection numbers \(block.first)–\(block.last) (\(block.count)) to the station \"\(station)\", written to \(out).")
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "import", abstract: "Take in a block at a station, refusing an untrusted district key. 导入编号段。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var station: StationDirectoryOption
            @Argument(help: "The block file.") var file: String
            @Option(name: .long, help: "Directory holding the district's trusted .pub key.") var trust: String

            func run() async throws {
                try reportingErrors(common) {
                    let block = try StationNumbers(directory: station.stationDir).importBlock(file, trust: try TrustStore(directory: trust))
                    if common.format != .text { Terminal.json(block); return }
                    Terminal.out(common.language == .zh
                        ? "已核验签名，站点“\(block.station)”可使用采集编号 \(block.first)–\(block.last)。"
                        : "Signature verified; the station \"\(block.station)\" may give the numbers \(block.first)–\(block.last).")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the blocks the district issued. 列出已发放的编号段。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions

            func run() async throws {
                try reportingErrors(common) {
                    let blocks = try storeOptions.open().numberBlocks()
                    if common.format != .text { Terminal.json(blocks); return }
                    for block in blocks { Terminal.out("\(block.first)–\(block.last)  \(block.station)  \(block.issuedAt)") }
                }
            }
        }
    }
}
