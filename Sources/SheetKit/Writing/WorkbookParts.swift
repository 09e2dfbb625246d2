import XMLKit

/// The small, fixed parts of a workbook package, generated in memory when it is committed.
enum WorkbookParts {
    /// What the package needs to know about one finished sheet.
    struct SheetEntry {
        var name: String
        /// `xl/worksheets/sheet1.xml`.
        var partName: String
        var columnCount: Int
        /// Rows written, the header included.
        var rowCount: Int
    }

    /// Cell formats (`cellXfs` indexes) the writer uses.
    enum Style {
        /// General: numbers and booleans.
        static let general = "0"
        /// Text (`@`, number format 49): inline strings, so a person editing in Excel keeps text.
        static let text = "1"
        /// A date, `yyyy-mm-dd` (custom number format 164).
        static let date = "2"
        /// The header row: bold text.
        static let header = "3"
        /// A date with a time of day, `yyyy-mm-dd hh:mm:ss` (custom number format 165).
        static let dateTime = "4"
    }

    /// Builds one XML document in memory.
    static func document(_ build: (XMLWriter) throws(XMLError) -> Void) throws(XMLError) -> [UInt8] {
        let collected = Collected()
        let writer = try XMLWriter(sink: { collected.bytes.append(contentsOf: $0) })
        try writer.startDocument()
        try build(writer)
        try writer.endDocument()
        return collected.bytes
    }

    private final class Collected {
        var bytes: [UInt8] = []
    }

    /// `[Content_Types].xml`.
    static func contentTypes(_ sheets: [SheetEntry]) throws(XMLError) -> [UInt8] {
        try document { (xml) throws(XMLError) in
            try xml.startElement("Types")
            try xml.attribute("xmlns", OOXML.contentTypesNamespace)
            try xml.element("Default", attributes: [("Extension", "rels"), ("ContentType", OOXML.ContentType.relationships)])
            try xml.element("Default", attributes: [("Extension", "xml"), ("ContentType", OOXML.ContentType.xml)])
            try xml.element("Override", attributes: [("PartName", "/xl/workbook.xml"), ("ContentType", OOXML.ContentType.workbook)])
            for sheet in sheets {
                try xml.element("Override", attributes: [("PartName", "/" + sheet.partName), ("ContentType", OOXML.ContentType.worksheet)])
            }
            try xml.element("Override", attributes: [("PartName", "/xl/styles.xml"), ("ContentType", OOXML.ContentType.styles)])
            try xml.endElement()
        }
    }

    /// `_rels/.rels`: the package's one relationship, to the workbook.
    static func packageRelationships() throws(XMLError) -> [UInt8] {
        try document { (xml) throws(XMLError) in
            try xml.startElement("Relationships")
            try xml.attribute("xmlns", OOXML.packageRelationshipsNamespace)
            try xml.element(
                "Relationship",
                attributes: [("Id", "rId1"), ("Type", OOXML.RelationshipType.officeDocument), ("Target", "xl/workbook.xml")])
            try xml.endElement()
        }
    }

    /// `xl/_rels/workbook.xml.rels`: `rId1` … `rIdN` for the sheets, then the styles.
    static func workbookRelationships(_ sheets: [SheetEntry]) throws(XMLError) -> [UInt8] {
        try document { (xml) throws(XMLError) in
            try xml.startElement("Relationships")
            try xml.attribute("xmlns", OOXML.packageRelationshipsNamespace)
            for (index, sheet) in sheets.enumerated() {
                try xml.element(
                    "Relationship",
                    attributes: [
                        ("Id", "rId\(index + 1)"), ("Type", OOXML.RelationshipType.worksheet),
                        ("Target", String(sheet.partName.dropFirst("xl/".count))),
                    ])
            }
            try xml.element(
                "Relationship",
                attributes: [("Id", "rId\(sheets.count + 1)"), ("Type", OOXML.RelationshipType.styles), ("Target", "styles.xml")])
            try xml.endElement()
        }
    }

