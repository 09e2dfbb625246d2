import Foundation
import JSONSchema

/// The full check of an application bundle: bag integrity, enroll's metadata, the station's
/// signature (when a trust store is given), the form data against its form, the named rules
/// and the attachments.
public struct ApplicationValidator: Sendable {
    /// The forms bundles are judged against.
    public let catalog: FormCatalog
    /// The integrity and signature checker.
    public let verifier: BundleVerifier

    /// Creates a validator.
    /// - Parameters:
    ///   - catalog: The known forms.
    ///   - trust: Trusted keys; nil to skip the signature check.
    public init(catalog: FormCatalog, trust: TrustStore?) {
        self.catalog = catalog
        verifier = BundleVerifier(trust: trust)
    }

    /// Validates a bundle directory.
    /// - Throws: `EnrollError` (I/O) if the path cannot be read.
    public func validate(directory: String) throws -> BundleVerification {
        var result = try verifier.verify(directory: directory)
        result.diagnostics += try contentDiagnostics(result, directory: directory)
        return result
    }

    /// The form (or withdrawal) checks of a bundle directory already verified.
    public func contentDiagnostics(_ verification: BundleVerification, directory: String) throws -> [Diagnostic] {
        let payload = verification.bag.inventory.payload
        guard let header = verification.header else { return [] }
        if header.kind.carriesForm, payload[BundleLayout.form] != nil {
            return formDiagnostics(header, try FormInput(directory: directory, payload: payload.values.map(\.path)), root: directory)
        }
        if header.kind == .withdrawal, payload[BundleLayout.withdrawal] != nil {
            return withdrawalDiagnostics(header, try FileIO.readAll(directory + "/" + BundleLayout.withdrawal), root: directory)
        }
        return []
    }

    /// The checks of 提交 itself: an application (not a withdrawal, nor a 去授权 / 取消授权, which
    /// a family may make at any time) signed outside its form's collection window needs the
    /// registrar's reason (``CollectionWindowRule``).
    /// - Returns: `form.outside-window`, or nothing (also for an unknown form: the content
    ///   checks report it).
    public func submissionDiagnostics(_ header: BundleHeader, _ submission: Submission, file: String?) -> [Diagnostic] {
        guard header.kind.carriesForm, !header.kind.keepsDecision, let form = try? catalog.form(header.form) else { return [] }
        return CollectionWindowRule.check(form: form, signedAt: submission.signedAt, lateReason: submission.lateReason, file: file)
    }

    /// The form checks for an application whose header is known.
    public func formDiagnostics(_ header: BundleHeader, _ input: FormInput, root: String) -> [Diagnostic] {
        let infoLocation = Location(file: root + "/bag-info.txt")
        guard catalog.ids.contains(header.form) else {
            let known = catalog.ids.joined(separator: ", ")
            return [.error(
                .formUnknown, infoLocation,
                zh: "申请包使用的表单“\(header.form)”在本机的表单定义中不存在（可用：\(known)）。请更新表单定义。",
                en: "The bundle's form \"\(header.form)\" is not among this installation's forms (known: \(known)). Update the form schemas.")]
        }
        let form: Form
        do {
            form = try catalog.form(header.form)
        } catch {
            return (error as? EnrollError)?.diagnostics ?? [.error(.formSchemaInvalid, infoLocation, zh: "\(error)", en: "\(error)")]
        }
        var diagnostics: [Diagnostic] = []
        if header.formVersion != form.version {
            diagnostics.append(.warning(
                .formVersionMismatch, infoLocation,
                zh: "申请包按表单版本 \(header.formVersion) 填写，本机表单为 \(form.version) 版；按本机版本校验。",
                en: "The bundle was filled in with form version \(header.formVersion); this installation has \(form.version) and checks against it."))
        }
        diagnostics += NoticeRule.check(header.noticesAccepted, form: form, file: root + "/bag-info.txt")
        if header.revision == 1, let document = try? JSONParser.parse(input.formJSON) {
            diagnostics += RevisionRules(form: form).checkFirst(kind: header.kind, document: document, file: root + "/" + BundleLayout.form)
        }
        return diagnostics + FormValidator(form: form).validate(input, root: root)
    }

    /// The checks of a withdrawal request.
    func withdrawalDiagnostics(_ header: BundleHeader, _ bytes: [UInt8], root: String) -> [Diagnostic] {
        let file = root + "/" + BundleLayout.withdrawal
        switch FormValidator.parse(bytes, file: file) {
        case .failure(let error): return error.diagnostics
        case .success(let document):
            guard document.root["applicationId"]?.stringValue?.lowercased() == header.applicationID.uuidString.lowercased() else {
                return [.error(
                    .formWithdrawalMismatch, Location(file: file, pointer: "/applicationId"),
                    zh: "撤销请求中的申请编号与 bag-info.txt 不一致。", en: "The withdrawal request's applicationId differs from bag-info.txt.")]
            }
            return []
        }
    }
}
