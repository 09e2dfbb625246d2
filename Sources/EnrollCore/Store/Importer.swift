import AgeKit
import ArchiveKit
import Foundation
import JSONSchema
import Logging

/// What happened to each bundle of an import.
public struct ImportReport: Sendable {
    /// The outcome for one bundle.
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// A new application.
        case new
        /// A newer revision that superseded the current one.
        case updated
        /// Already in the store; nothing changed.
        case unchanged
        /// A revision that conflicts with the one held (same number, other content, or a
        /// broken chain); kept and held for review.
        case conflict
        /// A revision of a verified or admitted application (the submit lock): kept beside the
        /// current revision, the decision unchanged, until a reviewer accepts or refuses it.
        case held
        /// Invalid or untrusted; kept aside with every reason.
        case quarantined
        /// Refused: a revision of a withdrawn application.
        case refused
        /// Not stored, through no fault of the bundle: reading or storing it failed on this
        /// machine (a full disk, a read error). Nothing about it was recorded, not even a
        /// quarantine entry, so importing again once the cause is fixed stores it.
        case failed
    }

    /// One bundle's outcome.
    public struct Item: Sendable {
        public var source: String
        public var applicationID: String?
        public var revision: Int?
        public var outcome: Outcome
        public var collectionNumber: String?
        /// Flags raised by this import (`duplicate-child`, `phone-quota`, `conflict`,
        /// `revision-after-decision`).
        public var flags: [ReviewFlag]
        /// Why it was quarantined or refused, or what the conflict is.
        public var diagnostics: [Diagnostic]
    }

    /// Every bundle, in processing order (empty when the import was asked not to keep them,
    /// so that memory does not grow with the number of bundles).
    public var items: [Item] = []
    /// Problems with the archives themselves (batch signature, missing or added bundles…).
    public var archiveProblems: [Diagnostic] = []
    /// How many bundles had each outcome.
    public private(set) var counts: [Outcome: Int] = [:]

    /// Whether nothing was quarantined or refused and every archive was sound (exit status 0).
    public var isClean: Bool {
        archiveProblems.errors.isEmpty && (counts[.quarantined] ?? 0) == 0 && (counts[.refused] ?? 0) == 0
            && (counts[.failed] ?? 0) == 0
    }

    /// Whether a bundle or an archive failed on an I/O error of this machine rather than on
    /// its content (exit status 2: fix the disk or the device, then import again).
    public var hasIOFailures: Bool {
        (counts[.failed] ?? 0) > 0 || archiveProblems.errors.contains { $0.code == .archiveIo || $0.code.rawValue.hasPrefix("io.") }
    }

    /// Counts an item and keeps it if asked.
    mutating func record(_ item: Item, keep: Bool) {
        counts[item.outcome, default: 0] += 1
        if keep { items.append(item) }
    }
}

/// Imports bundles and transfer archives into the district store, applying the merge rules of
/// DESIGN §7.
///
/// Each bundle commits in its own transaction, after its files are safely in the object store,
/// so an import killed at any point and run again ends with exactly the store an uninterrupted
/// import gives: bundles already committed are recognised by their tag-manifest digest and
/// left unchanged; nothing is lost or doubled.
public struct Importer: Sendable {
    let store: DistrictStore
    let validator: ApplicationValidator
    let actor: String
    let logger: Logger
    /// Threads that verify and validate bundles ahead of the one committing them in order.
    let jobs: Int
    /// The keys that decrypt encrypted (age) transfer archives.
    let identities: [AgeIdentity]?