    /// `xl/workbook.xml`: the sheets in order, and each sheet's filter range as the hidden
    /// defined name `_xlnm._FilterDatabase`, as Excel itself records it.
    static func workbook(_ sheets: [SheetEntry]) throws(XMLError) -> [UInt8] {
        try document { (xml) throws(XMLError) in
            try xml.startElement("workbook")
            try xml.attribute("xmlns", OOXML.mainNamespace)
            try xml.attribute("xmlns:r", OOXML.relationshipsNamespace)
            try xml.element("workbookPr")
            try xml.startElement("bookViews")
            try xml.element("workbookView", attributes: [("activeTab", "0")])
            try xml.endElement()
            try xml.startElement("sheets")
            for (index, sheet) in sheets.enumerated() {
                try xml.element(
                    "sheet", attributes: [("name", sheet.name), ("sheetId", "\(index + 1)"), ("r:id", "rId\(index + 1)")])
            }
            try xml.endElement()
            try xml.startElement("definedNames")
            for (index, sheet) in sheets.enumerated() {
                let last = CellRef.columnName(sheet.columnCount - 1)
                try xml.element(
                    "definedName",
                    attributes: [("name", "_xlnm._FilterDatabase"), ("localSheetId", "\(index)"), ("hidden", "1")],
                    text: "\(SheetName.quoted(sheet.name))!$A$1:$\(last)$\(max(sheet.rowCount, 1))")
            }
            try xml.endElement()
            try xml.endElement()
        }
    }

    /// `xl/styles.xml`: the five cell formats of ``Style``.
    static func styles() throws(XMLError) -> [UInt8] {
        try document { (xml) throws(XMLError) in
            try xml.startElement("styleSheet")
            try xml.attribute("xmlns", OOXML.mainNamespace)
            try xml.startElement("numFmts")
            try xml.attribute("count", "2")
            try xml.element("numFmt", attributes: [("numFmtId", "164"), ("formatCode", "yyyy\\-mm\\-dd")])
            try xml.element("numFmt", attributes: [("numFmtId", "165"), ("formatCode", "yyyy\\-mm\\-dd\\ hh:mm:ss")])
            try xml.endElement()
            try xml.startElement("fonts")
            try xml.attribute("count", "2")
            for bold in [false, true] {
                try xml.startElement("font")
                if bold { try xml.element("b") }
                try xml.element("sz", attributes: [("val", "11")])
                try xml.element("name", attributes: [("val", "Calibri")])
                try xml.element("family", attributes: [("val", "2")])
                try xml.endElement()
            }
            try xml.endElement()
            try xml.startElement("fills")
            try xml.attribute("count", "2")
            for pattern in ["none", "gray125"] {
                try xml.startElement("fill")
                try xml.element("patternFill", attributes: [("patternType", pattern)])
                try xml.endElement()
            }
            try xml.endElement()
            try xml.startElement("borders")
            try xml.attribute("count", "1")
            try xml.startElement("border")
            for side in ["left", "right", "top", "bottom", "diagonal"] { try xml.element(side) }
            try xml.endElement()
            try xml.endElement()
            try xml.startElement("cellStyleXfs")
            try xml.attribute("count", "1")
            try xml.element("xf", attributes: [("numFmtId", "0"), ("fontId", "0"), ("fillId", "0"), ("borderId", "0")])
            try xml.endElement()
            try xml.startElement("cellXfs")
            try xml.attribute("count", "5")
            // The order is Style's: general, text, date, header, date and time.
            let formats: [(numFmt: String, font: String)] = [("0", "0"), ("49", "0"), ("164", "0"), ("49", "1"), ("165", "0")]
            for format in formats {
                var attributes = [("numFmtId", format.numFmt), ("fontId", format.font), ("fillId", "0"), ("borderId", "0"), ("xfId", "0")]
                if format.numFmt != "0" { attributes.append(("applyNumberFormat", "1")) }
                if format.font != "0" { attributes.append(("applyFont", "1")) }
                try xml.element("xf", attributes: attributes)
            }
            try xml.endElement()
            try xml.startElement("cellStyles")
            try xml.attribute("count", "1")
            try xml.element("cellStyle", attributes: [("name", "Normal"), ("xfId", "0"), ("builtinId", "0")])
            try xml.endElement()
            try xml.endElement()
        }
    }
}
