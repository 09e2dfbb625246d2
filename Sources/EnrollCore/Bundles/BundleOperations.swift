import Foundation

/// An attachment given on the command line: a slot and a file.
public struct AttachmentInput: Sendable, Hashable {
    /// The slot id, e.g. `student-photo`.
    public var slot: String
    /// The file to attach.
    public var file: String

    /// Parses `SLOT=FILE`.
    /// - Throws: `EnrollError` (usage) if the text is not of that form or the slot id is unsafe.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
            throw EnrollError.usage(
                .usageAttach, Location(),
                zh: "附件参数应为“槽位=文件”，例如 student-photo=photo.jpg，实际为“\(text)”。",
                en: "An attachment must be given as SLOT=FILE, e.g. student-photo=photo.jpg, not \"\(text)\".")
        }
        slot = String(text[..<equals])
        file = String(text[text.index(after: equals)...])
        guard slot.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw EnrollError.usage(
                .usageAttach, Location(),
                zh: "槽位名“\(slot)”只能包含英文字母、数字、- 和 _。",
                en: "The slot name \"\(slot)\" may contain only letters, digits, - and _.")
        }
    }
}

/// Making, signing, revising and withdrawing application bundles.
public struct BundleOperations: Sendable {
    /// Creates the operations.
    public init() {}

