import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll sign BUNDLE --key FILE`.
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a bundle with the station's key: it becomes a submitted application. 签名提交申请包。",
            discussion: "A bundle that fails its form is refused: an unsigned bundle is a draft (暂存), a signed one is submitted."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions

        @Argument(help: "The bundle directory.")
        var bundle: String

        func validate() throws {
            guard signing.key != nil else { throw ValidationError("--key is required. 需要 --key 指定站点私钥。") }
        }

        func run() async throws {
            try reportingErrors(common) {
                guard let signer = try signing.signer() else { return }
                let validator = ApplicationValidator(catalog: try FormCatalog(directory: schemaOptions.schemas), trust: nil)
                let header = try BundleOperations().sign(bundle, key: signer.key, station: signer.station) { verification in
                    try validator.contentDiagnostics(verification, directory: bundle)
                }
                printSigned(bundle, header, signer, common)
            }
        }
    }
}

/// Prints what `sign` (or `--key` on a making command) signed.
func printSigned(_ path: String, _ header: BundleHeader, _ signer: (key: SignifySecretKey, station: String), _ common: CommonOptions) {
    if common.format != .text {
        Terminal.json(["path": path, "applicationId": header.applicationID.uuidString.lowercased(),
                       "revision": String(header.revision), "station": signer.station, "keyId": signer.key.keyID.description, "signed": "true"])
    } else if common.language == .zh {
        Terminal.out("已签名 \(path)（申请 \(header.applicationID.uuidString.lowercased())，第 \(header.revision) 版，站点 \(signer.station)，密钥 \(signer.key.keyID)）")
    } else {
        Terminal.out("Signed \(path) (application \(header.applicationID.uuidString.lowercased()), revision \(header.revision), station \(signer.station), key \(signer.key.keyID))")
    }
}

/// Finishes a bundle a making command wrote as a draft: checks it against its form; with a
/// key, signs it if it passes and removes it (leaving nothing) if it does not; without a key,
/// keeps the draft and lists what must be fixed before signing.
func finishDraft(
    _ path: String, signer: (key: SignifySecretKey, station: String)?, schemas: String?, _ common: CommonOptions
) throws {
    let validator = ApplicationValidator(catalog: try FormCatalog(directory: schemas), trust: nil)
    let verification = try validator.verifier.verify(directory: path)
    let problems = verification.diagnostics + (try validator.contentDiagnostics(verification, directory: path))
    guard let header = verification.header else { throw EnrollError(problems) }
    if let signer {
        guard !problems.containsErrors else {
            try? FileManager.default.removeItem(atPath: path)
            throw EnrollError(problems.errors)
        }
        let signed = try BundleOperations().sign(path, key: signer.key, station: signer.station)
        printSigned(path, signed, signer, common)
        return
    }
    printMade(path, id: header.applicationID.uuidString.lowercased(), revision: header.revision, signed: false, common)
    if problems.containsErrors && common.format == .text {
        Terminal.err(common.language == .zh
            ? "草稿已保存，签名前还需修正 \(problems.errors.count) 个问题："
            : "Draft saved; \(problems.errors.count) problems must be fixed before it can be signed:")
        Terminal.report(problems, common.language)
    }
}
