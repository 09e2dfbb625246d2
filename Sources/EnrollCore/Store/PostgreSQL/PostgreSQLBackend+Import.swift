import Foundation
import PostgresNIO

extension PostgreSQLBackend {
    public func holdsRevision(_ digest: String) throws -> Bool {
        try read { db in try db.first("SELECT 1 AS one FROM revisions WHERE digest = \(digest)") != nil }
    }

    public func merge(_ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        try write { db in try merge(db, bundle, actor: actor) }
    }

    public func quarantine(_ entry: QuarantineEntry, actor: String) throws {
        try write { db in
            try db.execute("""
                INSERT INTO quarantine (key, source, application_id, revision, reasons, at)
                VALUES (\(entry.key), \(entry.source), \(entry.applicationID), \(entry.revision), \(try Self.encodeJSON(entry.reasons)), \(entry.at))
                ON CONFLICT (key) DO UPDATE SET source = excluded.source, application_id = excluded.application_id,
                    revision = excluded.revision, reasons = excluded.reasons, at = excluded.at
                """)
            try Self.append(AuditEntry(actor: actor, application: entry.applicationID, action: .importQuarantined, detail: [
                "source": entry.source, "codes": entry.reasons.map(\.code).joined(separator: " "),
            ]), in: db)
        }
    }

    public func quarantined() throws -> [QuarantineEntry] {
        try read { db in
            try db.rows("SELECT key, source, application_id, revision, reasons, at FROM quarantine ORDER BY at, seq").map { row in
                QuarantineEntry(
                    key: try row.value("key"), source: try row.value("source"), applicationID: try row.value("application_id"),
                    revision: try row.value("revision", Int?.self),
                    reasons: try Self.decodeJSON([StoredDiagnostic].self, try row.value("reasons", String.self)), at: try row.value("at"))
            }
        }
    }

