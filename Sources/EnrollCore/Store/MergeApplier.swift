import Foundation

/// The reads and writes one merge (or a clerk's answer to a held revision) makes, inside one
/// transaction of one backend: what ``MergeApplier`` needs of a store, and all that differs
/// between SQLite and PostgreSQL.
///
/// A session lives for one transaction; its methods run on the transaction's connection.
protocol MergeSession {
    /// Serialises merges that touch the same application, child or guardian phones, until the
    /// transaction ends (PostgreSQL's advisory locks; SQLite's one writer already does).
    func lockForMerge(_ applicationID: String, facts: CrossApplicationRules.Facts?) throws
    func application(_ id: String) throws -> ApplicationRecord?
    /// The newest revision of an application held by the submit lock, if any.
    func heldRevision(of applicationID: String) throws -> RevisionRecord?
    func holdsRevision(_ digest: String) throws -> Bool
    /// The district this store serves, when it is one district's.
    func servedDistrict() throws -> String?
    func formJSON(ofRevision digest: String) throws -> String?
    /// Checks a collection number a station gave at 提交 for a new application (taking its
    /// lock first where merges run concurrently).
    /// - Throws: `EnrollError` with `import.collection-number`.
    func checkStationNumber(_ number: String, station: String, source: String) throws
    /// The next 8-digit collection number of the form's year.
    func nextCollectionNumber(year: Int?) throws -> String
    func insert(_ application: ApplicationRecord) throws
    func update(_ application: ApplicationRecord) throws
    func insert(_ revision: RevisionRecord, files: [StoredFile]) throws
    func setState(_ state: RevisionState, ofRevision digest: String) throws
    /// Marks every held revision of the application superseded.
    func supersedeHeldRevisions(of applicationID: String) throws
    func clearFlag(_ flag: ReviewFlag, of applicationID: String) throws
    /// Raises a flag (once); returns it.
    func flag(_ applicationID: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag
    func deletePhones(of applicationID: String) throws
    /// Records the child's ID and guardian phones, and flags duplicates and quota overruns.
    func applyCrossApplicationRules(_ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?) throws -> [ReviewFlag]
    /// Saves (or replaces) a quarantine entry.
    func saveQuarantine(_ entry: QuarantineEntry) throws
    func append(_ entry: AuditEntry) throws
}

/// Applies ``MergeRule``'s decision for one incoming revision through a backend's
/// ``MergeSession``: the one implementation of the merge both stores run.
enum MergeApplier {
    static func merge(_ bundle: IncomingBundle, actor: String, in db: some MergeSession) throws -> ImportReport.Item {
        let header = bundle.header
        let id = header.applicationID.uuidString.lowercased()
        let now = StoreClock.now()
        try db.lockForMerge(id, facts: bundle.facts)
        let application = try db.application(id)
        let held = try application.flatMap { try db.heldRevision(of: $0.id) }
        let decision = MergeRule.decide(
            current: application.map {
                MergeRule.Current(
                    status: $0.status, revision: $0.currentRevision, digest: $0.currentDigest,
                    held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) })
            },
            incoming: MergeRule.Incoming(
                revision: header.revision, previous: header.previousRevision, digest: bundle.digest, kind: header.kind,
                alreadyStored: try db.holdsRevision(bundle.digest)))
        switch decision {
        case .unchanged, .refused:
            break
        default:
            if let serves = try db.servedDistrict(), let district = bundle.district, district != serves {
                throw MergeMessages.wrongDistrict(bundle, district: district, serves: serves)
            }
        }
        var changes: [(field: String, from: String, to: String)] = []
        switch decision {
        case .supersede, .hold:
            changes = try MergeMessages.checkRevision(bundle, tip: held?.formJson ?? application.flatMap { try db.formJSON(ofRevision: $0.currentDigest) })
            if let number = header.collectionNumber, let record = application, number != record.collectionNumber {
                throw MergeMessages.numberMismatch(bundle, stored: record.collectionNumber, given: number)
            }
        case .new:
            if let number = header.collectionNumber {
                try db.checkStationNumber(number, station: header.station ?? "", source: bundle.source)
            }
        default:
            break
        }
        var item = ImportReport.Item(
            source: bundle.source, applicationID: id, revision: header.revision, outcome: decision.outcome,
            collectionNumber: application?.collectionNumber, flags: [], diagnostics: [])
        let revision = RevisionRecord(
            digest: bundle.digest, applicationId: id, revision: header.revision, previous: header.previousRevision,
            kind: header.kind, station: header.station ?? "", keyId: header.keyID?.description ?? "",
            state: .current, formJson: bundle.formJSON, importedAt: now, source: bundle.source, facts: bundle.facts)

