import ArchiveKit
import XMLKit

/// Adapts XMLKit's typed errors to ``SheetError`` for one part.
///
/// A class so that passing it around costs no copies (the row loop calls it for every node).
/// Not `Sendable`: it wraps a non-Sendable ``XMLKit/XMLReader``.
final class PartParser {
    let part: String
    let sheet: String?
    let reader: XMLReader

    init(part: String, sheet: String? = nil, bytes: [UInt8], limits: XMLLimits) throws(SheetError) {
        self.part = part
        self.sheet = sheet
        do {
            reader = try XMLReader(bytes: bytes, documentName: part, limits: limits)
        } catch {
            throw .xml(part: part, sheet: sheet, error: error)
        }
    }

    init(part: String, sheet: String? = nil, limits: XMLLimits, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int)
        throws(SheetError)
    {
        self.part = part
        self.sheet = sheet
        do {
            reader = try XMLReader(documentName: part, limits: limits, source: source)
        } catch {
            throw SheetError.wrapping(error, part: part, sheet: sheet)
        }
    }

    /// ``XMLKit/XMLReader/next()``.
    @discardableResult
    func next() throws(SheetError) -> XMLNodeType? {
        do {
            return try reader.next()
        } catch {
            throw SheetError.wrapping(error, part: part, sheet: sheet)
        }
    }

    /// ``XMLKit/XMLReader/readText()``.
    func readText() throws(SheetError) -> String {
        do {
            return try reader.readText()
        } catch {
            throw SheetError.wrapping(error, part: part, sheet: sheet)
        }
    }

    /// ``XMLKit/XMLReader/skipElement()``.
    func skipElement() throws(SheetError) {
        do {
            try reader.skipElement()
        } catch {
            throw SheetError.wrapping(error, part: part, sheet: sheet)
        }
    }

    /// Whether the reader is on an element of SpreadsheetML's main namespace named `name`.
    func isMain(_ name: String) -> Bool {
        reader.nodeType == .element && reader.hasLocalName(name)
            && (reader.hasNamespace(OOXML.mainNamespace) || reader.hasNamespace(OOXML.strictMainNamespace))
    }
}

extension SheetError {
    /// An XMLKit error as a sheet error: a failure of the archive under the XML (a zip bomb
    /// found while the part streamed) is reported as itself.
    static func wrapping(_ error: XMLError, part: String, sheet: String?) -> SheetError {
        if case .sourceFailed(let cause) = error {
            if let archive = cause as? ArchiveError { return .archive(archive) }
            if let sheetError = cause as? SheetError { return sheetError }
        }
        return .xml(part: part, sheet: sheet, error: error)
    }
}

// MARK: Content types

/// `[Content_Types].xml`: the content type of each part, by name or by extension.
struct ContentTypes {
    private var overrides: [String: String] = [:]
    private var defaults: [String: String] = [:]

    /// The content type of `part` (a zip entry name such as `xl/workbook.xml`).
    func type(of part: String) -> String? {
        if let type = overrides[part.lowercased()] { return type }
        guard let dot = part.lastIndex(of: ".") else { return nil }
        return defaults[part[part.index(after: dot)...].lowercased()]
    }

    init(part: String, bytes: [UInt8], limits: SheetLimits) throws(SheetError) {
        let xml = try PartParser(part: part, bytes: bytes, limits: limits.smallPartXML)
        while let type = try xml.next() {
            guard type == .element, xml.reader.namespaceURI == OOXML.contentTypesNamespace else { continue }
            switch xml.reader.localName {
            case "Override":
                if let name = xml.reader.attribute("PartName"), let contentType = xml.reader.attribute("ContentType") {
                    overrides[PartName.normalise(PartName.percentDecoded(name)).lowercased()] = contentType
                }
            case "Default":
                if let ext = xml.reader.attribute("Extension"), let contentType = xml.reader.attribute("ContentType") {
                    defaults[ext.lowercased()] = contentType
                }
            default:
                break
            }
        }
    }
}

// MARK: Relationships

/// One relationship of a `.rels` part, its target resolved to a part name.
struct Relationship {
    var id: String
    /// The last component of the relationship type: `worksheet`, `styles`, `officeDocument` …
    var kind: String
    /// The target part (a zip entry name), or `nil` for an external target.
    var target: String?
}

