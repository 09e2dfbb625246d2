import ArgumentParser
import EnrollCore

extension Enroll {
    /// `enroll print collection-form|receipt|admission-notice|verify`.
    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "print", 
            abstract: "Print the 学龄人口信息采集表, the station's receipt and the 入学通知书 as signed A4 PDFs; check a printout offline. 打印与核验。",
            subcommands: [CollectionForm.self, Receipt.self, AdmissionNotice.self, Verify.self]
        )

        struct CollectionForm: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "collection-form",
                abstract: "The 学龄人口信息采集表 (2021 图13 layout); non-local forms only once verified (审核通过).",
                discussion: """
                    District: APP --store DIR --key DISTRICT.sec --out FILE.pdf, or --all --store DIR --key DISTRICT.sec --out DIR
                    (one PDF per application, <collection number>.pdf, one application at a time).
                    Station: --bundle DIR --station-dir DIR --key STATION.sec --out FILE.pdf (the status copy gives the number and status).
                    """
            )
            @OptionGroup var common: CommonOptions
            @OptionGroup var schemas: FormSchemaOptions
            @Argument(help: "Application id (or prefix) or collection number (district).") var application: String?
            @Flag(name: .long, help: "Every application in the store, into the --out directory.") var all = false
            @Option(name: .long, help: ArgumentHelp("The district store: a directory (SQLite), or postgres://USER@HOST:PORT/DB with --objects.", valueName: "dir|url")) var store: String?
            @Option(name: .long, help: ArgumentHelp("The objects directory of a PostgreSQL store. Default: $ENROLL_OBJECTS.", valueName: "dir")) var objects: String?
            @Option(name: .long, help: ArgumentHelp("A signed application bundle (station side).", valueName: "dir")) var bundle: String?
            @Option(name: .long, help: ArgumentHelp("The station's working directory, where the district's answers are kept.", valueName: "dir"))
            var stationDir: String?
            @Option(name: .long, help: "The signing key: the district's (with --store) or the station's (with --bundle).") var key: String
            @Option(name: .long, help: "The PDF to write (a directory with --all).") var out: String

            func validate() throws {
                let sources = [store != nil && !all && application != nil, all && store != nil && application == nil, bundle != nil && store == nil && !all]
                guard sources.filter({ $0 }).count == 1 else {
                    throw ValidationError("Give APP --store DIR, --all --store DIR, or --bundle DIR [--station-dir DIR]. 请给出 APP --store、--all --store 或 --bundle 之一。")
                }
            }

            func run() async throws {
                try reportingErrors(common) {
                    let signer = try KeyFiles.signer(keyFile: key)
                    let issuer = DocumentIssuer(key: signer.key, name: signer.station)
                    let catalog = try schemas.catalog()
                    if let bundle {
                        let application = try PrintedApplication.fromBundle(bundle, stationDirectory: stationDir, catalog: catalog)
                        report(try issuer.collectionForm(application, to: out))
                        return
                    }
                    let printing = DistrictPrinting(store: try openStore(store!, objects: objects), catalog: catalog, issuer: issuer)
                    if all {
                        let bar = ProgressBar(enabled: true)
                        let result = try printing.allCollectionForms(to: out) { done, total in bar.update(Int64(done), Int64(total)) }
                        bar.finish()
                        for (number, reason) in result.skipped {
                            Terminal.out("\(number): \(reason.message.text(in: common.language)) [\(reason.code)]")
                        }
                        Terminal.out(common.language == .zh
                            ? "已打印 \(result.written.count) 份信息采集表到 \(out)，\(result.skipped.count) 份暂不能打印。"
                            : "Printed \(result.written.count) collection forms into \(out); \(result.skipped.count) cannot be printed yet.")
                        return
                    }
                    report(try printing.collectionForm(application!, to: out))
                }
            }

            private func report(_ seal: PrintSeal) {
                printed(seal, to: out, language: common.language)
            }
        }

        struct Receipt: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "receipt", 
                abstract: "The receipt the family takes home at 提交: IDs, the data submitted, the documents attached, station and time.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var schemas: FormSchemaOptions
            @Argument(help: "The signed application bundle.") var bundle: String
            @Option(name: .long, help: ArgumentHelp("The station's working directory, where the district's answers are kept.", valueName: "dir"))
            var stationDir: String?
            @Option(name: .long, help: "The station's secret key (signify format, mode 0600).") var key: String
            @Option(name: .long, help: "The PDF to write.") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let signer = try KeyFiles.signer(keyFile: key)
                    let application = try PrintedApplication.fromBundle(bundle, stationDirectory: stationDir, catalog: try schemas.catalog())
                    printed(try DocumentIssuer(key: signer.key, name: signer.station).receipt(application, to: out), to: out, language: common.language)
                }
            }
        }

        struct AdmissionNotice: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "admission-notice", abstract: "The 入学通知书 of an admitted child (录取), signed by the district.")
            @OptionGroup var common: CommonOptions
            @OptionGroup var schemas: FormSchemaOptions
            @OptionGroup var storeOptions: StoreOptions
            @Argument(help: "Application id (or prefix) or collection number.") var application: String
            @Option(name: .long, help: "The district's secret key.") var key: String
            @Option(name: .long, help: "The PDF to write.") var out: String

            func run() async throws {
                try reportingErrors(common) {
                    let signer = try KeyFiles.signer(keyFile: key)
                    let printing = DistrictPrinting(
                        store: try storeOptions.open(), catalog: try schemas.catalog(), issuer: DocumentIssuer(key: signer.key, name: signer.station))
                    printed(try printing.admissionNotice(application, to: out), to: out, language: common.language)
                }
            }
        }

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "verify", 
                abstract: "Is a printout genuine? From its QR text (--qr, --trust) or its 编号 and 校验码 (--number, --code, --store). Exit 0 genuine, 1 not.")
            @OptionGroup var common: CommonOptions
            @Option(name: .long, help: "The QR code's text (e.g. from zbarimg --raw).") var qr: String?
            @Option(name: .long, help: "Directory of trusted .pub keys (the district's, the stations').") var trust: String?
            @Option(name: .long, help: "The printout's 编号 (collection number).") var number: String?
            @Option(name: .long, help: "The printout's 校验码.") var code: String?
            @Option(name: .long, help: ArgumentHelp("The district store: a directory (SQLite), or postgres://USER@HOST:PORT/DB with --objects.", valueName: "dir|url")) var store: String?
            @Option(name: .long, help: ArgumentHelp("The objects directory of a PostgreSQL store. Default: $ENROLL_OBJECTS.", valueName: "dir")) var objects: String?

            func validate() throws {
                let byQR = qr != nil && trust != nil && number == nil && code == nil && store == nil
                let byCode = qr == nil && number != nil && code != nil && store != nil
                guard byQR != byCode else {
                    throw ValidationError("Give --qr TEXT --trust DIR, or --number N --code CODE --store DIR. 请给出 --qr 与 --trust，或 --number、--code 与 --store。")
                }
            }

            func run() async throws {
                try reportingErrors(common) {
                    let zh = common.language == .zh
                    if let qr, let trust {
                        let seal = try PrintSeal(qrText: qr)
                        let signer = try seal.verify(trust: try TrustStore(directory: trust))
                        Terminal.out(Terminal.mark(zh ? "真实" : "GENUINE", good: true) + "  " + (zh
                            ? "\(seal.kind.title.zh) 编号 \(seal.number)，\(seal.childName)（\(seal.maskedID)），\(seal.district)\(seal.extra.isEmpty ? "" : "，\(seal.extra)")；由 \(signer) 于 \(seal.issuedAt) 签发，未被改动。"
                            : "\(seal.kind.title.en) number \(seal.number), \(seal.childName) (\(seal.maskedID)), \(seal.district)\(seal.extra.isEmpty ? "" : ", \(seal.extra)"); issued by \(signer) at \(seal.issuedAt), unaltered."))
                    } else if let number, let code, let store {
                        let event = try PrintRegister(store: try openStore(store, objects: objects)).find(number: number, code: code)
                        Terminal.out(Terminal.mark(zh ? "真实" : "GENUINE", good: true) + "  " + (zh
                            ? "编号 \(number) 的\(event.detail["kind"] ?? "")（校验码 \(event.detail["code"] ?? "")）由密钥 \(event.detail["keyId"] ?? "") 于 \(event.detail["issuedAt"] ?? "") 签发。"
                            : "Number \(number): \(event.detail["kind"] ?? "") with check code \(event.detail["code"] ?? "") was issued with key \(event.detail["keyId"] ?? "") at \(event.detail["issuedAt"] ?? "")."))
                    }
                }
            }
        }
    }
}

/// The line a print command ends with: where the PDF went, its 编号 and 校验码.
private func printed(_ seal: PrintSeal, to path: String, language: Language) {
    Terminal.out(language == .zh
        ? "已生成\(seal.kind.title.zh) \(path)：编号 \(seal.number)，校验码 \(seal.checkCode)。"
        : "Wrote the \(seal.kind.title.en.lowercased()) to \(path): number \(seal.number), check code \(seal.checkCode).")
}

/// Opens the store a print command names: a directory, or a PostgreSQL URL with its objects
/// directory (`--objects`, else `ENROLL_OBJECTS`).
private func openStore(_ location: String, objects: String?) throws -> DistrictStore {
    try DistrictStore(location: location, objects: StoreOptions.objects(objects))
}
