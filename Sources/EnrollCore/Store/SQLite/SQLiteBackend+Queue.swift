import Foundation
import GRDB

extension SQLiteBackend {
    public func queue(_ query: QueueQuery) throws -> QueuePage {
        try database.read { db in
            typealias Columns = ApplicationRecord.Columns
            var request = ApplicationRecord.all()
            if let status = query.status { request = request.filter(Columns.status == status) }
            if let station = query.station { request = request.filter(Columns.station == station) }
            if let form = query.form { request = request.filter(Columns.form == form) }
            if let school = query.school { request = request.filter(ApplicationRecord.Columns.school == school) }
            if let from = query.receivedFrom { request = request.filter(ApplicationRecord.Columns.firstImportedAt >= from) }
            // The day's last second is before the next day: "2026-12-01T…" < "2026-12-01U".
            if let to = query.receivedTo { request = request.filter(ApplicationRecord.Columns.firstImportedAt < to + "U") }
            if let flag = query.flag {
                let flagged = FlagRecord.filter(FlagRecord.Columns.flag == flag).select(FlagRecord.Columns.applicationID)
                request = request.filter(flagged.contains(Columns.id))
            }
            let total = try request.fetchCount(db)
            let key: [any SQLOrderingTerm]
            let number = query.descending ? Columns.collectionNumber.desc : Columns.collectionNumber.asc
            switch query.sort {
            case .collectionNumber: key = [number]
            case .updated: key = [query.descending ? ApplicationRecord.Columns.updatedAt.desc : ApplicationRecord.Columns.updatedAt.asc, number]
            case .received: key = [query.descending ? ApplicationRecord.Columns.firstImportedAt.desc : ApplicationRecord.Columns.firstImportedAt.asc, number]
            case .status: key = [query.descending ? Columns.status.desc : Columns.status.asc, number]
            case .station: key = [query.descending ? Columns.station.desc : Columns.station.asc, number]
            }
            let records = try request.order(key).limit(query.limit, offset: query.offset).fetchAll(db)
            return QueuePage(total: total, items: try Self.summaries(db, records))
        }
    }

    public func search(_ text: String) throws -> [ApplicationSummary] {
        let needle = text.trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        return try database.read { db in
            typealias Columns = ApplicationRecord.Columns
            var condition = Columns.collectionNumber == needle || Columns.childID == needle.uppercased()
            if needle.count >= 8 {
                condition = condition || Columns.id.like(Self.likePrefix(needle.lowercased()), escape: "\\")
            }
            let records = try ApplicationRecord.filter(condition).order(Columns.collectionNumber).limit(100).fetchAll(db)
            return try Self.summaries(db, records)
        }
    }

    public func sharingPhone(with applicationID: String) throws -> [ApplicationSummary] {
        try database.read { db in
            let phones = PhoneRecord.filter(PhoneRecord.Columns.applicationID == applicationID).select(PhoneRecord.Columns.phone)
            let others = PhoneRecord.filter(phones.contains(PhoneRecord.Columns.phone)).select(PhoneRecord.Columns.applicationID)
            let records = try ApplicationRecord
                .filter(others.contains(ApplicationRecord.Columns.id) && ApplicationRecord.Columns.id != applicationID)
                .order(ApplicationRecord.Columns.collectionNumber).fetchAll(db)
            return try Self.summaries(db, records)
        }
    }

    public func sameChild(as applicationID: String) throws -> [ApplicationSummary] {
        try database.read { db in
            guard let record = try ApplicationRecord.fetchOne(db, key: applicationID), let child = record.childId else { return [] }
            let records = try ApplicationRecord
                .filter(ApplicationRecord.Columns.childID == child && ApplicationRecord.Columns.id != applicationID)
                .order(ApplicationRecord.Columns.collectionNumber).fetchAll(db)
            return try Self.summaries(db, records)
        }
    }

    public func revisionForms(_ reference: String) throws -> [RevisionForm] {
        try database.read { db in
            let record = try Self.application(db, reference)
            return try RevisionRecord.filter(RevisionRecord.Columns.applicationID == record.id)
                .order(RevisionRecord.Columns.revision, RevisionRecord.Columns.importedAt).fetchAll(db)
                .map { RevisionForm(revision: $0.revision, digest: $0.digest, state: $0.state, importedAt: $0.importedAt, formJSON: $0.formJson) }
        }
    }
}
