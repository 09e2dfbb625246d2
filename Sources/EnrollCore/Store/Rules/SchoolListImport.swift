/// What importing a school list (`enroll schools import`) changes, decided once for every
/// backend: which schools go (only when the list replaces the old one), which are written
/// (added or replaced by name), the counts, and the audit event. A backend applies it in one
/// transaction.
struct SchoolListImport {
    /// Schools in the store that the imported list does not name (empty when merging).
    let removals: [String]
    /// The imported schools, each written over any entry of the same name.
    let upserts: [SchoolInfo]
    /// What the import does, for the report.
    let counts: SchoolImportCounts
    private let replacing: Bool

    /// Plans an import.
    /// - Parameters:
    ///   - existing: The names of the schools in the store now.
    ///   - incoming: The imported list.
    ///   - replacing: Whether the list replaces the old one (else it is merged into it).
    /// - Throws: `schools.duplicate` when the list names a school twice (nothing is changed).
    init(existing: Set<String>, incoming: [SchoolInfo], replacing: Bool) throws {
        var names: Set<String> = []
        for school in incoming {
            guard names.insert(school.name).inserted else { throw StoreErrors.duplicateSchool(school.name) }
        }
        self.replacing = replacing
        removals = replacing ? existing.subtracting(names).sorted() : []
        upserts = incoming
        let updated = names.intersection(existing).count
        counts = SchoolImportCounts(added: names.count - updated, updated: updated, removed: removals.count)
    }

    /// The audit event of the import (`schools.import`).
    func auditEntry(actor: String) -> AuditEntry {
        AuditEntry(actor: actor, action: .schoolsImport, detail: [
            "mode": replacing ? "replace" : "merge", "added": String(counts.added), "updated": String(counts.updated),
            "removed": String(counts.removed),
        ])
    }
}
