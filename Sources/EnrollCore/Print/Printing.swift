import Foundation

/// The rules of what may be printed, and the signing, shared by the district and the station.
public struct DocumentIssuer: Sendable {
    /// The key documents are signed with (the district's, or the station's for a receipt).
    public var key: SignifySecretKey
    /// The issuer's name, printed under the document (the key file's name).
    public var name: String
    /// The renderer.
    public var renderer = DocumentRenderer()
    /// The clock; tests set it.
    public var now: @Sendable () -> Date = { Date() }

    /// Creates an issuer.
    public init(key: SignifySecretKey, name: String) {
        self.key = key
        self.name = name
    }

    /// Writes the 学龄人口信息采集表.
    /// - Throws: ``collectionFormRefusal(_:)``'s error, `print.render-failed`.
    public func collectionForm(_ application: PrintedApplication, to path: String) throws -> PrintSeal {
        if let refusal = Self.collectionFormRefusal(application) { throw refusal }
        let seal = try seal(.collectionForm, application, number: application.collectionNumber ?? "", extra: "")
        try renderer.writeCollectionForm(application, seal: seal, signer: name, to: path)
        return seal
    }

    /// Why the collection form of an application may not be printed yet, or nil when it may:
    /// `print.withdrawn`, `print.number-missing` when the district has not given a collection
    /// number yet, `print.not-verified` for a non-local form before 审核通过. The web apps ask
    /// it to disable their button with the reason; ``collectionForm(_:to:)`` throws it.
    public static func collectionFormRefusal(_ application: PrintedApplication) -> EnrollError? {
        let number: String
        switch printable(application) {
        case .failure(let error): return error
        case .success(let found): number = found
        }
        if !application.needsVerificationBeforeCollectionForm || application.status == .verified || application.status == .admitted { return nil }
        let state = application.status.map { "“\($0.familyText.zh)”" } ?? "未知（尚无区教育局的答复）"
        let stateEn = application.status.map { "\"\($0.rawValue)\"" } ?? "unknown (no answer from the district yet)"
        return EnrollError.invalid(
            .printNotVerified, Location(),
            zh: "申请 \(number) 使用非本市户籍表单（\(application.form.id)），须审核通过后才能打印信息采集表；当前状态为\(state)。",
            en: "Application \(number) is on a non-local form (\(application.form.id)); its collection form can be printed only once it is verified (审核通过). Its status is \(stateEn).")
    }

    /// Writes the 入学通知书.
    /// - Throws: ``admissionNoticeRefusal(_:)``'s error, `print.render-failed`.
    public func admissionNotice(_ application: PrintedApplication, to path: String) throws -> PrintSeal {
        if let refusal = Self.admissionNoticeRefusal(application) { throw refusal }
        let seal = try seal(.admissionNotice, application, number: application.collectionNumber ?? "", extra: application.school ?? "")
        try renderer.writeAdmissionNotice(application, seal: seal, signer: name, to: path)
        return seal
    }

    /// Why the admission notice of an application may not be printed, or nil when it may:
    /// `print.withdrawn`, `print.number-missing`, `print.not-admitted` unless it is 录取.
    public static func admissionNoticeRefusal(_ application: PrintedApplication) -> EnrollError? {
        let number: String
        switch printable(application) {
        case .failure(let error): return error
        case .success(let found): number = found
        }
        if application.status == .admitted, application.school != nil { return nil }
        return EnrollError.invalid(
            .printNotAdmitted, Location(),
            zh: "申请 \(number) 尚未录取（当前状态：\(application.status?.familyText.zh ?? "未知")），不能打印入学通知书。",
            en: "Application \(number) has not been admitted (status: \(application.status?.rawValue ?? "unknown")); no admission notice can be printed.")
    }

    /// Writes the station's receipt, numbered with the collection number when the district
    /// gave one and with the application ID before that.
    /// - Throws: `print.render-failed`.
    public func receipt(_ application: PrintedApplication, to path: String) throws -> PrintSeal {
        let seal = try seal(.receipt, application, number: application.collectionNumber ?? application.applicationID, extra: application.station)
        try renderer.writeReceipt(application, seal: seal, to: path)
        return seal
    }

    private func seal(_ kind: PrintedDocumentKind, _ application: PrintedApplication, number: String, extra: String) throws -> PrintSeal {
        try PrintSeal.sign(
            kind: kind, number: number, childName: application.childName, idNumber: application.childIDNumber,
            district: application.district, extra: extra, issuedAt: now(), key: key)
    }