    /// Creates an importer.
    /// - Parameters:
    ///   - store: The district store.
    ///   - catalog: The forms.
    ///   - extraTrust: Station keys to trust for this run, besides the store's own.
    ///   - actor: Who runs the import, for the audit log.
    ///   - logger: Where progress is logged (nothing by default). Logs name applications by id
    ///     and collection number, never by ID number or phone.
    ///   - jobs: Threads for extracting archives (in parts, when enroll packed them) and for
    ///     verifying and validating bundles (every core by default); bundles
    ///     are still merged and committed one at a time, in order.
    ///   - identities: The keys that decrypt encrypted (age) archives. An encrypted archive is
    ///     decrypted into the store's private staging directory, in parts like a plain one
    ///     (each part authenticating the chunks it reads), and nothing of it is imported unless
    ///     the whole ciphertext authenticated, its last chunk included.
    public init(
        store: DistrictStore, catalog: FormCatalog, extraTrust: TrustStore? = nil, actor: String = DistrictStore.defaultActor,
        logger: Logger = Logger(label: "enroll.import", factory: { _ in SwiftLogNoOpLogHandler() }),
        jobs: Int = Parallel.processorCount, identities: [AgeIdentity]? = nil
    ) throws {
        self.identities = identities
        self.store = store
        var trust = try store.trustStore()
        if let extraTrust {
            // The store's revocations win over a directory given for one run.
            let revoked = trust.revoked
            try trust.merge(extraTrust)
            for (id, reason) in revoked { trust.revoke(id, reason: reason) }
        }
        validator = ApplicationValidator(catalog: catalog, trust: trust)
        self.actor = actor
        self.logger = logger
        self.jobs = max(1, jobs)
    }

    /// Imports bundles, directories of bundles and transfer archives.
    /// - Parameters:
    ///   - keepItems: Whether the report keeps every item; pass false and use `progress` to
    ///     handle items one at a time with memory that does not grow with the count.
    ///   - progress: Called after each bundle with the item.
    public func importPaths(
        _ paths: [String], keepItems: Bool = true, progress: (ImportReport.Item) -> Void = { _ in }
    ) throws -> ImportReport {
        var report = ImportReport()
        let targets = try BundleDiscovery.targets(in: paths)
        let lock = try store.backend.lockForImport()
        defer { lock.release() }
        try store.backend.append(AuditEntry(actor: actor, action: .importRun, detail: ["paths": paths.joined(separator: " ")]))
        var index = 0
        while index < targets.count {
            if case .archive(let path) = targets[index] {
                logger.info("import archive", metadata: ["archive": "\(path)"])
                importArchive(path, into: &report, keepItems: keepItems) { item in
                    log(item)
                    progress(item)
                }
                index += 1
                continue
            }
            var run: [(directory: String, source: String)] = []
            while index < targets.count, case .bundle(let path) = targets[index] {
                run.append((path, path))
                index += 1
            }
            importBundles(run, extracted: false) { _, item, _ in
                report.record(item, keep: keepItems)
                log(item)
                progress(item)
            }
        }
        for problem in report.archiveProblems.errors {
            logger.warning("archive problem", metadata: ["code": "\(problem.code)", "where": "\(problem.location)"])
        }
        logger.notice("import finished", metadata: report.counts.reduce(into: Logger.Metadata()) { $0[$1.key.rawValue] = "\($1.value)" })
        return report
    }

    private func log(_ item: ImportReport.Item) {
        var metadata: Logger.Metadata = ["outcome": "\(item.outcome.rawValue)", "source": "\(item.source)"]
        if let id = item.applicationID { metadata["application"] = "\(id)" }
        if let number = item.collectionNumber { metadata["collectionNumber"] = "\(number)" }
        if !item.flags.isEmpty { metadata["flags"] = "\(item.flags.map(\.rawValue).joined(separator: ","))" }
        if !item.diagnostics.isEmpty { metadata["codes"] = "\(item.diagnostics.map(\.code.rawValue).joined(separator: ","))" }
        switch item.outcome {
        case .quarantined, .refused: logger.warning("bundle not imported", metadata: metadata)
        case .conflict: logger.notice("bundle held for review", metadata: metadata)
        default: logger.info("bundle imported", metadata: metadata)
        }
    }

