import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll sign BUNDLE --key FILE`.
    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a bundle with the station's key: it becomes a submitted application. 签名提交申请包。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var signing: SigningOptions

        @Argument(help: "The bundle directory.")
        var bundle: String

        func validate() throws {
            guard signing.key != nil else { throw ValidationError("--key is required. 需要 --key 指定站点私钥。") }
        }

        func run() async throws {
            try reportingErrors(common) {
                guard let signer = try signing.signer() else { return }
                let header = try BundleOperations().sign(bundle, key: signer.key, station: signer.station)
                if common.format == .json {
                    Terminal.json(["path": bundle, "applicationId": header.applicationID.uuidString.lowercased(),
                                   "revision": String(header.revision), "station": signer.station, "keyId": signer.key.keyID.description])
                } else if common.language == .zh {
                    Terminal.out("已签名 \(bundle)（站点 \(signer.station)，密钥 \(signer.key.keyID)）")
                } else {
                    Terminal.out("Signed \(bundle) (station \(signer.station), key \(signer.key.keyID))")
                }
            }
        }
    }
}