        switch decision {
        case .unchanged:
            return item

        case .new(let outOfOrder):
            // The station's number from its block, or one assigned now (stations without a block).
            let number = try header.collectionNumber ?? db.nextCollectionNumber(year: bundle.formYear)
            var record = ApplicationRecord(
                id: id, form: header.form, collectionNumber: number, status: MergeRule.initialStatus(for: header.kind),
                currentRevision: header.revision, currentDigest: bundle.digest, station: header.station ?? "", childId: nil,
                school: nil, reasons: [], firstImportedAt: now, updatedAt: now, district: bundle.district)
            try db.insert(record)
            try db.insert(revision, files: bundle.files)
            item.collectionNumber = number
            if outOfOrder {
                item.flags.append(try db.flag(id, .conflict, "revision \(header.revision) arrived without the revisions before it"))
            }
            item.flags += try db.applyCrossApplicationRules(&record, bundle.facts)
            try db.append(AuditEntry(actor: actor, application: id, action: .importNew, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "collectionNumber": number, "source": bundle.source,
                "station": header.station ?? "",
            ]))
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .refused(let reason):
            let record = application!
            item.diagnostics = [MergeMessages.withdrawn(id, number: record.collectionNumber, source: bundle.source)]
            try db.saveQuarantine(QuarantineEntry(
                key: bundle.digest, source: bundle.source, applicationID: id, revision: header.revision,
                reasons: item.diagnostics.map(StoredDiagnostic.init), at: now))
            try db.append(AuditEntry(actor: actor, application: id, action: .importRefused, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "reason": reason.rawValue,
            ]))
            return item

        case .supersede(let status):
            var record = application!
            try db.setState(.superseded, ofRevision: record.currentDigest)
            // A revision chained onto a held one (after a rejection, or a withdrawal) ends the wait.
            try db.supersedeHeldRevisions(of: id)
            try db.clearFlag(.revisionAfterDecision, of: id)
            try db.insert(revision, files: bundle.files)
            let previousStatus = record.status
            record.currentRevision = header.revision
            record.currentDigest = bundle.digest
            record.station = header.station ?? record.station
            record.updatedAt = now
            record.status = status
            if status == .received { record.reasons = [] }
            if let district = bundle.district { record.district = district }
            try db.update(record)
            if header.kind.carriesForm {
                item.flags += try db.applyCrossApplicationRules(&record, bundle.facts)
            } else {
                try db.deletePhones(of: id)
            }
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "previousStatus": previousStatus.rawValue,
                "source": bundle.source,
            ]
            describe(changes, into: &detail)
            try db.append(AuditEntry(
                actor: actor, application: id, action: header.kind == .withdrawal ? .importWithdrawn : .importRevision(header.kind),
                detail: detail))
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .hold(let replacing):
            let record = application!
            if let replacing { try db.setState(.superseded, ofRevision: replacing) }
            var waiting = revision
            waiting.state = .held
            try db.insert(waiting, files: bundle.files)
            try db.clearFlag(.revisionAfterDecision, of: id)
            item.flags.append(try db.flag(
                id, .revisionAfterDecision, "revision \(header.revision) signed after the application was \(record.status.rawValue)"))
            item.diagnostics = [MergeMessages.held(number: record.collectionNumber, status: record.status, revision: header.revision, source: bundle.source)]
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "status": record.status.rawValue, "source": bundle.source,
                "kind": header.kind.rawValue,
            ]
            describe(changes, into: &detail)
            try db.append(AuditEntry(actor: actor, application: id, action: .importHeld, detail: detail))
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .conflict(let reason):
            var conflicting = revision
            conflicting.state = .conflict
            try db.insert(conflicting, files: bundle.files)
            item.flags.append(try db.flag(id, .conflict, reason.description))
            item.diagnostics = [MergeMessages.conflict(reason, source: bundle.source)]
            try db.append(AuditEntry(actor: actor, application: id, action: .importConflict, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "why": reason.description,
            ]))
            return item
        }
    }

    /// Flags an application signed outside its form's collection window, with a warning in
    /// the report.
    private static func noteOutsideWindow(_ db: some MergeSession, _ id: String, _ bundle: IncomingBundle, _ item: inout ImportReport.Item) throws {
        guard let why = bundle.outsideWindow else { return }
        item.flags.append(try db.flag(id, .outsideWindow, "revision \(bundle.header.revision) " + why))
        item.diagnostics.append(MergeMessages.outsideWindow(why, source: bundle.source))
    }

    /// Adds a revision kind's changes to an audit event's detail: `field`, `from`, `to`.
    static func describe(_ changes: [(field: String, from: String, to: String)], into detail: inout [String: String]) {
        guard !changes.isEmpty else { return }
        detail["field"] = changes.map(\.field).joined(separator: " ")
        detail["from"] = changes.map(\.from).joined(separator: " | ")
        detail["to"] = changes.map(\.to).joined(separator: " | ")
    }
}