    private func importArchive(
        _ path: String, into report: inout ImportReport, keepItems: Bool, progress: (ImportReport.Item) -> Void
    ) {
        let batch: ExtractedBatch
        do {
            batch = try ExtractedBatch(path, in: store.objects.temporaryDirectory, limits: .default, parts: jobs, durable: true, identities: identities)
        } catch {
            report.archiveProblems += (error as? EnrollError)?.diagnostics
                ?? [.error(.archiveFailed, Location(file: path), zh: "\(error)", en: "\(error)")]
            return
        }
        defer { batch.remove() }
        var found: [String: String] = [:]
        importBundles(batch.bundles.map { (batch.directory(of: $0), batch.displayName(of: $0)) }, extracted: true) { index, item, digest in
            found[batch.bundles[index]] = digest ?? ""
            report.record(item, keep: keepItems)
            progress(item)
        }
        report.archiveProblems += batch.batchDiagnostics(found: found, trust: validator.verifier.trust)
    }

    /// Imports bundle directories in order: each is verified and validated on one of `jobs`
    /// threads (reading and hashing, no store access), then stored and merged in its own
    /// transaction, one at a time and in input order, so the store ends the same as with one
    /// thread.
    /// - Parameters:
    ///   - bundles: Each bundle's directory and how it is named in the report.
    ///   - extracted: The directories are this import's own extraction of an archive, in the
    ///     store's private `tmp/`: their files are moved into the object store, not copied.
    ///   - deliver: Receives each bundle's index, item and tag-manifest digest, in order.
    private func importBundles(
        _ bundles: [(directory: String, source: String)], extracted: Bool, deliver: (Int, ImportReport.Item, String?) -> Void
    ) {
        let validator = validator
        Parallel.forEach(count: bundles.count, jobs: jobs, { index in
            Result { try validator.validate(directory: bundles[index].directory) }
        }, deliver: { index, validation in
            let (item, digest) = commit(validation, directory: bundles[index].directory, source: bundles[index].source, extracted: extracted)
            deliver(index, item, digest)
        })
    }

    /// Stores and merges one validated bundle, or quarantines it.
    private func commit(
        _ validation: Result<BundleVerification, any Error>, directory: String, source: String, extracted: Bool
    ) -> (item: ImportReport.Item, digest: String?) {
        let verification: BundleVerification
        switch validation {
        case .success(let result):
            verification = result
        case .failure(let error):
            if let failed = Self.failedItem(error, source: source, header: nil) { return (failed, nil) }
            let diagnostics = (error as? EnrollError)?.diagnostics ?? [.error(.ioFailed, Location(file: source), zh: "\(error)", en: "\(error)")]
            return (quarantine(key: "source:" + source, source: source, header: nil, diagnostics), nil)
        }
        let digest = verification.tagManifestDigest
        guard verification.isValid, let header = verification.header, let digest else {
            let diagnostics = verification.diagnostics.errors.map { $0.relocated(from: directory, to: source) }
            return (quarantine(key: digest ?? "source:" + source, source: source, header: verification.header, diagnostics), digest)
        }
        do {
            let formJSON = verification.bag.inventory.payload[BundleLayout.form] != nil
                ? String(decoding: try FileIO.readAll(directory + "/" + BundleLayout.form), as: UTF8.self) : nil
            let form = try? validator.catalog.form(header.form)
            var facts: CrossApplicationRules.Facts?
            if header.kind.carriesForm, let form, let formJSON, let document = try? JSONParser.parse(Array(formJSON.utf8)) {
                facts = CrossApplicationRules.facts(form: form, document: document)
            }
            let files = try storeFiles(verification, directory: directory, moving: extracted)
            let item = try store.backend.merge(
                IncomingBundle(
                    header: header, digest: digest, formJSON: formJSON, files: files, source: source, facts: facts, formYear: form?.year,
                    revisionRules: form.map(RevisionRules.init(form:)), outsideWindow: form.flatMap { Self.outsideWindow(header, $0) },
                    district: Self.district(form, formJSON)),
                actor: actor)
            return (item, digest)
        } catch {
            if let failed = Self.failedItem(error, source: source, header: header) { return (failed, digest) }
            let diagnostics = (error as? EnrollError)?.diagnostics ?? [.error(.importFailed, Location(file: source), zh: "\(error)", en: "\(error)")]
            return (quarantine(key: digest, source: source, header: header, diagnostics), digest)
        }
    }

