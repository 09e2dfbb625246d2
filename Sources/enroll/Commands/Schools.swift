import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll schools add|list`: the district's school list, for the families' answers.
    struct Schools: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The district's school list: address and contacts an admitted family is told. 学校名单。",
            subcommands: [Add.self, List.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a school, or update its entry. 添加学校。",
                discussion: "The name is the one review admit --school gives; review admit works without a list too.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "学校名称 (as review admit --school names it).") var name: String
            @Option(name: .long, help: "学校地址.") var address: String
            @Option(name: .long, help: "学校负责人 (the enrollment contact).") var contact: String
            @Option(name: .long, help: "学校联系电话.") var phone: String
            @Option(name: .long, help: "The district it belongs to.") var district: String?
            @Option(name: .long, help: "Who adds it (default: $USER).") var actor: String = DistrictStore.defaultActor

            func run() async throws {
                try reportingErrors(common) {
                    let school = SchoolInfo(name: name, district: district, address: address, contact: contact, phone: phone)
                    try storeOptions.open().addSchool(school, actor: actor)
                    if common.format != .text { Terminal.json(school); return }
                    Terminal.out(common.language == .zh ? "已登记学校“\(name)”。" : "School \"\(name)\" recorded.")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the schools. 列出学校。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions

            func run() async throws {
                try reportingErrors(common) {
                    let schools = try storeOptions.open().schools()
                    if common.format != .text { Terminal.json(schools); return }
                    for school in schools {
                        Terminal.out("\(school.name)  \(school.address)  \(school.contact)  \(school.phone)\(school.district.map { "  \($0)" } ?? "")")
                    }
                }
            }
        }
    }
}