    /// The collection number of an application documents may be printed for, or why none may be.
    private static func printable(_ application: PrintedApplication) -> Result<String, EnrollError> {
        if application.status == .withdrawn {
            return .failure(EnrollError.invalid(
                .printWithdrawn, Location(),
                zh: "申请 \(application.collectionNumber ?? application.applicationID) 已撤销，不再打印它的文书。",
                en: "Application \(application.collectionNumber ?? application.applicationID) was withdrawn; no documents are printed for it."))
        }
        guard let number = application.collectionNumber else {
            return .failure(EnrollError.invalid(
                .printNumberMissing, Location(),
                zh: "申请 \(application.applicationID) 还没有信息采集编号。请先导入区教育局的状态归档（enroll status），再打印。",
                en: "Application \(application.applicationID) has no collection number yet. Take in the district's status archive (enroll status) first, then print."))
        }
        return .success(number)
    }
}

/// Printing at the district: documents from the store, each issue recorded in the audit log
/// (kind, 校验码, key ID, time) so that `print verify --number --code` can look it up.
public struct DistrictPrinting: Sendable {
    /// The store.
    public let store: DistrictStore
    /// The forms.
    public let catalog: FormCatalog
    /// Who signs.
    public var issuer: DocumentIssuer
    /// The account recorded in the audit log.
    public var actor = DistrictStore.defaultActor

    /// Creates a district printer.
    public init(store: DistrictStore, catalog: FormCatalog, issuer: DocumentIssuer) {
        self.store = store
        self.catalog = catalog
        self.issuer = issuer
    }

    /// Prints one application's collection form.
    @discardableResult
    public func collectionForm(_ reference: String, to path: String) throws -> PrintSeal {
        let application = try PrintedApplication.fromStore(store, reference: reference, catalog: catalog)
        return try record(try issuer.collectionForm(application, to: path), application)
    }

    /// Prints one application's admission notice.
    @discardableResult
    public func admissionNotice(_ reference: String, to path: String) throws -> PrintSeal {
        let application = try PrintedApplication.fromStore(store, reference: reference, catalog: catalog)
        return try record(try issuer.admissionNotice(application, to: path), application)
    }

    /// What a batch printed and what it passed over.
    public struct BatchResult: Sendable {
        /// The files written, in collection-number order.
        public var written: [String] = []
        /// The applications not printed, with the reason.
        public var skipped: [(number: String, reason: Diagnostic)] = []
    }

    /// Prints the collection form of every printable application into `directory` as
    /// `<collection number>.pdf`, one application at a time (one application's data and one
    /// PDF in memory), passing over those that may not be printed yet.
    /// - Parameter progress: called after each application with (done, total).
    /// - Throws: `io.*` when the directory cannot be made; `print.render-failed`.
    public func allCollectionForms(to directory: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> BatchResult {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileIO.ioError(error, directory, verb: (zh: "创建", en: "create"))
        }
        let numbers = try store.applications().map(\.collectionNumber)
        var result = BatchResult()
        for (index, number) in numbers.enumerated() {
            let path = directory + "/" + number + ".pdf"
            do {
                try collectionForm(number, to: path)
                result.written.append(path)
            } catch let error as EnrollError where error.exitStatus == .invalid {
                result.skipped.append((number, error.diagnostics[0]))
            }
            progress(index + 1, numbers.count)
        }
        return result
    }

    private func record(_ seal: PrintSeal, _ application: PrintedApplication) throws -> PrintSeal {
        try PrintRegister(store: store).record(seal, application: application.applicationID, actor: actor)
        return seal
    }
}

/// The district's register of issued printouts: `print.issued` events in the audit log.
public struct PrintRegister: Sendable {
    /// The store.
    public let store: DistrictStore

    /// Creates a register over a store.
    public init(store: DistrictStore) {
        self.store = store
    }

    /// Records that a document was issued: its kind, 校验码, key ID and time (never the ID number).
    public func record(_ seal: PrintSeal, application: String, actor: String) throws {
        try store.backend.append(AuditEntry(
            actor: actor, application: application, action: .printIssued,
            detail: ["kind": seal.kind.slug, "code": seal.checkCode, "keyId": seal.keyID.description, "issuedAt": seal.issuedAt]))
    }

    /// Looks up a printout by its collection number and 校验码 in the audit log.
    /// - Returns: the issue event.
    /// - Throws: `store.unknown-application`; `print.code-unknown` when no document of that
    ///   application was issued with the code.
    public func find(number: String, code: String) throws -> AuditEvent {
        let detail = try store.detail(number)
        let wanted = code.uppercased().filter { $0.isLetter || $0.isNumber }
        let issued = try store.events(application: detail.summary.applicationId).filter { $0.action == .printIssued }
        guard let event = issued.last(where: { $0.detail["code"] == wanted }) else {
            throw EnrollError.invalid(
                .printCodeUnknown, Location(),
                zh: "编号 \(detail.summary.collectionNumber) 没有签发过校验码为 \(wanted) 的打印件：打印件可能是伪造的或被改动过。",
                en: "No printout with check code \(wanted) was issued for number \(detail.summary.collectionNumber): the printout may be forged or altered.")
        }
        return event
    }
}