    /// The item for a bundle that could not be read or stored because of this machine (an
    /// I/O error: a full disk, a device that fails; or the store's database failing), or nil
    /// when the error is about the bundle (an invalid-input `EnrollError`).
    ///
    /// Such a bundle is not quarantined: nothing is wrong with it, and a quarantine entry
    /// written to a full disk would fail too. The store keeps nothing of it; a re-run imports it.
    static func failedItem(_ error: any Error, source: String, header: BundleHeader?) -> ImportReport.Item? {
        let diagnostics: [Diagnostic]
        if let error = error as? EnrollError {
            guard error.exitStatus == .usageOrIO else { return nil }
            diagnostics = error.diagnostics
        } else {
            // Not an EnrollError: the store's own failure (the database could not write),
            // never a verdict on the bundle's content, which comes as an EnrollError.
            diagnostics = [.error(
                .importFailed, Location(file: source),
                zh: "无法把申请包写入区级数据库：\(error)。请检查磁盘空间和存储设备后重新导入；已导入的申请包不受影响。",
                en: "The bundle could not be written to the district store: \(error). Check the disk space and the storage device, then import again; bundles already imported are not affected.")]
        }
        return ImportReport.Item(
            source: source, applicationID: header?.applicationID.uuidString.lowercased(), revision: header?.revision,
            outcome: .failed, collectionNumber: nil, flags: [], diagnostics: diagnostics)
    }

    /// The application district in form data, if the form names where it is.
    static func district(_ form: Form?, _ formJSON: String?) -> String? {
        guard let pointer = form?.applicationDistrict, let formJSON, let document = try? JSONParser.parse(Array(formJSON.utf8)) else { return nil }
        return document.value(at: pointer)?.stringValue
    }

    /// Why an application was signed outside its form's collection window, or nil (inside, a
    /// withdrawal, an authorization or its revocation, or no `Enroll-Signed-At`).
    static func outsideWindow(_ header: BundleHeader, _ form: Form) -> String? {
        guard header.kind.carriesForm, !header.kind.keepsDecision, let signed = header.signedDate, !CollectionWindowRule.isInside(signed, form.windows) else { return nil }
        return "signed \(header.signedAt ?? ""), outside \(form.windows.map(\.text).joined(separator: "; "))"
            + "; late reason: \(header.lateReason ?? "none given")"
    }

    /// Copies (or, from this import's own extraction, moves) every file of the bundle into
    /// the object store; returns the file rows.
    private func storeFiles(_ verification: BundleVerification, directory: String, moving: Bool) throws -> [StoredFile] {
        let inventory = verification.bag.inventory
        var files: [StoredFile] = []
        for file in Array(inventory.tagFiles.values) + Array(inventory.payload.values) {
            let digest = try file.digests[.sha256] ?? sha256Hex(FileIO.readAll(directory + "/" + file.path))
            if moving {
                try store.objects.adopt(at: directory + "/" + file.path, digest: digest)
            } else {
                try store.objects.store(from: directory + "/" + file.path, digest: digest)
            }
            files.append(StoredFile(path: file.path, object: digest, size: file.size))
        }
        return files.sorted { $0.path < $1.path }
    }

    private func quarantine(key: String, source: String, header: BundleHeader?, _ diagnostics: [Diagnostic]) -> ImportReport.Item {
        let id = header?.applicationID.uuidString.lowercased()
        do {
            try store.backend.quarantine(
                QuarantineEntry(
                    key: key, source: source, applicationID: id, revision: header?.revision,
                    reasons: diagnostics.map(StoredDiagnostic.init), at: StoreClock.now()),
                actor: actor)
        } catch {
            // The report still names the bundle and its reasons; nothing is silently dropped.
            logger.error("quarantine not recorded", metadata: ["source": "\(source)", "error": "\(error)"])
        }
        return ImportReport.Item(source: source, applicationID: id, revision: header?.revision, outcome: .quarantined, collectionNumber: nil, flags: [], diagnostics: diagnostics)
    }
}