/// OPC part names: zip entry names without the leading `/`.
enum PartName {
    /// The `.rels` part holding the relationships of `part` (`""` for the package):
    /// `xl/_rels/workbook.xml.rels`, `_rels/.rels`.
    static func relationships(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "_rels/\(part).rels" }
        return "\(part[..<slash])/_rels/\(part[part.index(after: slash)...]).rels"
    }

    /// The part whose relationships `relsPart` holds, or `nil` if it is no `.rels` part.
    static func source(ofRelationships relsPart: String) -> String? {
        guard relsPart.hasSuffix(".rels") else { return nil }
        let components = relsPart.split(separator: "/", omittingEmptySubsequences: false)
        guard components.count >= 2, components[components.count - 2] == "_rels" else { return nil }
        let file = components[components.count - 1].dropLast(".rels".count)
        let directory = components.dropLast(2).joined(separator: "/")
        return directory.isEmpty ? String(file) : directory + "/" + file
    }

    /// `target` resolved against the directory of `source`, with `.` and `..` removed; a
    /// target starting with `/` is taken from the package root.
    static func resolve(_ target: String, from source: String) -> String {
        let decoded = percentDecoded(target)
        if decoded.hasPrefix("/") { return normalise(decoded) }
        let directory = source.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return normalise(directory.isEmpty ? decoded : directory + "/" + decoded)
    }

    /// Removes a leading `/`, empty and `.` components, and applies `..`.
    static func normalise(_ name: String) -> String {
        var components: [Substring] = []
        for component in name.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." {
                if !components.isEmpty { components.removeLast() }
                continue
            }
            components.append(component)
        }
        return components.joined(separator: "/")
    }

    /// `%XX` escapes decoded (part names are IRIs); malformed escapes are kept as they are.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Reads a `.rels` part.
func parseRelationships(part: String, bytes: [UInt8], limits: SheetLimits) throws(SheetError) -> [Relationship] {
    let source = PartName.source(ofRelationships: part) ?? ""
    let xml = try PartParser(part: part, bytes: bytes, limits: limits.smallPartXML)
    var all: [Relationship] = []
    while let type = try xml.next() {
        guard type == .element, xml.reader.localName == "Relationship",
            xml.reader.namespaceURI == OOXML.packageRelationshipsNamespace,
            let id = xml.reader.attribute("Id"), let relationshipType = xml.reader.attribute("Type"),
            let target = xml.reader.attribute("Target")
        else { continue }
        let external = xml.reader.attribute("TargetMode") == "External"
        all.append(
            Relationship(
                id: id, kind: OOXML.RelationshipType.kind(relationshipType),
                target: external ? nil : PartName.resolve(target, from: source)))
    }
    return all
}

// MARK: Workbook

/// What `xl/workbook.xml` says: the sheets in order, and the date system.
struct WorkbookInfo {
    struct Sheet {
        var name: String
        var relationshipID: String
        var hidden: Bool
    }

    var sheets: [Sheet] = []
    var date1904 = false

    init(part: String, bytes: [UInt8], limits: SheetLimits) throws(SheetError) {
        let xml = try PartParser(part: part, bytes: bytes, limits: limits.smallPartXML)
        while try xml.next() != nil {
            if xml.isMain("workbookPr") {
                let value = xml.reader.attribute("date1904")
                date1904 = value == "1" || value == "true"
            } else if xml.isMain("sheet") {
                guard let name = xml.reader.attribute("name"),
                    let id = xml.reader.attributes.first(where: { $0.localName == "id" && OOXML.isRelationships($0.namespaceURI) })?.value
                else { continue }
                if sheets.count == limits.maxSheets { throw .tooManySheets(limit: limits.maxSheets) }
                let state = xml.reader.attribute("state")
                sheets.append(Sheet(name: name, relationshipID: id, hidden: state == "hidden" || state == "veryHidden"))
            }
        }
    }
}

// MARK: Styles

/// Which cell formats of `xl/styles.xml` show numbers as dates.
struct CellFormats {
    /// Indexed by a cell's `s` attribute.
    var isDate: [Bool] = []

    init() {}

