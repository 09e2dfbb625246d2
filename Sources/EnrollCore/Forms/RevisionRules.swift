import JSONSchema

/// A revision kind of its own a form declares (`x-enroll-revision-kinds`): Harbin's
/// 修改学生姓名 and 修改填报学校 change one thing and are audited as such; Beijing 2025's 去授权 and
/// 取消授权 set a field to a fixed value (`sets`), the revocation only from a granted one
/// (`requires`).
public struct RevisionKindRule: Sendable, Hashable {
    /// A field and a value.
    public struct FieldValue: Sendable, Hashable {
        public var pointer: JSONPointer
        public var value: JSONValue

        public init(pointer: JSONPointer, value: JSONValue) {
            self.pointer = pointer
            self.value = value
        }
    }

    /// The kind (`Enroll-Kind`).
    public var kind: BundleKind
    /// What the kind is called in the manual.
    public var label: LocalizedText
    /// The fields a revision of this kind changes; it changes nothing else, and a plain
    /// revision never changes them.
    public var changes: [JSONPointer]
    /// The values a revision of this kind leaves (`enroll revise --kind` writes them).
    public var sets: [FieldValue] = []
    /// The values the previous revision must have for this kind to apply.
    public var requires: [FieldValue] = []
}

/// What may change from one revision of an application to the next (DESIGN §12): the basic
/// information a form declares immutable (`x-enroll-immutable`: Beijing's
/// "注册账号时填写的基本信息不能修改") never changes, and the fields a revision kind owns
/// (`x-enroll-revision-kinds`) change only through that kind.
///
/// A pure check over two form documents, called by `enroll revise` before it writes, by the
/// station app, and by the district at import (a hand-made revision that breaks it is
/// quarantined with the same codes).
public struct RevisionRules: Sendable, Hashable {
    /// The fields no revision may change, with their labels.
    public var immutable: [Field]
    /// The revision kinds of their own, with their fields' labels.
    public var kinds: [RevisionKindRule]
    /// Labels of the fields the kinds change.
    public var labels: [String: LocalizedText]

    /// A field and its label (`section › field`).
    public struct Field: Sendable, Hashable {
        public var pointer: JSONPointer
        public var label: LocalizedText
    }

    /// The rules a form declares.
    public init(form: Form) {
        immutable = form.immutableFields.map { Field(pointer: $0, label: form.fieldName(at: $0)) }
        kinds = form.revisionKinds
        var labels: [String: LocalizedText] = [:]
        for kind in form.revisionKinds {
            for pointer in kind.changes { labels[pointer.description] = form.fieldName(at: pointer) }
        }
        self.labels = labels
    }

    /// The kinds a revision carrying form data may have: a plain one and the form's own.
    public var allowedKinds: [BundleKind] { [.application] + kinds.map(\.kind) }

