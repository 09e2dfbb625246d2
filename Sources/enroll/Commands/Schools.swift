import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll schools add|list|import|export`: the district's school list, for the families' answers.
    struct Schools: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "schools", 
            abstract: "The district's school list: address and contacts an admitted family is told. 学校名单。",
            subcommands: [Add.self, List.self, Import.self, Export.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", 
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
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the schools. 列出学校。")
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

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "import", 
                abstract: "Take in the school list from an Excel workbook. 从 Excel 导入学校名单。",
                discussion: """
                    Columns 学校名称, 所属区, 学校地址, 学校负责人, 学校联系电话, found by name in any order. \
                    The list replaces the stored one unless --merge is given. A missing column, an empty name, \
                    a school named twice or a cell that is not text is reported at its cell, and nothing changes.
                    """)
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "The .xlsx file.") var file: String
            @Option(name: .long, help: "The worksheet to read (default: the first).") var sheet: String?
            @Flag(name: .long, help: "Add and update schools, keeping those the file does not list.") var merge = false
            @Option(name: .long, help: "Who imports it (default: $USER).") var actor: String = DistrictStore.defaultActor

            func run() async throws {
                try reportingErrors(common) {
                    let schools = try SchoolListSheet.read(file, sheet: sheet)
                    let counts = try storeOptions.open().importSchools(schools, replacing: !merge, actor: actor)
                    if common.format != .text { Terminal.json(counts); return }
                    Terminal.out(common.language == .zh
                        ? "已导入 \(schools.count) 所学校：新增 \(counts.added)，更新 \(counts.updated)，删除 \(counts.removed)。"
                        : "Imported \(schools.count) schools: \(counts.added) added, \(counts.updated) updated, \(counts.removed) removed.")
                }
            }
        }

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the school list as an Excel workbook (what import reads). 导出学校名单。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "The .xlsx file to create (it must not exist).") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let schools = try storeOptions.open().schools()
                    try SchoolListSheet.write(schools, to: out)
                    if common.format != .text { Terminal.json(["schools": schools.count]); return }
                    Terminal.out(common.language == .zh ? "已导出 \(schools.count) 所学校到 \(out)。" : "Exported \(schools.count) schools to \(out).")
                }
            }
        }
    }
}
