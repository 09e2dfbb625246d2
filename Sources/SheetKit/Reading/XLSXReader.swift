import ArchiveKit
import XMLKit

/// Reads an untrusted workbook (.xlsx): its sheets by name, and their rows as a stream.
///
/// Opening reads the package's small parts: `[Content_Types].xml`, the relationships, the
/// workbook (sheet names and the date system), the styles (which cell formats are dates)
/// and the shared strings (checked against ``SheetLimits/maxSharedStrings`` and
/// ``SheetLimits/maxSharedStringBytes`` as they stream). ``rows(of:)`` then streams one
/// worksheet straight out of the zip entry (ArchiveKit) into libxml2's reader (XMLKit), one
/// row in memory at a time.
///
/// Nothing in the file is trusted. The zip goes through ``ArchiveKit/ArchiveReader`` with
/// ``SheetLimits``' entry count, sizes and compression ratio (a zip bomb is refused after a
/// few megabytes); every XML part through ``XMLKit/XMLReader`` with no DTD (entity bombs and
/// external entities cannot happen), bounded depth and text; rows and columns are bounded
/// and must come in order.
///
/// ```swift
/// let workbook = try XLSXReader(path: "学校.xlsx")
/// let rows = try workbook.rows(of: "学校")
/// while let row = try rows.next() { print(row.number, row.cells) }
/// ```
///
/// A value type holding only what it read; `Sendable`. Each ``SheetRowReader`` it makes opens
/// the file anew.
public struct XLSXReader {
    /// The workbook file.
    public let path: String
    /// The limits enforced on it.
    public let limits: SheetLimits
    /// The workbook's worksheets, in workbook order (chart sheets and dialog sheets are left out).
    public let sheets: [SheetInfo]
    /// Whether the workbook uses the 1904 date system (`<workbookPr date1904="1"/>`).
    public let usesDate1904: Bool

    let sharedStrings: [String]
    let formats: CellFormats
    /// The part naming the sheets' parts (`xl/_rels/workbook.xml.rels`), for messages.
    let sheetsReferencedBy: String

    /// The worksheets' names, in workbook order.
    public var sheetNames: [String] { sheets.map(\.name) }

