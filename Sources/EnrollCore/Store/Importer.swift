import ArchiveKit
import Foundation
import GRDB
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
        /// Invalid or untrusted; kept aside with every reason.
        case quarantined
        /// Refused: a revision of a withdrawn application.
        case refused
    }

    /// One bundle's outcome.
    public struct Item: Sendable {
        public var source: String
        public var applicationID: String?
        public var revision: Int?
        public var outcome: Outcome
        public var collectionNumber: String?
        /// Flags raised by this import (`duplicate-child`, `phone-quota`, `conflict`).
        public var flags: [String]
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
public struct Importer {
    let store: DistrictStore
    let validator: ApplicationValidator
    let actor: String
    let logger: Logger
    /// Threads that verify and validate bundles ahead of the one committing them in order.
    let jobs: Int

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
    public init(
        store: DistrictStore, catalog: FormCatalog, extraTrust: TrustStore? = nil, actor: String = DistrictStore.defaultActor,
        logger: Logger = Logger(label: "enroll.import", factory: { _ in SwiftLogNoOpLogHandler() }),
        jobs: Int = Parallel.processorCount
    ) throws {
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
        try store.database.write { db in
            try DistrictStore.log(db, actor: actor, application: nil, action: "import.run", detail: ["paths": paths.joined(separator: " ")])
        }
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
        if !item.flags.isEmpty { metadata["flags"] = "\(item.flags.joined(separator: ","))" }
        if !item.diagnostics.isEmpty { metadata["codes"] = "\(item.diagnostics.map(\.code).joined(separator: ","))" }
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
            batch = try ExtractedBatch(path, in: store.directory + "/tmp", limits: .default, parts: jobs, durable: true)
        } catch {
            report.archiveProblems += (error as? EnrollError)?.diagnostics
                ?? [.error("archive.failed", Location(file: path), zh: "\(error)", en: "\(error)")]
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
            let diagnostics = (error as? EnrollError)?.diagnostics ?? [.error("io.failed", Location(file: source), zh: "\(error)", en: "\(error)")]
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
            let files = try storeFiles(verification, directory: directory, moving: extracted)
            let item = try store.database.write { db in
                try merge(db, verification, header: header, digest: digest, formJSON: formJSON, files: files, source: source)
            }
            return (item, digest)
        } catch {
            let diagnostics = (error as? EnrollError)?.diagnostics ?? [.error("import.failed", Location(file: source), zh: "\(error)", en: "\(error)")]
            return (quarantine(key: digest, source: source, header: header, diagnostics), digest)
        }
    }

    /// Copies (or, from this import's own extraction, moves) every file of the bundle into
    /// the object store; returns the file rows.
    private func storeFiles(_ verification: BundleVerification, directory: String, moving: Bool) throws -> [FileRecord] {
        let inventory = verification.bag.inventory
        var files: [FileRecord] = []
        for file in Array(inventory.tagFiles.values) + Array(inventory.payload.values) {
            let digest = try file.digests[.sha256] ?? sha256Hex(FileIO.readAll(directory + "/" + file.path))
            if moving {
                try store.adoptObject(at: directory + "/" + file.path, digest: digest)
            } else {
                try store.storeObject(from: directory + "/" + file.path, digest: digest)
            }
            files.append(FileRecord(digest: verification.tagManifestDigest!, path: file.path, object: digest, size: file.size))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// Applies the merge rules inside one transaction.
    private func merge(
        _ db: Database, _ verification: BundleVerification, header: BundleHeader, digest: String, formJSON: String?,
        files: [FileRecord], source: String
    ) throws -> ImportReport.Item {
        let id = header.applicationID.uuidString.lowercased()
        let now = DistrictStore.now()
        var item = ImportReport.Item(source: source, applicationID: id, revision: header.revision, outcome: .unchanged, collectionNumber: nil, flags: [], diagnostics: [])
        let form = try? validator.catalog.form(header.form)

        if try RevisionRecord.fetchOne(db, key: digest) != nil {
            item.collectionNumber = try ApplicationRecord.fetchOne(db, key: id)?.collectionNumber
            return item
        }
        var revision = RevisionRecord(
            digest: digest, applicationID: id, revision: header.revision, previous: header.previousRevision,
            kind: header.kind.rawValue, station: header.station ?? "", keyID: header.keyID?.description ?? "",
            state: "current", formJSON: formJSON, importedAt: now, source: source)

        guard var application = try ApplicationRecord.fetchOne(db, key: id) else {
            // A new application.
            let number = try nextCollectionNumber(db, year: form?.year)
            var application = ApplicationRecord(
                id: id, form: header.form, collectionNumber: number, status: header.kind == .withdrawal ? "withdrawn" : "received",
                currentRevision: header.revision, currentDigest: digest, station: header.station ?? "", childID: nil,
                school: nil, reasons: "[]", firstImportedAt: now, updatedAt: now)
            try application.insert(db)
            try revision.insert(db)
            for file in files { try file.insert(db) }
            item.outcome = .new
            item.collectionNumber = number
            if header.revision != 1 {
                item.flags.append(try flag(db, id, "conflict", "revision \(header.revision) arrived without the revisions before it"))
                item.outcome = .conflict
            }
            item.flags += try applyCrossApplicationRules(db, &application, form: form, formJSON: formJSON)
            try DistrictStore.log(db, actor: actor, application: id, action: "import.new", detail: [
                "revision": String(header.revision), "digest": digest, "collectionNumber": number, "source": source, "station": header.station ?? "",
            ])
            return item
        }
        item.collectionNumber = application.collectionNumber

        if application.status == "withdrawn" {
            item.outcome = .refused
            item.diagnostics = [.error(
                "import.withdrawn", Location(file: source),
                zh: "申请 \(id)（采集编号 \(application.collectionNumber)）已撤销，不再接受它的新版本。如需重新申请，请在采集点新建申请。",
                en: "Application \(id) (collection number \(application.collectionNumber)) has been withdrawn; no later revision of it is accepted. To apply again, make a new application at the station.")]
            try QuarantineRecord(key: digest, source: source, applicationID: id, revision: header.revision, reasons: Self.encode(item.diagnostics), at: now).save(db)
            try DistrictStore.log(db, actor: actor, application: id, action: "import.refused", detail: ["revision": String(header.revision), "digest": digest, "reason": "withdrawn"])
            return item
        }

        if header.revision == application.currentRevision + 1 && header.previousRevision == application.currentDigest {
            // The next revision in the chain supersedes the current one.
            try db.execute(sql: "UPDATE revisions SET state = 'superseded' WHERE digest = ?", arguments: [application.currentDigest])
            try revision.insert(db)
            for file in files { try file.insert(db) }
            let previousStatus = application.status
            application.currentRevision = header.revision
            application.currentDigest = digest
            application.station = header.station ?? application.station
            application.updatedAt = now
            if header.kind == .withdrawal {
                application.status = "withdrawn"
            } else {
                application.status = "received"
                application.reasons = "[]"
            }
            try application.update(db)
            item.outcome = .updated
            if header.kind == .application {
                item.flags += try applyCrossApplicationRules(db, &application, form: form, formJSON: formJSON)
            } else {
                try db.execute(sql: "DELETE FROM phones WHERE application_id = ?", arguments: [id])
            }
            try DistrictStore.log(db, actor: actor, application: id, action: header.kind == .withdrawal ? "import.withdrawn" : "import.updated", detail: [
                "revision": String(header.revision), "digest": digest, "previousStatus": previousStatus, "source": source,
            ])
            return item
        }

        // Same revision with other content, an older revision, or a broken chain: hold it.
        revision.state = "conflict"
        try revision.insert(db)
        for file in files { try file.insert(db) }
        let why = header.revision <= application.currentRevision
            ? "revision \(header.revision) differs from the one already held (current revision \(application.currentRevision))"
            : "revision \(header.revision) does not follow the current revision \(application.currentRevision) (broken chain)"
        item.outcome = .conflict
        item.flags.append(try flag(db, id, "conflict", why))
        item.diagnostics = [.warning(
            "import.conflict", Location(file: source),
            zh: "版本冲突，已保留待审核：\(header.revision <= application.currentRevision ? "第 \(header.revision) 版与已有的同号版本内容不同" : "第 \(header.revision) 版不接续当前第 \(application.currentRevision) 版")。",
            en: "Conflicting revision held for review: \(why).")]
        try DistrictStore.log(db, actor: actor, application: id, action: "import.conflict", detail: ["revision": String(header.revision), "digest": digest, "why": why])
        return item
    }

    /// Records the child's ID and guardian phones and flags duplicates and quota overruns
    /// (DESIGN §7: both applications are kept).
    private func applyCrossApplicationRules(
        _ db: Database, _ application: inout ApplicationRecord, form: Form?, formJSON: String?
    ) throws -> [String] {
        guard let form, let formJSON, let document = try? JSONParser.parse(Array(formJSON.utf8)) else { return [] }
        var raised: [String] = []
        let id = application.id
        try db.execute(sql: "DELETE FROM phones WHERE application_id = ?", arguments: [id])
        for rule in form.crossApplicationRules {
            let values = Set(rule.keys.compactMap { document.value(at: $0)?.stringValue }.filter { !$0.isEmpty && $0 != "无" })
            switch rule.rule {
            case "unique":
                guard let child = values.sorted().first else { continue }
                application.childID = child
                try application.update(db)
                let others = try ApplicationRecord
                    .filter(Column("child_id") == child && Column("id") != id && Column("status") != "withdrawn")
                    .fetchAll(db)
                for other in others {
                    raised.append(try flag(db, id, "duplicate-child", "same child as \(other.collectionNumber)"))
                    _ = try flag(db, other.id, "duplicate-child", "same child as \(application.collectionNumber)")
                }
            case "quota":
                for phone in values.sorted() {
                    try PhoneRecord(applicationID: id, phone: phone).insert(db, onConflict: .ignore)
                    let sharing = try String.fetchAll(db, sql: """
                        SELECT DISTINCT p.application_id FROM phones p JOIN applications a ON a.id = p.application_id
                        WHERE p.phone = ? AND a.status != 'withdrawn' AND a.form = ? ORDER BY p.application_id
                        """, arguments: [phone, form.id])
                    if sharing.count > rule.max {
                        let detail = "\(sharing.count) applications share the guardian phone \(Privacy.maskPhone(phone)) (at most \(rule.max))"
                        for other in sharing {
                            let raisedFlag = try flag(db, other, "phone-quota", detail)
                            if other == id { raised.append(raisedFlag) }
                        }
                    }
                }
            default:
                continue
            }
        }
        return Array(Set(raised)).sorted()
    }

    private func flag(_ db: Database, _ application: String, _ flag: String, _ detail: String) throws -> String {
        try FlagRecord(applicationID: application, flag: flag, detail: detail, createdAt: DistrictStore.now()).insert(db, onConflict: .ignore)
        return flag
    }

    private func nextCollectionNumber(_ db: Database, year: Int?) throws -> String {
        let yy = (year ?? Calendar(identifier: .gregorian).component(.year, from: Date())) % 100
        let next = try Int.fetchOne(db, sql: "SELECT next FROM counters WHERE year = ?", arguments: [yy]) ?? 1
        guard next <= 999_999 else {
            throw EnrollError.invalid(
                "import.collection-numbers-exhausted", Location(),
                zh: "本年度的 6 位采集编号已用完。", en: "This year's 6-digit collection numbers are used up.")
        }
        try db.execute(sql: "INSERT INTO counters (year, next) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET next = excluded.next", arguments: [yy, next + 1])
        return String(format: "%02d%06d", yy, next)
    }

    private func quarantine(key: String, source: String, header: BundleHeader?, _ diagnostics: [Diagnostic]) -> ImportReport.Item {
        let id = header?.applicationID.uuidString.lowercased()
        do {
            try store.database.write { db in
                try QuarantineRecord(key: key, source: source, applicationID: id, revision: header?.revision, reasons: Self.encode(diagnostics), at: DistrictStore.now())
                    .save(db)
                try DistrictStore.log(db, actor: actor, application: id, action: "import.quarantined", detail: [
                    "source": source, "codes": diagnostics.map(\.code).joined(separator: " "),
                ])
            }
        } catch {
            // The report still names the bundle and its reasons; nothing is silently dropped.
        }
        return ImportReport.Item(source: source, applicationID: id, revision: header?.revision, outcome: .quarantined, collectionNumber: nil, flags: [], diagnostics: diagnostics)
    }

    static func encode(_ diagnostics: [Diagnostic]) -> String {
        let list = diagnostics.map { ["code": $0.code, "location": $0.location.description, "zh": $0.message.zh, "en": $0.message.en] }
        let data = (try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