    /// Makes revision 1 of a new application.
    /// - Parameters:
    ///   - form: The form id.
    ///   - formVersion: The form's version.
    ///   - data: The form data file (UTF-8 JSON without a BOM).
    ///   - attachments: The document images.
    ///   - directory: The bundle directory to create.
    ///   - signer: Key and station to sign with at once, or nil for a draft.
    /// - Returns: The new application's id.
    @discardableResult
    public func create(
        form: String, formVersion: String, data: String, attachments: [AttachmentInput],
        directory: String, signer: (key: SignifySecretKey, station: String)? = nil
    ) throws -> UUID {
        let id = UUID()
        let header = BundleHeader(
            form: form, formVersion: formVersion, applicationID: id, revision: 1,
            previousRevision: nil, kind: .application)
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(try readFormData(data)))]
        items += try attachmentItems(attachments, keeping: [])
        try BundleWriter.write(header: header, items: items, to: directory, signer: signer)
        return id
    }

    /// Makes the next revision of an application, chained to `previous` by
    /// `Enroll-Previous-Revision`.
    ///
    /// The new form data replaces the old; each slot named in `attachments` gets exactly the
    /// files given, every other slot keeps the previous revision's files.
    /// - Throws: `EnrollError` if the previous bundle is damaged, unsigned or a withdrawal.
    @discardableResult
    public func revise(
        _ previous: String, data: String?, attachments: [AttachmentInput], directory: String,
        signer: (key: SignifySecretKey, station: String)? = nil
    ) throws -> BundleHeader {
        let (header, digest) = try loadChainable(previous, purpose: LocalizedText(zh: "修改", en: "revise"))
        var next = BundleHeader(
            form: header.form, formVersion: header.formVersion, applicationID: header.applicationID,
            revision: header.revision + 1, previousRevision: digest, kind: .application)
        let formBytes = try data.map(readFormData) ?? FileIO.readAll(previous + "/" + BundleLayout.form)
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(formBytes))]
        let replaced = Set(attachments.map(\.slot))
        let kept = try DirectoryWalker.walk(previous + "/data").filter { entry in
            guard entry.kind == .file, entry.path.hasPrefix("attachments/") else { return false }
            let slot = entry.path.split(separator: "/")[1]
            return !replaced.contains(String(slot))
        }.map { PayloadItem(path: "data/" + $0.path, source: .file(previous + "/data/" + $0.path)) }
        items += try attachmentItems(attachments, keeping: kept)
        try BundleWriter.write(header: next, items: items, to: directory, signer: signer)
        next.station = signer?.station
        next.keyID = signer?.key.keyID
        return next
    }

    /// Makes the withdrawal revision (撤销) of an application.
    /// - Parameters:
    ///   - previous: The latest revision's bundle.
    ///   - reason: Why the family withdraws, as they said it.
    ///   - directory: The bundle directory to create.
    /// - Throws: `EnrollError` if the previous bundle is damaged, unsigned or already a withdrawal.
    @discardableResult
    public func withdraw(
        _ previous: String, reason: String, directory: String,
        signer: (key: SignifySecretKey, station: String)? = nil, date: Date = Date()
    ) throws -> BundleHeader {
        let (header, digest) = try loadChainable(previous, purpose: LocalizedText(zh: "撤销", en: "withdraw"))
        let next = BundleHeader(
            form: header.form, formVersion: header.formVersion, applicationID: header.applicationID,
            revision: header.revision + 1, previousRevision: digest, kind: .withdrawal)
        let request: [String: Any] = [
            "applicationId": header.applicationID.uuidString.lowercased(),
            "revision": next.revision,
            "reason": reason,
            "requestedAt": ISO8601DateFormatter().string(from: date),
        ]
        let json = try JSONSerialization.data(withJSONObject: request, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        try BundleWriter.write(
            header: next, items: [PayloadItem(path: BundleLayout.withdrawal, source: .bytes(Array(json) + [0x0A]))],
            to: directory, signer: signer)
        return next
    }

    /// Signs a bundle in place: records the station and key in `bag-info.txt`, rewrites the
    /// tag manifest and writes `tagmanifest-sha256.txt.sig`.
    ///
    /// A signed bundle is a submitted application; it is never signed twice (make a revision
    /// instead). The bag must be intact before signing.
    /// - Parameters:
    ///   - directory: The bundle.
    ///   - key: The station's secret key.
    ///   - station: The station's name.
    ///   - check: Extra checks the bundle must pass first (the form, once known); it returns
    ///     problems, and any error refuses the signature.
    /// - Returns: The signed bundle's header.
    /// - Throws: `EnrollError` with every problem if the bundle cannot be signed.
    @discardableResult
    public func sign(
        _ directory: String, key: SignifySecretKey, station: String,
        check: (BundleVerification) throws -> [Diagnostic] = { _ in [] }
    ) throws -> BundleHeader {
        let verification = try BundleVerifier(trust: nil).verify(directory: directory)
        if verification.isSigned {
            throw EnrollError.invalid(
                .sigAlreadySigned, Location(file: directory + "/" + BundleLayout.signature),
                zh: "该申请包已签名，已签名的申请包不能再改动。若要修改，请用 enroll revise 制作新版本。",
                en: "The bundle is already signed, and a signed bundle is never changed. To change it, make a new revision with enroll revise.")
        }
        let problems = verification.diagnostics + (try check(verification))
        guard !problems.containsErrors, var header = verification.header else {
            throw EnrollError(problems.errors.isEmpty ? problems : problems.errors)
        }
        header.station = station
        header.keyID = key.keyID
        var info = verification.bag.info
        header.apply(to: &info)
        try FileIO.replaceAtomically(directory + "/bag-info.txt", info.rendered())
        let tagManifest = try BundleWriter.tagManifestContents(in: directory)
        try FileIO.replaceAtomically(directory + "/" + BundleLayout.tagManifest, tagManifest)
        try BundleWriter.writeSignature(key, station: station, over: tagManifest, in: directory)
        return header
    }

    private func loadChainable(_ previous: String, purpose: LocalizedText) throws -> (BundleHeader, String) {
        let verification = try BundleVerifier(trust: nil).verify(directory: previous)
        guard verification.isValid, let header = verification.header, let digest = verification.tagManifestDigest else {
            throw EnrollError(verification.diagnostics.errors)
        }
        guard verification.isSigned else {
            throw EnrollError.invalid(
                .bagUnsignedPrevious, Location(file: previous),
                zh: "上一版是未签名的草稿，不能在其上\(purpose.zh)。请直接修改草稿后重新制作，或先签名提交。",
                en: "The previous revision is an unsigned draft and cannot be the base to \(purpose.en). Make the draft again with the changes, or sign it first.")
        }
        guard header.kind == .application else {
            throw EnrollError.invalid(
                .bagWithdrawn, Location(file: previous),
                zh: "该申请已撤销，不能再\(purpose.zh)。如需重新申请，请新建申请。",
                en: "This application has been withdrawn and cannot be revised or withdrawn again. To apply again, make a new application.")
        }
        return (header, digest)
    }

    /// Reads form data, refusing a BOM, invalid UTF-8 or malformed JSON with its line and column.
    func readFormData(_ path: String) throws -> [UInt8] {
        let bytes = try FileIO.readAll(path)
        if let problem = JSONText.firstProblem(bytes) {
            throw EnrollError.invalid(
                .formJsonMalformed, Location(file: path, line: problem.line, column: problem.column),
                zh: "表单数据不是有效的 JSON：\(problem.message.zh)。请修正后重试。",
                en: "The form data is not valid JSON: \(problem.message.en). Fix it and try again.")
        }
        return bytes
    }

    /// Payload items for attachments: `data/attachments/<slot>/<n>.<ext>`, numbered after the
    /// files kept in the same slot, typed by sniffing the content.
    func attachmentItems(_ attachments: [AttachmentInput], keeping kept: [PayloadItem]) throws -> [PayloadItem] {
        var items = kept
        var counts: [String: Int] = [:]
        for item in kept {
            counts[String(item.path.split(separator: "/")[2]), default: 0] += 1
        }
        for attachment in attachments {
            var head: [UInt8] = []
            do {
                try FileIO.stream(attachment.file) { chunk in
                    if head.count < 16 { head += chunk.prefix(16 - head.count) }
                }
            }
            guard let type = MediaType.sniff(head) else {
                throw EnrollError.invalid(
                    .attachmentTypeUnknown, Location(file: attachment.file),
                    zh: "附件不是 JPEG、PNG 或 PDF 文件（按文件内容判断，而非扩展名）。请重新拍照或扫描保存为 JPEG/PNG。",
                    en: "The attachment is not a JPEG, PNG or PDF file (judged by its content, not its name). Take or scan it again as JPEG or PNG.")
            }
            counts[attachment.slot, default: 0] += 1
            items.append(PayloadItem(
                path: "\(BundleLayout.attachments)\(attachment.slot)/\(counts[attachment.slot]!).\(type.fileExtension)",
                source: .file(attachment.file)))
        }
        return items
    }
}
