import Foundation
import JSONSchema

/// What every backend's merge says: the diagnostics of a revision the store refuses, holds or
/// quarantines, and the revision check against the chain's tip. Kept in one place so the
/// SQLite and PostgreSQL stores word them alike.
enum MergeMessages {
    static func wrongDistrict(_ bundle: IncomingBundle, district: String, serves: String) -> EnrollError {
        EnrollError.invalid(
            .importWrongDistrict, Location(file: bundle.source + "/" + BundleLayout.form, pointer: bundle.revisionRules == nil ? nil : "/application/district"),
            zh: "该申请的填报区是“\(district)”，而本库服务于“\(serves)”，已隔离。请把它交给\(district)的教育局。",
            en: "The application is for the district \"\(district)\", but this store serves \"\(serves)\"; quarantined. Send it to the \(district) office.")
    }

    static func numberMismatch(_ bundle: IncomingBundle, stored: String, given: String) -> EnrollError {
        EnrollError.invalid(
            .importCollectionNumber, Location(file: bundle.source + "/bag-info.txt"),
            zh: "该申请的采集编号是 \(stored)，这一版却写着 \(given)，已隔离。",
            en: "The application's collection number is \(stored), but this revision says \(given); quarantined.")
    }

    static func numberNotInBlock(_ number: String, station: String, source: String) -> EnrollError {
        EnrollError.invalid(
            .importCollectionNumber, Location(file: source + "/bag-info.txt"),
            zh: "采集编号 \(number) 不在区教育局发给站点“\(station)”的编号段内，已隔离。请核实该站点导入的编号段（enroll numbers import）。",
            en: "The collection number \(number) is not from a block the district issued to the station \"\(station)\"; quarantined. Check the block the station took in (enroll numbers import).")
    }

    static func numberTaken(_ number: String, by other: String, source: String) -> EnrollError {
        EnrollError.invalid(
            .importCollectionNumber, Location(file: source + "/bag-info.txt"),
            zh: "采集编号 \(number) 已属于另一个申请（\(other.prefix(8))），同一编号不能给两个申请，已隔离。",
            en: "The collection number \(number) already belongs to another application (\(other.prefix(8))); one number cannot go to two applications, so this bundle is quarantined.")
    }

    static let numbersExhausted = EnrollError.invalid(
        .importCollectionNumbersExhausted, Location(),
        zh: "本年度的 6 位采集编号已用完。", en: "This year's 6-digit collection numbers are used up.")

    static func withdrawn(_ id: String, number: String, source: String) -> Diagnostic {
        .error(
            .importWithdrawn, Location(file: source),
            zh: "申请 \(id)（采集编号 \(number)）已撤销，不再接受它的新版本。如需重新申请，请在采集点新建申请。",
            en: "Application \(id) (collection number \(number)) has been withdrawn; no later revision of it is accepted. To apply again, make a new application at the station.")
    }

    static func held(number: String, status: ApplicationStatus, revision: Int, source: String) -> Diagnostic {
        .warning(
            .importRevisionHeld, Location(file: source),
            zh: "申请 \(number) 已\(status == .admitted ? "录取" : "审核通过")，第 \(revision) 版不改变其状态和结果，已保留待审核（enroll review accept-revision / refuse-revision）。",
            en: "Application \(number) is already \(status.rawValue), so revision \(revision) does not change its status or decision: it is held for a reviewer (enroll review accept-revision / refuse-revision).")
    }

    static func conflict(_ reason: MergeRule.ConflictReason, source: String) -> Diagnostic {
        .warning(
            .importConflict, Location(file: source),
            zh: "版本冲突，已保留待审核：\(reason.text.zh)。", en: "Conflicting revision held for review: \(reason.text.en).")
    }

    static func outsideWindow(_ why: String, source: String) -> Diagnostic {
        .warning(
            .importOutsideWindow, Location(file: source),
            zh: "该申请在表单采集时间以外提交，已导入并标记 outside-window 待审核（\(why)）。",
            en: "The application was submitted outside its form's collection window; imported and flagged outside-window for review (\(why)).")
    }

    /// Checks what a revision changes from the chain's tip (`RevisionRules`: immutable fields,
    /// revision kinds) before anything is written.
    /// - Returns: What a revision kind of its own changed, old → new, for the audit event.
    /// - Throws: `EnrollError` with `form.immutable-field` / `form.revision-kind`; the
    ///   importer quarantines the bundle with them.
    static func checkRevision(_ bundle: IncomingBundle, tip: String?) throws -> [(field: String, from: String, to: String)] {
        let kind = bundle.header.kind
        guard kind.carriesForm, let rules = bundle.revisionRules, let tip, let next = bundle.formJSON,
              let previous = try? JSONParser.parse(Array(tip.utf8)), let document = try? JSONParser.parse(Array(next.utf8))
        else { return [] }
        let problems = rules.check(kind: kind, previous: previous, next: document, file: bundle.source + "/" + BundleLayout.form)
        if problems.containsErrors { throw EnrollError(problems.errors) }
        return rules.changes(kind: kind, previous: previous, next: document)
    }
}