    /// Checks a revision against the one before it.
    /// - Parameters:
    ///   - kind: The new revision's `Enroll-Kind`.
    ///   - previous: The previous revision's form data.
    ///   - next: The new revision's form data.
    ///   - file: Where the new form data is, for locations.
    /// - Returns: Every problem: `form.immutable-field` for each basic field that changed,
    ///   `form.revision-kind` for a kind the form does not have, a kind-owned field changed by
    ///   a plain revision, or a kind's revision that changes something else or nothing.
    public func check(kind: BundleKind, previous: JSONValue, next: JSONValue, file: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for field in immutable where previous.value(at: field.pointer) != next.value(at: field.pointer) {
            problems.append(.error(
                .formImmutableField, Location(file: file, pointer: field.pointer.description),
                zh: "“\(field.label.zh)”是注册时填写的基本信息，提交后不能修改。如确实填错，请撤销本申请后重新申请。",
                en: "\"\(field.label.en)\" is basic information given at registration and cannot change after submission. If it is wrong, withdraw this application and apply again."))
        }
        func name(_ pointer: JSONPointer) -> LocalizedText { labels[pointer.description] ?? LocalizedText(zh: pointer.description, en: pointer.description) }
        switch kind {
        case .application:
            // One problem per field, naming every kind that owns it (去授权 and 取消授权 share one).
            var owners: [(pointer: JSONPointer, kinds: [RevisionKindRule])] = []
            for rule in kinds {
                for pointer in rule.changes where previous.value(at: pointer) != next.value(at: pointer) {
                    if let index = owners.firstIndex(where: { $0.pointer == pointer }) {
                        owners[index].kinds.append(rule)
                    } else {
                        owners.append((pointer, [rule]))
                    }
                }
            }
            for (pointer, rules) in owners {
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: pointer.description),
                    zh: "“\(name(pointer).zh)”只能通过\(rules.map { "“\($0.label.zh)”（enroll revise --kind \($0.kind.rawValue)）" }.joined(separator: "或"))修改。",
                    en: "\"\(name(pointer).en)\" changes only through \(rules.map { "\"\($0.label.en)\" (enroll revise --kind \($0.kind.rawValue))" }.joined(separator: " or "))."))
            }
        case .withdrawal:
            break
        default:
            guard let rule = kinds.first(where: { $0.kind == kind }) else {
                problems.append(.error(
                    .formRevisionKind, Location(file: file),
                    zh: "本表单没有“\(kind.rawValue)”这种修改；可用的修改种类：\(allowedKinds.map(\.rawValue).joined(separator: "、"))。",
                    en: "This form has no revision kind \"\(kind.rawValue)\"; its kinds are \(allowedKinds.map(\.rawValue).joined(separator: ", "))."))
                break
            }
            for required in rule.requires where previous.value(at: required.pointer) != required.value {
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: required.pointer.description),
                    zh: "“\(rule.label.zh)”要求上一版的“\(name(required.pointer).zh)”为 \(Self.text(required.value))，而它是 \(Self.text(previous.value(at: required.pointer)).isEmpty ? "空" : Self.text(previous.value(at: required.pointer)))。",
                    en: "\"\(rule.label.en)\" needs \(name(required.pointer).en) to be \(Self.text(required.value)) in the previous revision, but it is \(Self.text(previous.value(at: required.pointer)).isEmpty ? "empty" : Self.text(previous.value(at: required.pointer)))."))
            }
            for set in rule.sets where next.value(at: set.pointer) != set.value {
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: set.pointer.description),
                    zh: "“\(rule.label.zh)”须把“\(name(set.pointer).zh)”设为 \(Self.text(set.value))。",
                    en: "A \(kind.rawValue) revision must set \(name(set.pointer).en) to \(Self.text(set.value))."))
            }
            if rule.changes.allSatisfy({ previous.value(at: $0) == next.value(at: $0) }) {
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: rule.changes.first?.description),
                    zh: "“\(rule.label.zh)”没有改变“\(rule.changes.map { name($0).zh }.joined(separator: "、"))”。",
                    en: "The \(kind.rawValue) revision does not change \(rule.changes.map { name($0).en }.joined(separator: ", "))."))
            }
            let others = Self.changedPointers(previous, next).filter { changed in
                !rule.changes.contains { changed.tokens.starts(with: $0.tokens) }
                    && !immutable.contains { changed.tokens.starts(with: $0.pointer.tokens) }
            }
            if let first = others.first {
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: first.description),
                    zh: "“\(rule.label.zh)”只能修改“\(rule.changes.map { name($0).zh }.joined(separator: "、"))”，却还改了 \(others.map(\.description).joined(separator: "、"))。其他修改请另做普通修改。",
                    en: "A \(kind.rawValue) revision changes only \(rule.changes.map { name($0).en }.joined(separator: ", ")), but this one also changes \(others.map(\.description).joined(separator: ", ")). Make other changes as a plain revision."))
            }
        }
        return problems
    }

    /// Checks revision 1 of an application: it is a plain application, and leaves the fields
    /// only a kind sets (Beijing 2025's `/authorization/granted`: 去授权 / 取消授权 come after
    /// registration) unset.
    /// - Returns: `form.revision-kind` for each such field given, or for a first revision of
    ///   a kind of its own.
    public func checkFirst(kind: BundleKind, document: JSONValue, file: String) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if kind != .application, let rule = kinds.first(where: { $0.kind == kind }) {
            problems.append(.error(
                .formRevisionKind, Location(file: file),
                zh: "“\(rule.label.zh)”是对已提交申请的修改，不能是第 1 版。请先提交申请，再用 enroll revise --kind \(kind.rawValue)。",
                en: "\"\(rule.label.en)\" revises a submitted application and cannot be revision 1. Submit the application first, then use enroll revise --kind \(kind.rawValue)."))
        }
        var seen: Set<JSONPointer> = []
        for rule in kinds {
            for field in rule.sets where document.value(at: field.pointer) != nil && seen.insert(field.pointer).inserted {
                let label = labels[field.pointer.description] ?? LocalizedText(zh: field.pointer.description, en: field.pointer.description)
                problems.append(.error(
                    .formRevisionKind, Location(file: file, pointer: field.pointer.description),
                    zh: "“\(label.zh)”在首次提交时不填写，提交后通过“\(rule.label.zh)”设置（enroll revise --kind \(rule.kind.rawValue)）。",
                    en: "\"\(label.en)\" is not filled in at the first submission; it is set afterwards through \"\(rule.label.en)\" (enroll revise --kind \(rule.kind.rawValue))."))
            }
        }
        return problems
    }

    /// What a kind's revision changed, old → new, for its audit event (values as text).
    public func changes(kind: BundleKind, previous: JSONValue, next: JSONValue) -> [(field: String, from: String, to: String)] {
        guard let rule = kinds.first(where: { $0.kind == kind }) else { return [] }
        return rule.changes.map { pointer in
            (pointer.description, Self.text(previous.value(at: pointer)), Self.text(next.value(at: pointer)))
        }
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text
        case nil: ""
        case let other?: "\(other)"
        }
    }

    /// The pointers of the values that differ between two documents (an object's keys one by
    /// one, a missing object read as an empty one, anything else as a whole).
    /// The changes found inside an object that appeared or went, or the object itself when it
    /// was empty.
    private static func nonEmpty(_ inner: [JSONPointer], _ pointer: JSONPointer) -> [JSONPointer] { inner.isEmpty ? [pointer] : inner }

    static func changedPointers(_ a: JSONValue?, _ b: JSONValue?, at pointer: JSONPointer = .root) -> [JSONPointer] {
        if case .object? = b, a == nil { return Self.nonEmpty(changedPointers(.object(JSONObject()), b, at: pointer), pointer) }
        if case .object? = a, b == nil { return Self.nonEmpty(changedPointers(a, .object(JSONObject()), at: pointer), pointer) }
        if case .object(let left)? = a, case .object(let right)? = b {
            let keys = left.keys + right.keys.filter { left[$0] == nil }
            return keys.flatMap { changedPointers(left[$0], right[$0], at: pointer.appending($0)) }
        }
        return a == b ? [] : [pointer]
    }
}
