/// A problem's stable, dotted code (`bag.checksum-mismatch`), which scripts and reports rely
/// on; every code is a documented static member (``DiagnosticCode`` catalog in
/// `DiagnosticCodes.swift`), never a string typed at the call site.
///
/// Families: `bag.*` (BagIt), `sig.*` (signatures and trust), `form.*` (JSON, schema, formats,
/// rules), `attachment.*`, `archive.*`, `import.*`, `store.*`, `review.*`, `crypt.*`,
/// `print.*`, `sheet.*`, `web.*`, `io.*` and `usage.*`. docs/FORMATS.md lists every code; a
/// test keeps the list and this catalog equal.
public struct DiagnosticCode: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The dotted code.
    public let rawValue: String

    /// A code by its dotted text, as read back from a report or a store.
    public init(rawValue: String) { self.rawValue = rawValue }

    init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static func < (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The family: the part before the first dot (`bag`, `form`, …).
    public var family: String { String(rawValue.prefix { $0 != "." }) }

    // MARK: Families named by a part of their own

    /// `form.<keyword>`: the form data fails a JSON Schema keyword that has no code of its own
    /// (`form.minLength`, `form.maxItems`, `form.const`, …). `required`, `type`, `enum`,
    /// `pattern` and unknown fields have members of their own.
    public static func schemaKeyword(_ keyword: String) -> DiagnosticCode { DiagnosticCode("form." + keyword) }

    /// `form.format.<format>`: a value is not in its field's format (`form.format.cn-resident-id`,
    /// `form.format.cn-mobile`, `form.format.date`, …; docs/FORMS.md lists the formats).
    public static func format(_ name: String) -> DiagnosticCode { DiagnosticCode("form.format." + name) }

    /// `form.rule.<rule>`: a named cross-field rule fails (`form.rule.id-number-birth-date`,
    /// `form.rule.birth-date-window`, `form.rule.district-match`, …; docs/FORMS.md lists them).
    public static func rule(_ name: String) -> DiagnosticCode { DiagnosticCode("form.rule." + name) }

    /// `sheet.<problem>`: a spreadsheet could not be read or written (`sheet.not-text`,
    /// `sheet.missing-column`, `sheet.archive`, …): SheetKit's own codes, one per case of
    /// `SheetError` (`SheetError.Code.all`), reported through `EnrollError.sheet(_:path:)`.
    public static let sheetFamily = "sheet.<problem>"

    /// The patterns of the families above, as docs/FORMATS.md writes them.
    public static let familyPatterns = ["form.<keyword>", "form.format.<format>", "form.rule.<rule>", sheetFamily]
}

/// How a command ends (DESIGN §8).
public enum ExitStatus: Int32, Sendable, Comparable {
    /// All good.
    case success = 0
    /// Something invalid or refused.
    case invalid = 1
    /// A usage or I/O error.
    case usageOrIO = 2

    public static func < (lhs: ExitStatus, rhs: ExitStatus) -> Bool { lhs.rawValue < rhs.rawValue }
}
