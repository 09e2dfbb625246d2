import ArgumentParser
import EnrollCore
import Foundation
import JSONSchema

extension Enroll {
    /// `enroll status …`: the district's answers, back to the field.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Signed status archives from the district to the stations. 审核结果回传。",
            subcommands: [Export.self, Import.self, Show.self]
        )

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Write the signed status archive (district side). 导出结果归档。")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "The district's secret key.") var key: String
            @Option(name: .long, help: "The district's name (default: the key file's name without .sec).") var district: String?
            @Option(name: .long, help: "Only this station's applications.") var station: String?
            @Option(name: .long, help: "The archive to create (.tar.zst).") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let secret = try SignifySecretKey(contentsOf: key)
                    let name = district ?? ((key as NSString).lastPathComponent as NSString).deletingPathExtension
                    let count = try StatusArchive.export(
                        from: try DistrictStore(directory: storeOptions.store), key: secret, district: name, station: station, to: out)
                    Terminal.out(common.language == .zh ? "已导出 \(count) 个申请的审核结果到 \(out)（由 \(name) 签名）。" : "Exported the status of \(count) applications to \(out) (signed by \(name)).")
                }
            }
        }

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Take in a status archive at a station, refusing an untrusted district key. 导入结果归档。")
            @OptionGroup var common: CommonOptions
            @Argument(help: "The status archive.") var archive: String
            @Option(name: .long, help: "Directory holding the district's trusted .pub key.") var trust: String
            @Option(name: .long, help: "The station's directory, where answers are kept.") var station: String

            func run() async throws {
                try reportingErrors(common) {
                    let (entries, signer) = try StatusArchive.read(archive, trust: try TrustStore(directory: trust))
                    let changed = try StationStatus(directory: station).merge(entries)
                    Terminal.out(common.language == .zh
                        ? "已核验 \(signer.name) 的签名，导入 \(entries.count) 条结果（\(changed) 条有变化）。"
                        : "Verified the signature of \(signer.name); took in \(entries.count) answers (\(changed) changed).")
                }
            }
        }

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "What the family is told: under review, rejected with reasons, or admitted. 查询结果。")
            @OptionGroup var common: CommonOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String?
            @Option(name: .long, help: "Find by the child's ID number instead.") var idNumber: String?
            @Option(name: .long, help: "The station's directory.") var station: String

            func validate() throws {
                guard (application == nil) != (idNumber == nil) else {
                    throw ValidationError("Give an application or --id-number, not both. 请给出申请编号或 --id-number 之一。")
                }
            }

            func run() async throws {
                try reportingErrors(common) {
                    guard let entry = try StationStatus(directory: station).find(application, idNumber: idNumber) else {
                        throw EnrollError.invalid(
                            "import.unknown-application", Location(file: station),
                            zh: "没有这个申请的结果。区里可能尚未审核，或本站尚未导入最新的结果归档。",
                            en: "There is no answer for this application. The district may not have reviewed it yet, or this station has not taken in the latest status archive.")
                    }
                    if common.format != .text { Terminal.json(entry); return }
                    let text = (ApplicationStatus(rawValue: entry.status) ?? .received).familyText
                    Terminal.out("\(entry.collectionNumber)  \(entry.childIdMasked ?? "")  \(text.zh) / \(text.en)")
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

    /// `enroll export json|csv|bundle`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export applications as JSON or CSV (opens in Excel), or a stored bundle byte for byte. 导出。",
            subcommands: [JSON.self, CSV.self, Bundle.self]
        )

        struct JSON: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "json", abstract: "The current applications as a JSON array.")
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "Write to FILE instead of standard output.") var out: String?
            @Flag(name: .long, help: "Mask ID numbers and phones (for sharing).") var mask = false

            func run() async throws {
                let common = CommonOptions()
                try reportingErrors(common) {
                    let rows = try DistrictStore(directory: storeOptions.store).exportRows()
                    let array = JSONValue.array(rows.map { row in
                        let s = row.summary
                        var pairs: [(String, JSONValue)] = [
                            ("applicationId", .string(s.applicationId)), ("revision", .number(JSONNumber(String(s.revision))!)),
                            ("status", .string(s.status.rawValue)), ("collectionNumber", .string(s.collectionNumber)), ("form", .string(s.form)),
                            ("station", .string(s.station)), ("school", s.school.map { .string($0) } ?? .null),
                            ("reasons", .array(s.reasons.map { .string($0) })), ("flags", .array(s.flags.map { .string($0.rawValue) })),
                        ]
                        pairs.append(("data", row.data.map { mask ? maskPersonalData($0) : $0 } ?? .null))
                        return .object(JSONObject(pairs))
                    })
                    try emit(array.serialized(sortedKeys: false) + "\n", to: out)
                }
            }
        }

        struct CSV: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "csv", abstract: "The current applications as CSV (UTF-8 with BOM, CRLF) for Excel.")
            @OptionGroup var storeOptions: StoreOptions
            @Option(name: .long, help: "Write to FILE instead of standard output.") var out: String?
            @Flag(name: .long, help: "Mask ID numbers and phones (for sharing).") var mask = false

            func run() async throws {
                let common = CommonOptions()
                try reportingErrors(common) {
                    let rows = try DistrictStore(directory: storeOptions.store).exportRows()
                    let fixed = ["applicationId", "revision", "status", "collectionNumber", "form", "station", "school", "reasons", "flags"]
                    var dataColumns: [String] = []
                    var seen: Set<String> = []
                    var flattened: [[String: String]] = []
                    for row in rows {
                        var cells: [String: String] = [:]
                        if let data = row.data { flatten(mask ? maskPersonalData(data) : data, prefix: "", into: &cells) }
                        for key in cells.keys.sorted() where seen.insert(key).inserted { dataColumns.append(key) }
                        flattened.append(cells)
                    }
                    var lines = [(fixed + dataColumns).map(quote).joined(separator: ",")]
                    for (row, cells) in zip(rows, flattened) {
                        let s = row.summary
                        let values = [s.applicationId, String(s.revision), s.status.rawValue, s.collectionNumber, s.form, s.station, s.school ?? "",
                                      s.reasons.joined(separator: "; "), s.flags.map(\.rawValue).joined(separator: " ")] + dataColumns.map { cells[$0] ?? "" }
                        lines.append(values.map(quote).joined(separator: ","))
                    }
                    // The BOM makes Excel read UTF-8 (Chinese text) correctly; CRLF is what RFC 4180 asks.
                    try emit("\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n", to: out)
                }
            }

            private func flatten(_ value: JSONValue, prefix: String, into cells: inout [String: String]) {
                switch value {
                case .object(let object): for (key, child) in object { flatten(child, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &cells) }
                case .array(let items): for (index, child) in items.enumerated() { flatten(child, prefix: "\(prefix)[\(index)]", into: &cells) }
                case .string(let text): cells[prefix] = text
                case .bool(let flag): cells[prefix] = flag ? "是" : "否"
                case .number(let number): cells[prefix] = number.description
                case .null: cells[prefix] = ""
                }
            }

            private func quote(_ cell: String) -> String {
                // A leading =, +, - or @ would be run by Excel as a formula: keep it text.
                var text = cell
                if let first = text.first, "=+-@".contains(first) { text = "'" + text }
                if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || text != cell {
                    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
                return text
            }
        }

        struct Bundle: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "bundle", abstract: "Write a stored revision as its original signed bundle, byte for byte.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String
            @Option(name: .long, help: "The revision (default: the current one).") var rev: Int?
            @Option(name: .long, help: "The bundle directory to create.") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let digest = try DistrictStore(directory: storeOptions.store).exportBundle(application, revision: rev, to: out)
                    Terminal.out(common.language == .zh ? "已导出申请包到 \(out)（tagmanifest \(digest.prefix(16))…）" : "Exported the bundle to \(out) (tag manifest \(digest.prefix(16))…)")
                }
            }
        }
    }
}

private func emit(_ text: String, to path: String?) throws {
    if let path {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } else {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
