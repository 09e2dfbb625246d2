import Foundation
import JSONSchema

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

/// What the station stamps on a bundle at 提交, inside the signed `bag-info.txt`: the signing
/// time, the registrar's reason for a submission outside the collection window, and the
/// collection number given from the station's block.
public struct Submission: Sendable, Hashable {
    /// When (`Enroll-Signed-At`).
    public var signedAt: Date
    /// Why outside the window (`Enroll-Late-Reason`), on one line.
    public var lateReason: String?
    /// The 信息采集编号 from the station's block (`Enroll-Collection-Number`).
    public var collectionNumber: String?
    /// The form's notice texts: at signing, each one the form data accepts is recorded
    /// (`Enroll-Notice-Accepted`) with the signing time, unless already recorded.
    public var notices: [FormNotice] = []

    /// Creates a submission; the reason's line breaks and runs of blanks become single spaces.
    public init(signedAt: Date, lateReason: String? = nil, collectionNumber: String? = nil) {
        self.signedAt = signedAt
        let reason = lateReason?.split(whereSeparator: { $0.isWhitespace || $0.isNewline }).joined(separator: " ")
        self.lateReason = reason?.isEmpty == false ? reason : nil
        self.collectionNumber = collectionNumber
    }

    /// A submission now (``StoreClock``).
    /// - Throws: `usage.clock` when `ENROLL_NOW` is malformed.
    public static func now(lateReason: String? = nil) throws -> Submission {
        Submission(signedAt: try StoreClock.current(), lateReason: lateReason)
    }

    /// Writes the stamp into a header; a collection number the header already carries (from
    /// the previous revision) stays, and so do the notice acceptances it carries.
    /// - Parameter document: The revision's form data, which says which notices were accepted.
    func stamp(_ header: inout BundleHeader, form document: JSONValue?) {
        let time = StoreClock.signingText(signedAt)
        header.signedAt = time
        header.lateReason = lateReason
        if let collectionNumber { header.collectionNumber = collectionNumber }
        if let document, header.kind.carriesForm {
            header.noticesAccepted = NoticeRule.record(notices, document: document, signedAt: time, recorded: header.noticesAccepted)
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
    ///   - submission: What is stamped when signed at once (signing time, late reason,
    ///     collection number); no collection-window check is made here.
    /// - Returns: The new application's id.
    @discardableResult
    public func create(
        form: String, formVersion: String, data: String, attachments: [AttachmentInput],
        directory: String, signer: (key: SignifySecretKey, station: String)? = nil, submission: Submission? = nil
    ) throws -> UUID {
        let id = UUID()
        let header = BundleHeader(
            form: form, formVersion: formVersion, applicationID: id, revision: 1,
            previousRevision: nil, kind: .application)
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(try readFormData(data)))]
        items += try attachmentItems(attachments, keeping: [])
        try BundleWriter.write(header: header, items: items, to: directory, signer: signer, submission: submission)
        return id
    }