    /// Opens `path` and reads the workbook's structure and shared strings.
    ///
    /// Reads the zip once with ``ArchiveKit/ArchiveReader``, twice when the parts come before
    /// the content types and relationships that say what they are.
    /// - Parameters:
    ///   - path: the .xlsx file.
    ///   - limits: the bounds to enforce; ``SheetLimits/default`` unless given.
    /// - Throws: ``SheetError/archive(_:)`` for anything the zip layer refuses (not a zip, a
    ///   bomb, too many entries, unsafe names …); ``SheetError/xml(part:sheet:error:)`` for a
    ///   malformed or hostile part; ``SheetError/notAWorkbook(path:detail:)``,
    ///   ``SheetError/missingPart(part:referencedBy:)``, ``SheetError/partTooLarge(part:limit:)``,
    ///   ``SheetError/tooManySheets(limit:)``, ``SheetError/tooManySharedStrings(limit:)``,
    ///   ``SheetError/sharedStringsTooLarge(limit:)``, ``SheetError/tooManyCellFormats(limit:)``.
    public init(path: String, limits: SheetLimits = .default) throws(SheetError) {
        self.path = path
        self.limits = limits
        var scan = PackageScan(path: path, limits: limits)
        try scan.read(only: nil)
        // Parts that came before what says what they are (the content types or the
        // relationships) are read in another pass: at most two more, for the workbook's
        // relationships and then the parts they name.
        for _ in 0..<2 {
            let missing = try scan.unreadParts()
            if missing.isEmpty { break }
            try scan.read(only: missing)
        }
        guard let workbookPart = scan.workbookPart else {
            throw .notAWorkbook(path: path, detail: "its _rels/.rels names no office document")
        }
        let workbookRelationshipsPart = PartName.relationships(of: workbookPart)
        guard let workbookRelationships = scan.relationships[workbookPart.lowercased()] else {
            throw .missingPart(part: workbookRelationshipsPart, referencedBy: workbookPart)
        }
        guard let workbook = scan.workbook?.info else { throw .missingPart(part: workbookPart, referencedBy: "_rels/.rels") }
        let relationshipsByID = Dictionary(workbookRelationships.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        var sheets: [SheetInfo] = []
        for sheet in workbook.sheets {
            guard let relationship = relationshipsByID[sheet.relationshipID] else {
                throw .missingPart(part: "relationship \(sheet.relationshipID) of sheet '\(sheet.name)'", referencedBy: workbookPart)
            }
            guard relationship.kind == "worksheet", let target = relationship.target else { continue }
            guard scan.has(target) else { throw .missingPart(part: target, referencedBy: workbookRelationshipsPart) }
            sheets.append(SheetInfo(name: sheet.name, part: scan.entryName(target), hidden: sheet.hidden))
        }
        if sheets.isEmpty { throw .notAWorkbook(path: path, detail: "it has no worksheets") }
        self.sheets = sheets
        usesDate1904 = workbook.date1904
        sharedStrings = scan.sharedStrings?.strings ?? []
        formats = scan.formats?.formats ?? CellFormats()
        sheetsReferencedBy = workbookRelationshipsPart
    }

    /// Starts streaming the rows of the worksheet named `name` (exactly, or else ignoring
    /// letter case as Excel does).
    ///
    /// Opens the file again with ``ArchiveKit/ArchiveReader``, skips (and still checks) the
    /// entries before the sheet's, and hands the sheet's entry to an ``XMLKit/XMLReader``.
    /// - Returns: a reader of the sheet's rows, in order.
    /// - Throws: ``SheetError/sheetNotFound(name:available:)``; ``SheetError/archive(_:)``;
    ///   ``SheetError/missingPart(part:referencedBy:)`` if the entry is gone;
    ///   ``SheetError/xml(part:sheet:error:)`` for a hostile start of the sheet.
    public func rows(of name: String) throws(SheetError) -> SheetRowReader {
        guard let sheet = sheets.first(where: { $0.name == name }) ?? sheets.first(where: { $0.name.lowercased() == name.lowercased() })
        else { throw .sheetNotFound(name: name, available: sheetNames) }
        return try SheetRowReader(workbook: self, sheet: sheet)
    }

    /// Calls `body` with every row of the worksheet named `name`, in order.
    /// - Throws: the errors of ``rows(of:)`` and ``SheetRowReader/next()``, and whatever
    ///   `body` throws.
    public func forEachRow(of name: String, _ body: (SheetRow) throws(SheetError) -> Void) throws(SheetError) {
        let rows = try rows(of: name)
        defer { rows.close() }
        while let row = try rows.next() {
            try body(row)
        }
    }
}

extension XLSXReader: Sendable {}

/// One worksheet of a workbook.
public struct SheetInfo: Sendable, Hashable {
    /// The sheet's name, as shown on its tab.
    public var name: String
    /// The zip entry holding its XML, e.g. `xl/worksheets/sheet1.xml`.
    public var part: String
    /// Whether the sheet is hidden (`state="hidden"` or `"veryHidden"`).
    public var hidden: Bool
}

/// One pass over the zip, collecting the small parts.
private struct PackageScan {
    enum Role { case relationships, workbook, styles, sharedStrings }

    let path: String
    let limits: SheetLimits
    /// Entry names seen, by lower-cased name (OPC part names ignore case).
    var entries: [String: String] = [:]
    var contentTypes: ContentTypes?
    /// Relationships by the lower-cased name of their source part (`""`: the package); only
    /// the package's and the workbook's are kept.
    var relationships: [String: [Relationship]] = [:]
    /// The roles of parts to read in a later pass, by lower-cased name.
    var roles: [String: Role] = [:]
    var workbook: (part: String, info: WorkbookInfo)?
    var formats: (part: String, formats: CellFormats)?
    var sharedStrings: (part: String, strings: [String])?

    init(path: String, limits: SheetLimits) {
        self.path = path
        self.limits = limits
    }

    func has(_ part: String) -> Bool { entries[part.lowercased()] != nil }
    func entryName(_ part: String) -> String { entries[part.lowercased()] ?? part }

    /// The workbook part, as the package's relationships name it.
    var workbookPart: String? {
        relationships[""]?.first { $0.kind == "officeDocument" }?.target
    }

