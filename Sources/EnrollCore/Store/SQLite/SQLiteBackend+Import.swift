import Foundation
import GRDB
import JSONSchema

extension SQLiteBackend {
    public func holdsRevision(_ digest: String) throws -> Bool {
        try database.read { db in try RevisionRecord.exists(db, key: digest) }
    }

    public func merge(_ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        try database.write { db in try merge(db, bundle, actor: actor) }
    }

    public func quarantine(_ entry: QuarantineEntry, actor: String) throws {
        try database.write { db in try Self.quarantine(db, entry, actor: actor) }
    }

    public func quarantined() throws -> [QuarantineEntry] {
        try database.read { db in try QuarantineRecord.order(QuarantineRecord.Columns.at, Column.rowID).fetchAll(db).map(\.entry) }
    }

    private static func quarantine(_ db: Database, _ entry: QuarantineEntry, actor: String) throws {
        try QuarantineRecord(
            key: entry.key, source: entry.source, applicationId: entry.applicationID, revision: entry.revision, reasons: entry.reasons, at: entry.at
        ).save(db)
        try append(AuditEntry(actor: actor, application: entry.applicationID, action: .importQuarantined, detail: [
            "source": entry.source, "codes": entry.reasons.map(\.code).joined(separator: " "),
        ]), in: db)
    }

