import EnrollCore
import Foundation

/// What the bundle-making and signing commands print.
enum BundleMessages {
    /// Prints what `sign` (or `--key` on a making command) signed.
    static func signed(_ path: String, _ header: BundleHeader, station: String, keyID: KeyID, _ common: CommonOptions) {
        let id = header.applicationID.uuidString.lowercased()
        if common.format != .text {
            var fields = ["path": path, "applicationId": id, "revision": String(header.revision), "station": station,
                          "keyId": keyID.description, "signed": "true"]
            if let number = header.collectionNumber { fields["collectionNumber"] = number }
            if let signedAt = header.signedAt { fields["signedAt"] = signedAt }
            Terminal.json(fields)
        } else if common.language == .zh {
            Terminal.out("已签名 \(path)（申请 \(id)，第 \(header.revision) 版，站点 \(station)，密钥 \(keyID)）"
                + (header.collectionNumber.map { "，信息采集编号 \($0)" } ?? ""))
        } else {
            Terminal.out("Signed \(path) (application \(id), revision \(header.revision), station \(station), key \(keyID))"
                + (header.collectionNumber.map { ", collection number \($0)" } ?? ""))
        }
    }

    /// Prints what a making command (`new`, `revise`, `withdraw`) left: a signed bundle, or a
    /// draft with what must be fixed before it can be signed.
    static func finished(_ bundle: FinishedBundle, _ common: CommonOptions) {
        let header = bundle.header
        if bundle.isSigned, let station = header.station, let keyID = header.keyID {
            signed(bundle.path, header, station: station, keyID: keyID, common)
            return
        }
        let id = header.applicationID.uuidString.lowercased()
        if common.format != .text {
            Terminal.json(["path": bundle.path, "applicationId": id, "revision": String(header.revision), "signed": "false"])
            return
        }
        Terminal.out(common.language == .zh
            ? "已制作申请包 \(bundle.path)（申请 \(id)，第 \(header.revision) 版，未签名草稿）"
            : "Made bundle \(bundle.path) (application \(id), revision \(header.revision), unsigned draft)")
        let errors = bundle.problems.errors
        if !errors.isEmpty {
            Terminal.err(common.language == .zh
                ? "草稿已保存，签名前还需修正 \(errors.count) 个问题："
                : "Draft saved; \(errors.count) problems must be fixed before it can be signed:")
            Terminal.report(bundle.problems, common.language)
        }
    }
}