extension MergeApplier {
    /// A clerk accepts the revision held after a decision (``HeldRevisionRule``): it becomes
    /// the current one, the old one superseded, the cross-application rules run on its facts.
    /// - Parameters:
    ///   - record: The application, read (and locked, where merges run concurrently) in this transaction.
    /// - Returns: The application as written.
    /// - Throws: `EnrollError` from ``HeldRevisionRule/check(_:held:reasons:collectionNumber:)``
    ///   when no revision is held.
    static func acceptHeldRevision(of record: ApplicationRecord, reviewer: String, in db: some MergeSession) throws -> ApplicationRecord {
        var record = record
        let held = try db.heldRevision(of: record.id)
        _ = try HeldRevisionRule.check(
            .accept, held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) }, reasons: [],
            collectionNumber: record.collectionNumber)
        let revision = held!
        let from = record.currentRevision
        try db.setState(.superseded, ofRevision: record.currentDigest)
        try db.setState(.current, ofRevision: revision.digest)
        try db.clearFlag(.revisionAfterDecision, of: record.id)
        record.currentRevision = revision.revision
        record.currentDigest = revision.digest
        record.station = revision.station.isEmpty ? record.station : revision.station
        record.updatedAt = StoreClock.now()
        try db.update(record)
        _ = try db.applyCrossApplicationRules(&record, revision.facts)
        try db.append(AuditEntry(actor: reviewer, application: record.id, action: .revisionAccepted, detail: [
            "from": String(from), "to": String(revision.revision), "digest": revision.digest, "status": record.status.rawValue,
        ]))
        return record
    }

    /// A clerk refuses the revision held after a decision: it is marked refused, with the
    /// reasons in the audit log; the application keeps its current revision and status.
    /// - Throws: `EnrollError` from ``HeldRevisionRule/check(_:held:reasons:collectionNumber:)``
    ///   when no revision is held or no reason is given.
    static func refuseHeldRevision(of record: ApplicationRecord, reasons: [String], reviewer: String, in db: some MergeSession) throws {
        let held = try db.heldRevision(of: record.id)
        let reasons = try HeldRevisionRule.check(
            .refuse, held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) }, reasons: reasons,
            collectionNumber: record.collectionNumber)
        let revision = held!
        try db.setState(.refused, ofRevision: revision.digest)
        try db.clearFlag(.revisionAfterDecision, of: record.id)
        try db.append(AuditEntry(actor: reviewer, application: record.id, action: .revisionRefused, detail: [
            "revision": String(revision.revision), "digest": revision.digest, "current": String(record.currentRevision),
            "status": record.status.rawValue, "reasons": reasons.joined(separator: " | "),
        ]))
    }
}
