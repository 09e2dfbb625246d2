import EnrollCore
import Foundation

/// 提交: a draft becomes a signed bundle under `DIR/bundles/`, through the same library calls
/// as `enroll new --key … --station-dir DIR` (`BundleOperations.finish`, `StationRecords.record`).
struct DraftSubmission {
    let configuration: StationConfiguration

    /// Signs a copy of the draft into `bundles/<application id>-r<revision>`; outside the form's
    /// collection window only with the registrar's `lateReason` (kept as `Enroll-Late-Reason`).
    /// - Returns: The signed bundle.
    /// - Throws: `EnrollError` with every problem when the application does not pass its form
    ///   (nothing is written then, and the draft stays as it is).
    func submit(_ draft: DraftSnapshot, lateReason: String? = nil) throws -> (path: String, header: BundleHeader) {
        let name = "\(draft.header.applicationID.uuidString.lowercased())-r\(draft.header.revision)"
        let target = configuration.bundlesDirectory + "/" + name
        if FileManager.default.fileExists(atPath: target) {
            // A submission whose draft removal was cut short (a killed server): it stands.
            return (target, draft.header)
        }
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(draft.formJSON))]
        for entry in draft.attachments {
            let path = BundleLayout.attachments + entry.slot + "/" + entry.name
            items.append(PayloadItem(path: path, source: .file(draft.directory + "/" + path)))
        }
        let staging = configuration.uploadsDirectory + "/submit-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: staging) }
        try BundleWriter.write(header: draft.header, items: items, to: staging)
        let validator = ApplicationValidator(catalog: configuration.catalog, trust: nil)
        let directory = configuration.directory
        let station = configuration.signer.station
        let catalog = configuration.catalog
        // The next collection number of the station's blocks, as `enroll new --station-dir` gives it.
        let finished = try BundleOperations().finish(staging, validator: validator, signer: configuration.signer, submission: Submission(signedAt: configuration.clock(), lateReason: lateReason), numbering: { header in
            try StationNumbers(directory: directory).number(
                for: header.applicationID.uuidString.lowercased(), station: station, year: try? catalog.form(header.form).year)
        })
        try FileManager.default.moveItem(atPath: staging, toPath: target)
        try StationRecords(directory: configuration.directory).record(bundle: target, header: finished.header, catalog: configuration.catalog)
        return (target, finished.header)
    }
}
