import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll bag`: BagIt tools for any bag, not only enroll's.
    struct Bag: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bag", 
            abstract: "BagIt (RFC 8493) tools for any bag. BagIt 工具。",
            subcommands: [Validate.self]
        )
    }
}

extension Enroll.Bag {
    /// `enroll bag validate PATH...`.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "validate", 
            abstract: "Validate bags fully against RFC 8493 and BagIt 0.93–0.97, reporting every problem. 校验 BagIt 包。",
            discussion: "Each bag by the rules of the version it declares, its tag files in the encoding it declares; md5, sha1, sha224, sha256, sha384 and sha512 manifests. Exit 0 valid (warnings on stderr), 1 invalid, 2 unreadable."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "Bag directories.")
        var paths: [String]

        func run() async throws {
            var anyInvalid = false
            var reports: [BagReport] = []
            try reportingErrors(common) {
                for path in paths {
                    let report = try BagValidator().validate(directory: path)
                    anyInvalid = anyInvalid || !report.isValid
                    reports.append(report)
                }
            }
            let language = common.language
            if common.format != .text {
                struct BagJSON: Encodable {
                    var path: String
                    var version: String?
                    var encoding: String?
                    var valid: Bool
                    var payloadFiles: Int
                    var payloadBytes: Int64
                    var algorithms: [String]
                    var errors: [DiagnosticJSON]
                    var warnings: [DiagnosticJSON]
                }
                Terminal.json(["bags": reports.map {
                    BagJSON(path: $0.path, version: $0.version, encoding: $0.encoding, valid: $0.isValid, payloadFiles: $0.payloadFileCount,
                            payloadBytes: $0.payloadByteCount, algorithms: $0.payloadAlgorithms.map(\.rawValue),
                            errors: $0.diagnostics.errors.map { DiagnosticJSON($0, language) },
                            warnings: $0.diagnostics.warnings.map { DiagnosticJSON($0, language) })
                }])
            } else {
                for report in reports {
                    let counts = language == .zh
                        ? "\(report.payloadFileCount) 个文件，\(report.payloadByteCount) 字节"
                        : "\(report.payloadFileCount) files, \(report.payloadByteCount) bytes"
                    Terminal.out("\(report.isValid ? (language == .zh ? "有效" : "valid") : (language == .zh ? "无效" : "INVALID"))  \(report.path)  (\(counts))")
                    Terminal.report(report.diagnostics, language)
                }
            }
            if anyInvalid { throw ExitCode(1) }
        }
    }
}