    /// Applies ``MergeRule``'s decision for one revision inside the caller's transaction,
    /// holding the application's advisory lock (and its child's and phones') throughout.
    private func merge(_ db: PostgresSession, _ bundle: IncomingBundle, actor: String) throws -> ImportReport.Item {
        let header = bundle.header
        let id = header.applicationID.uuidString.lowercased()
        let now = StoreClock.now()
        try db.lock(.application, id)
        try Self.lockFacts(db, bundle.facts)
        let application = try db.first("SELECT \(unescaped: Self.applicationColumns) FROM applications a WHERE a.id = \(id)")
            .map(Self.applicationRecord)
        let held = try application.flatMap { try Self.heldRevision(db, of: $0.id) }
        let decision = MergeRule.decide(
            current: application.map {
                MergeRule.Current(
                    status: $0.status, revision: $0.currentRevision, digest: $0.currentDigest,
                    held: held.map { MergeRule.Tip(revision: $0.revision, digest: $0.digest) })
            },
            incoming: MergeRule.Incoming(
                revision: header.revision, previous: header.previousRevision, digest: bundle.digest, kind: header.kind,
                alreadyStored: try db.first("SELECT 1 AS one FROM revisions WHERE digest = \(bundle.digest)") != nil))
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
            let tip = try held?.formJson ?? application.flatMap { try formJSON(db, $0.currentDigest) }
            changes = try MergeMessages.checkRevision(bundle, tip: tip)
            if let number = header.collectionNumber, let record = application, number != record.collectionNumber {
                throw MergeMessages.numberMismatch(bundle, stored: record.collectionNumber, given: number)
            }
        case .new:
            if let number = header.collectionNumber {
                // Two new applications claiming one station number wait for each other here.
                try db.lock(.collectionNumber, number)
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
            try db.execute("""
                INSERT INTO applications (id, form, collection_number, status, current_revision, current_digest, station, child_id, school,
                    reasons, first_imported_at, updated_at, district)
                VALUES (\(record.id), \(record.form), \(record.collectionNumber), \(record.status.rawValue), \(record.currentRevision),
                    \(record.currentDigest), \(record.station), \(record.childId), \(record.school), \(try Self.encodeJSON(record.reasons)),
                    \(record.firstImportedAt), \(record.updatedAt), \(record.district))
                """)
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
            try db.execute("""
                INSERT INTO quarantine (key, source, application_id, revision, reasons, at)
                VALUES (\(bundle.digest), \(bundle.source), \(id), \(header.revision),
                    \(try Self.encodeJSON(item.diagnostics.map(StoredDiagnostic.init))), \(now))
                ON CONFLICT (key) DO UPDATE SET source = excluded.source, application_id = excluded.application_id,
                    revision = excluded.revision, reasons = excluded.reasons, at = excluded.at
                """)
            try Self.append(AuditEntry(actor: actor, application: id, action: .importRefused, detail: [
                "revision": String(header.revision), "digest": bundle.digest, "reason": reason.rawValue,
            ]), in: db)
            return item

        case .supersede(let status):
            var record = application!
            try Self.setState(db, digest: record.currentDigest, .superseded)
            // A revision chained onto a held one (after a rejection, or a withdrawal) ends the wait.
            try db.execute("UPDATE revisions SET state = 'superseded' WHERE application_id = \(id) AND state = 'held'")
            try Self.clearFlag(db, id, .revisionAfterDecision)
            try insert(db, revision, files: bundle.files)
            let previousStatus = record.status
            record.currentRevision = header.revision
            record.currentDigest = bundle.digest
            record.station = header.station ?? record.station
            record.updatedAt = now
            record.status = status
            if status == .received { record.reasons = [] }
            if let district = bundle.district { record.district = district }
            try Self.update(db, record)
            if header.kind.carriesForm {
                item.flags += try applyCrossApplicationRules(db, &record, bundle.facts)
            } else {
                try db.execute("DELETE FROM phones WHERE application_id = \(id)")
            }
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "previousStatus": previousStatus.rawValue,
                "source": bundle.source,
            ]
            SQLiteBackend.describe(changes, into: &detail)
            try Self.append(AuditEntry(
                actor: actor, application: id, action: header.kind == .withdrawal ? .importWithdrawn : .importRevision(header.kind),
                detail: detail), in: db)
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .hold(let replacing):
            let record = application!
            if let replacing { try Self.setState(db, digest: replacing, .superseded) }
            var waiting = revision
            waiting.state = .held
            try insert(db, waiting, files: bundle.files)
            try Self.clearFlag(db, id, .revisionAfterDecision)
            item.flags.append(try flag(
                db, id, .revisionAfterDecision, "revision \(header.revision) signed after the application was \(record.status.rawValue)"))
            item.diagnostics = [MergeMessages.held(number: record.collectionNumber, status: record.status, revision: header.revision, source: bundle.source)]
            var detail = [
                "revision": String(header.revision), "digest": bundle.digest, "status": record.status.rawValue, "source": bundle.source,
                "kind": header.kind.rawValue,
            ]
            SQLiteBackend.describe(changes, into: &detail)
            try Self.append(AuditEntry(actor: actor, application: id, action: .importHeld, detail: detail), in: db)
            try noteOutsideWindow(db, id, bundle, &item)
            return item

        case .conflict(let reason):
            var conflicting = revision
            conflicting.state = .conflict
            try insert(db, conflicting, files: bundle.files)
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
    private func noteOutsideWindow(_ db: PostgresSession, _ id: String, _ bundle: IncomingBundle, _ item: inout ImportReport.Item) throws {
        guard let why = bundle.outsideWindow else { return }
        item.flags.append(try flag(db, id, .outsideWindow, "revision \(bundle.header.revision) " + why))
        item.diagnostics.append(MergeMessages.outsideWindow(why, source: bundle.source))
    }

    private func formJSON(_ db: PostgresSession, _ digest: String) throws -> String? {
        try db.first("SELECT form_json FROM revisions WHERE digest = \(digest)")?.value("form_json", String?.self)
    }

    private func insert(_ db: PostgresSession, _ revision: RevisionRecord, files: [StoredFile]) throws {
        try db.execute("""
            INSERT INTO revisions (digest, application_id, revision, previous, kind, station, key_id, state, form_json, imported_at, source, facts)
            VALUES (\(revision.digest), \(revision.applicationId), \(revision.revision), \(revision.previous), \(revision.kind.rawValue),
                \(revision.station), \(revision.keyId), \(revision.state.rawValue), \(revision.formJson), \(revision.importedAt),
                \(revision.source), \(try revision.facts.map(Self.encodeJSON)))
            """)
        guard !files.isEmpty else { return }
        try db.execute("""
            INSERT INTO files (digest, path, object, size)
            SELECT \(revision.digest), f.path, f.object, f.size
            FROM unnest(\(files.map(\.path))::text[], \(files.map(\.object))::text[], \(files.map(\.size))::bigint[]) AS f(path, object, size)
            """)
    }

    /// Takes the advisory locks of a revision's child and guardian phones (after the
    /// application's), so two merges for the same child or phone see each other.
    static func lockFacts(_ db: PostgresSession, _ facts: CrossApplicationRules.Facts?) throws {
        guard let facts else { return }
        if let child = facts.childID { try db.lock(.child, child) }
        for phone in Set(facts.phones.map(\.phone)).sorted() { try db.lock(.phone, phone) }
    }

    /// Records the child's ID and guardian phones, and flags duplicates and quota overruns
    /// (DESIGN §7: both applications are kept) across every district the store holds; a
    /// duplicate in another district names it.
    func applyCrossApplicationRules(
        _ db: PostgresSession, _ application: inout ApplicationRecord, _ facts: CrossApplicationRules.Facts?
    ) throws -> [ReviewFlag] {
        guard let facts else { return [] }
        var raised: Set<ReviewFlag> = []
        let id = application.id
        try db.execute("DELETE FROM phones WHERE application_id = \(id)")
        if let child = facts.childID {
            application.childId = child
            try Self.update(db, application)
            let others = try db.rows("""
                SELECT \(unescaped: Self.applicationColumns) FROM applications a
                WHERE a.child_id = \(child) AND a.id <> \(id) AND a.status <> 'withdrawn' ORDER BY a.collection_number
                """).map(Self.applicationRecord)
            for other in others {
                raised.insert(try flag(db, id, .duplicateChild, Self.sameChild(other, seenFrom: application)))
                _ = try flag(db, other.id, .duplicateChild, Self.sameChild(application, seenFrom: other))
            }
        }
        for quota in facts.phones {
            try db.execute("INSERT INTO phones (application_id, phone) VALUES (\(id), \(quota.phone)) ON CONFLICT DO NOTHING")
            let sharing = try db.rows("""
                SELECT DISTINCT p.application_id FROM phones p JOIN applications a ON a.id = p.application_id
                WHERE p.phone = \(quota.phone) AND a.status <> 'withdrawn' AND a.form = \(application.form) ORDER BY p.application_id
                """).map { try $0.value("application_id", String.self) }
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

    /// The `duplicate-child` detail on `viewer` about `other`: its collection number, and its
    /// district when that is another one (a child applying in two districts of the city).
    static func sameChild(_ other: ApplicationRecord, seenFrom viewer: ApplicationRecord) -> String {
        if let district = other.district, district != viewer.district {
            return "same child as \(other.collectionNumber) in \(district)"
        }
        return "same child as \(other.collectionNumber)"
    }

    func flag(_ db: PostgresSession, _ application: String, _ flag: ReviewFlag, _ detail: String) throws -> ReviewFlag {
        try db.execute("""
            INSERT INTO flags (application_id, flag, detail, created_at) VALUES (\(application), \(flag.rawValue), \(detail), \(StoreClock.now()))
            ON CONFLICT DO NOTHING
            """)
        return flag
    }

    /// The next 8-digit collection number: two digits of the form's year, six of the counter,
    /// whose row stays locked until the transaction ends (never the same number twice).
    private func nextCollectionNumber(_ db: PostgresSession, year: Int?) throws -> String {
        let yy = (year ?? Calendar(identifier: .gregorian).component(.year, from: Date())) % 100
        let next = try db.first("""
            INSERT INTO counters (year, next) VALUES (\(yy), 2) ON CONFLICT (year) DO UPDATE SET next = counters.next + 1
            RETURNING next - 1 AS taken
            """)!.value("taken", Int.self)
        guard next <= 999_999 else { throw MergeMessages.numbersExhausted }
        return String(format: "%02d%06d", yy, next)
    }

    /// Checks a collection number a station gave at 提交 for a new application: it lies in a
    /// block issued to that station and no other application has it.
    /// - Throws: `EnrollError` with `import.collection-number`.
    static func checkStationNumber(_ db: PostgresSession, _ number: String, station: String, source: String) throws {
        guard let yy = Int(number.prefix(2)), let sequence = Int(number.dropFirst(2)),
              try db.first("""
                  SELECT 1 AS one FROM number_blocks WHERE station = \(station) AND year % 100 = \(yy) AND first <= \(sequence) AND last >= \(sequence)
                  LIMIT 1
                  """) != nil
        else { throw MergeMessages.numberNotInBlock(number, station: station, source: source) }
        if let other = try db.first("SELECT id FROM applications WHERE collection_number = \(number)") {
            throw MergeMessages.numberTaken(number, by: try other.value("id"), source: source)
        }
    }
}