    /// Makes the next revision of an application, chained to `previous` by
    /// `Enroll-Previous-Revision`.
    ///
    /// The new form data replaces the old; each slot named in `attachments` gets exactly the
    /// files given, every other slot keeps the previous revision's files.
    /// - Parameters:
    ///   - kind: `application` for a plain revision, or a revision kind of the form's own
    ///     (`name-change`, `school-change`), recorded as `Enroll-Kind`.
    ///   - settings: Fields set to new text values on top of the data (`--set POINTER=VALUE`).
    ///   - rules: The form's revision rules; when given, a revision that changes basic
    ///     information or does not fit its kind is refused before anything is written.
    ///   - submission: What is stamped when signed at once.
    /// - Throws: `EnrollError` if the previous bundle is damaged, unsigned or a withdrawal, or
    ///   with `form.immutable-field` / `form.revision-kind` from `rules`.
    @discardableResult
    public func revise(
        _ previous: String, data: String?, attachments: [AttachmentInput], directory: String,
        signer: (key: SignifySecretKey, station: String)? = nil, kind: BundleKind = .application,
        settings: [FieldSetting] = [], rules: RevisionRules? = nil, submission: Submission? = nil
    ) throws -> BundleHeader {
        let (header, digest) = try loadChainable(previous, purpose: LocalizedText(zh: "修改", en: "revise"))
        guard kind.carriesForm else {
            throw EnrollError.usage(
                .formRevisionKind, Location(),
                zh: "撤销请用 enroll withdraw，而不是 enroll revise。", en: "Withdraw with enroll withdraw, not enroll revise.")
        }
        var next = BundleHeader(
            form: header.form, formVersion: header.formVersion, applicationID: header.applicationID,
            revision: header.revision + 1, previousRevision: digest, kind: kind)
        // An application keeps the number the station gave it, and the notices its guardian accepted.
        next.collectionNumber = header.collectionNumber
        next.noticesAccepted = header.noticesAccepted
        let previousBytes = try FileIO.readAll(previous + "/" + BundleLayout.form)
        var formBytes = try data.map(readFormData) ?? previousBytes
        if !settings.isEmpty { formBytes = try FieldSetting.apply(settings, to: formBytes) }
        if let own = rules?.kinds.first(where: { $0.kind == kind }) { formBytes = try FieldSetting.apply(own, to: formBytes) }
        if let rules {
            let problems = rules.check(
                kind: kind, previous: try JSONParser.parse(previousBytes), next: try JSONParser.parse(formBytes),
                file: data ?? previous + "/" + BundleLayout.form)
            if problems.containsErrors { throw EnrollError(problems.errors) }
        }
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(formBytes))]
        let replaced = Set(attachments.map(\.slot))
        let kept = try DirectoryWalker.walk(previous + "/data").filter { entry in
            guard entry.kind == .file, entry.path.hasPrefix("attachments/") else { return false }
            let slot = entry.path.split(separator: "/")[1]
            return !replaced.contains(String(slot))
        }.map { PayloadItem(path: "data/" + $0.path, source: .file(previous + "/data/" + $0.path)) }
        items += try attachmentItems(attachments, keeping: kept)
        try BundleWriter.write(header: next, items: items, to: directory, signer: signer, submission: submission)
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
    ///   - submission: The time, late reason and collection number stamped into `bag-info.txt`
    ///     (now, by ``StoreClock``, when nil).
    ///   - numbering: Gives the application its collection number from the station's block
    ///     (``StationNumbers``) when it has none yet; nil, or a nil answer, leaves the number to
    ///     the district.
    ///   - check: Extra checks the bundle must pass first (the form, once known; the collection
    ///     window); it returns problems, and any error refuses the signature.
    ///   - notices: The notice texts of the bundle's form, once known (``Form/notices``), when
    ///     the submission names none: each one the form data accepts is recorded
    ///     (`Enroll-Notice-Accepted`).
    /// - Returns: The signed bundle's header.
    /// - Throws: `EnrollError` with every problem if the bundle cannot be signed.
    @discardableResult
    public func sign(
        _ directory: String, key: SignifySecretKey, station: String, submission: Submission? = nil,
        check: (BundleVerification) throws -> [Diagnostic] = { _ in [] },
        numbering: ((BundleHeader) throws -> String?)? = nil,
        notices: ((BundleHeader) -> [FormNotice])? = nil
    ) throws -> BundleHeader {
        var submission = try submission ?? Submission.now()
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
        if header.collectionNumber == nil, header.kind.carriesForm, submission.collectionNumber == nil, let numbering {
            submission.collectionNumber = try numbering(header)
        }
        if submission.notices.isEmpty, let notices { submission.notices = notices(header) }
        let document: JSONValue? = try header.kind.carriesForm && !submission.notices.isEmpty
            ? JSONParser.parse(FileIO.readAll(directory + "/" + BundleLayout.form)) : nil
        submission.stamp(&header, form: document)
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
        guard header.kind.carriesForm else {
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

/// A field set to a text value on the command line: `POINTER=VALUE`
/// (`enroll revise --set /student/name=张小明`).
public struct FieldSetting: Sendable, Hashable {
    /// Where, as a JSON Pointer into the form data.
    public var pointer: JSONPointer
    /// The new text.
    public var value: String

    /// Parses `POINTER=VALUE`.
    /// - Throws: `EnrollError` (usage, `usage.set`) if the text is not of that form.
    public init(parsing text: String) throws {
        guard let equals = text.firstIndex(of: "="), let pointer = try? JSONPointer(parsing: String(text[..<equals])), !pointer.tokens.isEmpty else {
            throw EnrollError.usage(
                .usageSet, Location(),
                zh: "字段设置应为“JSON 指针=值”，例如 /student/name=张小明，实际为“\(text)”。",
                en: "A field setting must be POINTER=VALUE, e.g. /student/name=Zhang Xiaoming, not \"\(text)\".")
        }
        self.pointer = pointer
        value = String(text[text.index(after: equals)...])
    }

    /// Sets each field in form data (objects along the way are created).
    /// - Returns: The data with sorted keys.
    static func apply(_ settings: [FieldSetting], to bytes: [UInt8]) throws -> [UInt8] {
        try set(settings.map { ($0.pointer, $0.value as Any) }, in: bytes)
    }

    /// Sets a revision kind's fixed values (`sets`: 去授权 grants, 取消授权 revokes) in form data.
    /// - Returns: The data with sorted keys, or the data unchanged when the kind sets nothing.
    static func apply(_ kind: RevisionKindRule, to bytes: [UInt8]) throws -> [UInt8] {
        guard !kind.sets.isEmpty else { return bytes }
        return try set(try kind.sets.map { field in
            (field.pointer, try JSONSerialization.jsonObject(with: Data(field.value.serialized().utf8), options: .fragmentsAllowed))
        }, in: bytes)
    }

    private static func set(_ values: [(JSONPointer, Any)], in bytes: [UInt8]) throws -> [UInt8] {
        guard var root = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return bytes }
        func set(_ tokens: ArraySlice<String>, _ value: Any, in object: inout [String: Any]) {
            guard let first = tokens.first else { return }
            if tokens.count == 1 { object[first] = value; return }
            var child = object[first] as? [String: Any] ?? [:]
            set(tokens.dropFirst(), value, in: &child)
            object[first] = child
        }
        for (pointer, value) in values { set(pointer.tokens[...], value, in: &root) }
        let data = try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return Array(data) + [0x0A]
    }
}