    /// What a later pass must read, by lower-cased name, with ``roles`` set for it.
    /// - Throws: ``SheetError/notAWorkbook(path:detail:)`` without `_rels/.rels`;
    ///   ``SheetError/missingPart(part:referencedBy:)`` for a named part not in the zip.
    mutating func unreadParts() throws(SheetError) -> Set<String> {
        guard relationships[""] != nil else { throw .notAWorkbook(path: path, detail: "it has no _rels/.rels") }
        guard let workbookPart else { return [] }
        guard has(workbookPart) else { throw .missingPart(part: workbookPart, referencedBy: "_rels/.rels") }
        var missing: Set<String> = []
        roles = [:]
        func need(_ part: String, _ role: Role) {
            missing.insert(part.lowercased())
            roles[part.lowercased()] = role
        }
        if workbook?.part != workbookPart.lowercased() { need(workbookPart, .workbook) }
        let relationshipsPart = PartName.relationships(of: workbookPart)
        guard let related = relationships[workbookPart.lowercased()] else {
            if has(relationshipsPart) { need(relationshipsPart, .relationships) }
            return missing
        }
        for (kind, parsed) in [("styles", formats?.part), ("sharedStrings", sharedStrings?.part)] {
            guard let part = related.first(where: { $0.kind == kind })?.target else { continue }
            guard has(part) else { throw .missingPart(part: part, referencedBy: relationshipsPart) }
            if parsed != part.lowercased() { need(part, kind == "styles" ? .styles : .sharedStrings) }
        }
        return missing
    }

    /// Reads the zip once; `only`: just these parts (lower-cased), in the ``roles`` set for them.
    mutating func read(only: Set<String>?) throws(SheetError) {
        let reader: ArchiveReader
        do {
            reader = try ArchiveReader(path: path, limits: limits.archive)
        } catch {
            throw .archive(error)
        }
        while true {
            let next: ArchiveEntry?
            do {
                next = try reader.next()
            } catch {
                throw .archive(error)
            }
            guard let entry = next else { break }
            guard entry.kind == .file else { continue }
            let key = entry.path.lowercased()
            entries[key] = entry.path
            if let only {
                guard only.contains(key), let role = roles[key] else { continue }
                try read(entry, as: role)
                continue
            }
            if entry.path == "[Content_Types].xml" {
                contentTypes = try ContentTypes(part: entry.path, bytes: readWhole(entry), limits: limits)
            } else if let role = role(of: entry.path) {
                try read(entry, as: role)
            }
        }
    }

    /// What a part is, from the relationships or the content types read so far; `nil` for
    /// the parts not needed (worksheets are read later, one at a time).
    private func role(of part: String) -> Role? {
        if let source = PartName.source(ofRelationships: part) {
            return source.isEmpty || role(of: source) == .workbook ? .relationships : nil
        }
        let key = part.lowercased()
        if let workbook = workbookPart {
            if workbook.lowercased() == key { return .workbook }
            if let related = relationships[workbook.lowercased()] {
                for relationship in related where relationship.target?.lowercased() == key {
                    if relationship.kind == "styles" { return .styles }
                    if relationship.kind == "sharedStrings" { return .sharedStrings }
                }
            }
        }
        switch contentTypes?.type(of: part) {
        case let type? where OOXML.ContentType.workbooks.contains(type): return .workbook
        case OOXML.ContentType.styles?: return .styles
        case OOXML.ContentType.sharedStrings?: return .sharedStrings
        default: return nil
        }
    }

    private mutating func read(_ entry: ArchiveEntry, as role: Role) throws(SheetError) {
        let key = entry.path.lowercased()
        switch role {
        case .relationships:
            let source = PartName.source(ofRelationships: entry.path) ?? ""
            relationships[source.lowercased()] = try parseRelationships(part: entry.path, bytes: readWhole(entry), limits: limits)
        case .workbook:
            workbook = (key, try WorkbookInfo(part: entry.path, bytes: readWhole(entry), limits: limits))
        case .styles:
            formats = (key, try CellFormats(part: entry.path, bytes: readWhole(entry), limits: limits))
        case .sharedStrings:
            let pipe = EntryPipe(entry)
            defer { pipe.close() }
            let xml = try PartParser(part: entry.path, limits: limits.streamedPartXML, source: { try pipe.read(into: $0) })
            sharedStrings = (key, try parseSharedStrings(xml, limits: limits))
        }
    }

    /// A small part's bytes, at most ``SheetLimits/maxPartSize``.
    private func readWhole(_ entry: ArchiveEntry) throws(SheetError) -> [UInt8] {
        let limit = limits.maxPartSize
        if entry.size > limit { throw .partTooLarge(part: entry.path, limit: limit) }
        var bytes: [UInt8] = []
        do {
            try entry.readData { chunk in
                if Int64(bytes.count + chunk.count) > limit { throw SheetError.partTooLarge(part: entry.path, limit: limit) }
                bytes.append(contentsOf: chunk)
            }
        } catch let error as SheetError {
            throw error
        } catch let error as ArchiveError {
            throw .archive(error)
        } catch {
            preconditionFailure("readData passes on only ArchiveError and the closure's SheetError")
        }
        return bytes
    }
}