    init(part: String, bytes: [UInt8], limits: SheetLimits) throws(SheetError) {
        let xml = try PartParser(part: part, bytes: bytes, limits: limits.smallPartXML)
        var customFormats: [Int: String] = [:]
        var formatIDs: [Int] = []
        var inCellFormats = false
        while let type = try xml.next() {
            if xml.isMain("numFmt"), let id = xml.reader.attribute("numFmtId").flatMap({ Int($0) }) {
                if customFormats.count == limits.maxCellFormats { throw .tooManyCellFormats(limit: limits.maxCellFormats) }
                customFormats[id] = xml.reader.attribute("formatCode") ?? ""
            } else if xml.isMain("cellXfs") {
                inCellFormats = !xml.reader.isEmptyElement
            } else if type == .endElement, xml.reader.localName == "cellXfs" {
                inCellFormats = false
            } else if inCellFormats, xml.isMain("xf") {
                if formatIDs.count == limits.maxCellFormats { throw .tooManyCellFormats(limit: limits.maxCellFormats) }
                formatIDs.append(xml.reader.attribute("numFmtId").flatMap { Int($0) } ?? 0)
            }
        }
        isDate = formatIDs.map { id in
            if let code = customFormats[id] { return Self.isDateFormat(code) }
            return Self.builtInDateFormats.contains(id)
        }
    }

    /// Built-in number formats that show dates or times: 14–22 and 45–47 everywhere, and
    /// 27–36 and 50–58, which are dates in Chinese, Japanese and Korean Excel (e.g. 31 is
    /// `yyyy"年"m"月"d"日"` in zh-CN).
    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(45...47).union(50...58)

    /// Whether a custom format code shows a date or time: its first section has `y`, `m`,
    /// `d`, `h` or `s` outside quoted text, escapes and `[…]` sections (`[Red]`, `[$-804]`,
    /// elapsed `[h]`, which is a duration, not a date).
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false
        var inBracket = false
        var bracket = ""
        var escaped = false
        for character in code {
            if escaped {
                escaped = false
                continue
            }
            if inQuote {
                if character == "\"" { inQuote = false }
                continue
            }
            if inBracket {
                if character == "]" {
                    inBracket = false
                    // Elapsed time: a duration, shown as a number of hours, not a date.
                    if !bracket.isEmpty && bracket.lowercased().allSatisfy({ "hms".contains($0) }) { return false }
                } else {
                    bracket.append(character)
                }
                continue
            }
            switch character {
            case "\\", "_", "*": escaped = true
            case "\"": inQuote = true
            case "[":
                inBracket = true
                bracket = ""
            case ";": return false
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S":
                return true
            default: continue
            }
        }
        return false
    }
}

// MARK: Shared strings

/// `xl/sharedStrings.xml`: the strings cells of type `s` point to, streamed in and checked
/// against the limits as they arrive.
func parseSharedStrings(_ xml: PartParser, limits: SheetLimits) throws(SheetError) -> [String] {
    var strings: [String] = []
    var bytes = 0
    while try xml.next() != nil {
        if xml.isMain("sst") {
            // A declared count beyond the limit is refused before anything is read.
            if let unique = xml.reader.attribute("uniqueCount").flatMap({ Int($0) }), unique > limits.maxSharedStrings {
                throw .tooManySharedStrings(limit: limits.maxSharedStrings)
            }
        } else if xml.isMain("si") {
            if strings.count == limits.maxSharedStrings { throw .tooManySharedStrings(limit: limits.maxSharedStrings) }
            let text = try readRichText(xml, limit: limits.maxCellTextBytes)
            bytes += text.utf8.count
            if bytes > limits.maxSharedStringBytes { throw .sharedStringsTooLarge(limit: limits.maxSharedStringBytes) }
            strings.append(CellText.unescape(text))
        }
    }
    return strings
}

/// The text of a string item (`<si>` or `<is>`): its `<t>`, or its runs' `<t>`s joined;
/// phonetic runs (`<rPh>`) and run properties are left out. The reader ends on the item's
/// end tag.
func readRichText(_ xml: PartParser, limit: Int) throws(SheetError) -> String {
    if xml.reader.isEmptyElement { return "" }
    let depth = xml.reader.depth
    var text = ""
    while let type = try xml.next() {
        if type == .endElement && xml.reader.depth == depth { return text }
        guard type == .element else { continue }
        if xml.isMain("t") {
            text += try xml.readText()
            if text.utf8.count > limit {
                throw .xml(
                    part: xml.part, sheet: xml.sheet,
                    error: .limitExceeded(.textSize, limit: Int64(limit), line: xml.reader.line, column: xml.reader.column))
            }
        } else if xml.isMain("r") {
            continue
        } else {
            try xml.skipElement()
        }
    }
    return text
}