    /// Applies ``MergeRule``'s decision for one revision inside the caller's transaction.
    private func merge(_ db: Database, _ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        let header = bundle.header
        let id = header.applicationID.uuidString.lowercased()
        let now = StoreClock.now()
        let application = try ApplicationRecord.fetchOne(db, key: id)
        let held = try application.flatMap { try Self.heldRevision(db, of: $0.id) }
        let decision = MergeRule.decide(
            current: application.map {
                MergeRule.Current(
                    status: $0.status, revision: $0.currentRevision, digest: $0.currentDigest,
                    held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) })
            },
            incoming: MergeRule.Incoming(
                revision: header.revision, previous: header.previousRevision, digest: bundle.digest, kind: header.kind,
                alreadyStored: try RevisionRecord.exists(db, key: bundle.digest)))
        switch decision {
        case .unchanged, .refused:
            break
        default:
            if let serves = try Self.servedDistrict(db), let district = bundle.district, district != serves {
                throw MergeMessages.wrongDistrict(bundle, district: district, serves: serves)
            }
        }
        var changes: [(field: String, from: String, to: String)] = []
        switch decision {
        case .supersede, .hold:
            changes = try MergeMessages.checkRevision(bundle, tip: held?.formJson ?? application.flatMap { try formJSON(db, $0.currentDigest) })
            if let number = header.collectionNumber, let record = application, number != record.collectionNumber {
                throw MergeMessages.numberMismatch(bundle, stored: record.collectionNumber, given: number)
            }
        case .new:
            if let number = header.collectionNumber {
                try Self.checkStationNumber(db, number, station: header.station ?? "", source: bundle.source)
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
            let number = try header.collectionNumber ?? nextCollectionNumber(db, year: bundle.formYear)
            var record = ApplicationRecord(
                id: id, form: header.form, collectionNumber: number, status: MergeRule.initialStatus(for: header.kind),
                currentRevision: header.revision, currentDigest: bundle.digest, station: header.station ?? "", childId: nil,
                school: nil, reasons: [], firstImportedAt: now, updatedAt: now, district: bundle.district)
            try record.insert(db)
            try insert(db, revision, files: bundle.files)
            item.collectionNumber = number
            if outOfOrder {
                item.flags.append(try flag(db, id, .conflict, "revision \(header.revision) arrived without the revisions before it"))
            }
            item.flags += try applyCrossApplicationRules(db, &record, bundle.facts)
            try Self.append(AuditEntry(actor: actor, application: id, action: .importNew, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "collectionNumber": number, "source": bundle.source,
                "station": header.station ?? "",
            ]), in: db)
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .refused(let reason):
            let record = application!
            item.diagnostics = [MergeMessages.withdrawn(id, number: record.collectionNumber, source: bundle.source)]
            try QuarantineRecord(
                key: bundle.digest, source: bundle.source, applicationId: id, revision: header.revision,
                reasons: item.diagnostics.map(StoredDiagnostic.init), at: now
            ).save(db)
            try Self.append(AuditEntry(actor: actor, application: id, action: .importRefused, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "reason": reason.rawValue,
            ]), in: db)
            return item

        case .supersede(let status):
            var record = application!
            try RevisionRecord.filter(key: record.currentDigest).updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.superseded))
            // A revision chained onto a held one (after a rejection, or a withdrawal) ends the wait.
            try RevisionRecord.filter(RevisionRecord.Columns.applicationID == id && RevisionRecord.Columns.state == RevisionState.held)
                .updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.superseded))
            try FlagRecord.filter(FlagRecord.Columns.applicationID == id && FlagRecord.Columns.flag == ReviewFlag.revisionAfterDecision).deleteAll(db)
            try insert(db, revision, files: bundle.files)
            let previousStatus = record.status
            record.currentRevision = header.revision
            record.currentDigest = bundle.digest
            record.station = header.station ?? record.station
            record.updatedAt = now
            record.status = status
            if status == .received { record.reasons = [] }
            if let district = bundle.district { record.district = district }
            try record.update(db)
            if header.kind.carriesForm {
                item.flags += try applyCrossApplicationRules(db, &record, bundle.facts)
            } else {
                try PhoneRecord.filter(PhoneRecord.Columns.applicationID == id).deleteAll(db)
            }
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "previousStatus": previousStatus.rawValue,
                "source": bundle.source,
            ]
            Self.describe(changes, into: &detail)
            try Self.append(AuditEntry(
                actor: actor, application: id, action: header.kind == .withdrawal ? .importWithdrawn : .importRevision(header.kind),
                detail: detail), in: db)
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .hold(let replacing):
            let record = application!
            if let replacing {
                try RevisionRecord.filter(key: replacing).updateAll(db, RevisionRecord.Columns.state.set(to: RevisionState.superseded))
            }
            var waiting = revision
            waiting.state = .held
            try insert(db, waiting, files: bundle.files)
            try FlagRecord.filter(FlagRecord.Columns.applicationID == id && FlagRecord.Columns.flag == ReviewFlag.revisionAfterDecision).deleteAll(db)
            item.flags.append(try flag(
                db, id, .revisionAfterDecision, "revision \(header.revision) signed after the application was \(record.status.rawValue)"))
            item.diagnostics = [MergeMessages.held(number: record.collectionNumber, status: record.status, revision: header.revision, source: bundle.source)]
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "status": record.status.rawValue, "source": bundle.source,
                "kind": header.kind.rawValue,
            ]
            Self.describe(changes, into: &detail)
            try Self.append(AuditEntry(actor: actor, application: id, action: .importHeld, detail: detail), in: db)
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .conflict(let reason):
            var held = revision
            held.state = .conflict
            try insert(db, held, files: bundle.files)
            item.flags.append(try flag(db, id, .conflict, reason.description))
            item.diagnostics = [MergeMessages.conflict(reason, source: bundle.source)]
            try Self.append(AuditEntry(actor: actor, application: id, action: .importConflict, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "why": reason.description,
            ]), in: db)
            return item
        }
    }

    /// Flags an application signed outside its form's collection window, with a warning in
    /// the report.
    private func noteOutsideWindow(_ db: Database, _ id: String, _ bundle: IncomingBundle, _ item: inout ImportReport.Item) throws {
        guard let why = bundle.outsideWindow else { return }
        item.flags.append(try flag(db, id, .outsideWindow, "revision \(bundle.header.revision) " + why))
        item.diagnostics.append(MergeMessages.outsideWindow(why, source: bundle.source))
    }

    private func formJSON(_ db: Database, _ digest: String) throws -> String? {
        try String.fetchOne(db, RevisionRecord.filter(key: digest).select(Column("form_json")))
    }

    /// Adds a revision kind's changes to an audit event's detail: `field`, `from`, `to`.
    static func describe(_ changes: [(field: String, from: String, to: String)], into detail: inout [String: String]) {
        guard !changes.isEmpty else { return }
        detail["field"] = changes.map(\.field).joined(separator: " ")
        detail["from"] = changes.map(\.from).joined(separator: " | ")
        detail["to"] = changes.map(\.to).joined(separator: " | ")
    }

    /// The newest revision of an application held by the submit lock, if any.
    static func heldRevision(_ db: Database, of application: String) throws -> RevisionRecord? {
        try RevisionRecord
            .filter(RevisionRecord.Columns.applicationID == application && RevisionRecord.Columns.state == RevisionState.held)
            .order(RevisionRecord.Columns.revision.desc).fetchOne(db)
    }

    private func insert(_ db: Database, _ revision: RevisionRecord, files: [StoredFile]) throws {
        try revision.insert(db)
        for file in files {
            try FileRecord(digest: revision.digest, path: file.path, object: file.object, size: file.size).insert(db)
        }
    }

    /// Records the child's ID and guardian phones, and flags duplicates and quota overruns
    /// (DESIGN §7: both applications are kept).
    func applyCrossApplicationRules(
        _ db: Database, _ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?
    ) throws -> [ReviewFlag] {
        guard let facts else { return [] }
        var raised: Set<ReviewFlag> = []
        let id = application.id
        try PhoneRecord.filter(PhoneRecord.Columns.applicationID == id).deleteAll(db)
        if let child = facts.childID {
            application.childId = child
            try application.update(db)
            let others = try ApplicationRecord
                .filter(ApplicationRecord.Columns.childID == child && ApplicationRecord.Columns.id != id
                        && ApplicationRecord.Columns.status != ApplicationStatus.withdrawn)
                .fetchAll(db)
            for other in others {
                raised.insert(try flag(db, id, .duplicateChild, "same child as \(other.collectionNumber)"))
                _ = try flag(db, other.id, .duplicateChild, "same child as \(application.collectionNumber)")
            }
        }
        for quota in facts.phones {
            try PhoneRecord(applicationId: id, phone: quota.phone).insert(db, onConflict: .ignore)
            let sharing = try String.fetchAll(db, sql: """
                SELECT DISTINCT p.application_id FROM phones p JOIN applications a ON a.id = p.application_id
                WHERE p.phone = ? AND a.status != ? AND a.form = ? ORDER BY p.application_id
                """, arguments: [quota.phone, ApplicationStatus.withdrawn, application.form])
            if CrossApplicationRules.quotaExceeded(sharing: sharing.count, max: quota.max) {
                let detail = "\(sharing.count) applications share the guardian phone \(Privacy.maskPhone(quota.phone)) (at most \(quota.max))"
                for other in sharing {
                    let raisedFlag = try flag(db, other, .phoneQuota, detail)
                    if other == id { raised.insert(raisedFlag) }
                }
            }
        }
        return raised.sorted { $0.rawValue < $1.rawValue }
    }

    func flag(_ db: Database, _ application: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try FlagRecord(applicationId: application, flag: flag, detail: detail, createdAt: StoreClock.now()).insert(db, onConflict: .ignore)
        return flag
    }

    /// The next 8-digit collection number: two digits of the form's year, six of a counter.
    private func nextCollectionNumber(_ db: Database, year: Int?) throws -> String {
        let yy = (year ?? Calendar(identifier: .gregorian).component(.year, from: Date())) % 100
        let next = try Int.fetchOne(db, sql: "SELECT next FROM counters WHERE year = ?", arguments: [yy]) ?? 1
        guard next <= 999_999 else {
            throw MergeMessages.numbersExhausted
        }
        try db.execute(sql: "INSERT INTO counters (year, next) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET next = excluded.next", arguments: [yy, next + 1])
        return String(format: "%02d%06d", yy, next)
    }
}
