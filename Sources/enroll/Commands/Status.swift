import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll status export|import|show`: the district's answers, back to the field.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", 
            abstract: "Signed status archives from the district to the stations. 审核结果回传。",
            subcommands: [Export.self, Import.self, Show.self]
        )

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the signed status archive (district side). 导出结果归档。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "The district's secret key.") var key: String
            @Option(name: .long, help: "The district's name (default: the key file's name without .sec).") var district: String?
            @Option(name: .long, help: "Only this station's applications (the station's name).") var station: String?
            @Option(name: .long, help: "The archive to create (.tar.zst, or .tar.zst.age when encrypted).") var out: String
            @Option(name: .long, help: ArgumentHelp(
                "Encrypt the archive to the age recipients in this file (the station's STATION.age.pub).", valueName: "file"))
            var encryptTo: String?

            func run() async throws {
                try reportingErrors(common) {
                    let signer = try KeyFiles.signer(keyFile: key, name: district)
                    let recipients = try encryptTo.map { try ArchiveEncryption.readRecipients($0) }
                    let count = try StatusArchive.export(
                        from: try storeOptions.open(), key: signer.key, district: signer.station, station: station, to: out,
                        recipients: recipients)
                    Terminal.out(common.language == .zh
                        ? "已导出 \(count) 个申请的审核结果到 \(out)（由 \(signer.station) 签名）。"
                        : "Exported the status of \(count) applications to \(out) (signed by \(signer.station)).")
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "import", abstract: "Take in a status archive at a station, refusing an untrusted district key. 导入结果归档。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var station: StationDirectoryOption
            @Argument(help: "The status archive.") var archive: String
            @Option(name: .long, help: "Directory holding the district's trusted .pub key.") var trust: String
            @OptionGroup var identity: IdentityOption

            func run() async throws {
                try reportingErrors(common) {
                    let (entries, signer) = try StatusArchive.read(
                        archive, trust: try TrustStore(directory: trust), identities: try identity.identities())
                    let changed = try StationStatus(directory: station.stationDir).merge(entries)
                    Terminal.out(common.language == .zh
                        ? "已核验 \(signer.name) 的签名，导入 \(entries.count) 条结果（\(changed) 条有变化）。"
                        : "Verified the signature of \(signer.name); took in \(entries.count) answers (\(changed) changed).")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "show", 
                abstract: "What the family is told: under review, rejected with reasons, or admitted. 查询结果。",
                discussion: "By application id or collection number; or by the child's ID number, which is looked up in this station's own records (the bundles it signed with --station-dir, and those under <station-dir>/bundles/), never in the status archive.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var station: StationDirectoryOption
            @OptionGroup var schemaOptions: FormSchemaOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String?
            @Option(name: .long, help: "Find by the child's ID number, in this station's own records.") var idNumber: String?

            func validate() throws {
                guard (application == nil) != (idNumber == nil) else {
                    throw ValidationError("Give an application or --id-number, not both. 请给出申请编号或 --id-number 之一。")
                }
            }

            func run() async throws {
                try reportingErrors(common) {
                    let status = try StationStatus(directory: station.stationDir)
                    let found: [StatusEntry]
                    if let idNumber {
                        found = try status.find(idNumber: idNumber, records: StationRecords(directory: station.stationDir), catalog: try schemaOptions.catalog())
                    } else {
                        found = try application.flatMap { try status.find($0) }.map { [$0] } ?? []
                    }
                    guard !found.isEmpty else {
                        throw EnrollError.invalid(
                            .storeUnknownApplication, Location(file: station.stationDir),
                            zh: idNumber == nil
                                ? "没有这个申请的结果。区里可能尚未审核，或本站尚未导入最新的结果归档。"
                                : "本站记录中没有这个证件号码的已签名申请，或区里尚未给出结果。只有用 --station-dir 签名、或放在站点目录 bundles/ 下的申请包才能按证件号码查到；也可以按申请编号或采集编号查询。",
                            en: idNumber == nil
                                ? "There is no answer for this application. The district may not have reviewed it yet, or this station has not taken in the latest status archive."
                                : "This station's records hold no signed application for this ID number, or the district has not answered yet. Only bundles signed with --station-dir, or kept under the station directory's bundles/, are found by ID number; the application id or collection number also finds the answer.")
                    }
                    if common.format != .text {
                        if idNumber == nil { Terminal.json(found[0]) } else { Terminal.json(found) }
                        return
                    }
                    for entry in found {
                        if let answer = entry.answer, let first = answer.first {
                            // The seeds' own words for the form (FamilyAnswer), with the school's contacts.
                            Terminal.out("\(entry.collectionNumber)  \(first.zh) / \(first.en)")
                            for line in answer.dropFirst() { Terminal.out("  \(line.zh) / \(line.en)") }
                            continue
                        }
                        let text = (ApplicationStatus(rawValue: entry.status) ?? .received).familyText
                        Terminal.out("\(entry.collectionNumber)  \(text.zh) / \(text.en)")
                        switch entry.status {
                        case "rejected":
                            for reason in entry.reasons { Terminal.out("  驳回理由 / reason: \(reason)") }
                        case "admitted":
                            Terminal.out("  录取学校 / school: \(entry.school ?? "")")
                        default:
                            break
                        }
                    }
                }
            }
        }
    }
}
