/// Names from ECMA-376 (Office Open XML) that a workbook package uses.
///
/// Both the transitional names (what Excel, LibreOffice and openpyxl write) and the strict
/// ones (Excel's "Strict Open XML Spreadsheet") are recognised when reading; the transitional
/// ones are written.
enum OOXML {
    /// SpreadsheetML's main namespace (transitional).
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    /// SpreadsheetML's main namespace (strict).
    static let strictMainNamespace = "http://purl.oclc.org/ooxml/spreadsheetml/main"
    /// The namespace of `r:id` attributes (transitional).
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    /// The namespace of `r:id` attributes (strict).
    static let strictRelationshipsNamespace = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    /// The namespace of `.rels` parts (the same in both flavours).
    static let packageRelationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    /// The namespace of `[Content_Types].xml`.
    static let contentTypesNamespace = "http://schemas.openxmlformats.org/package/2006/content-types"

    static func isMain(_ namespace: String?) -> Bool {
        namespace == mainNamespace || namespace == strictMainNamespace
    }

    static func isRelationships(_ namespace: String?) -> Bool {
        namespace == relationshipsNamespace || namespace == strictRelationshipsNamespace
    }

    /// Relationship types, written transitional; read by their last path component, which
    /// both flavours share.
    enum RelationshipType {
        static let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
        static let worksheet = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
        static let styles = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
        static let sharedStrings = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"

        /// `worksheet` for either flavour of the worksheet relationship type.
        static func kind(_ type: String) -> String {
            String(type.split(separator: "/").last ?? "")
        }
    }

    /// Content types of the parts a reader looks for or a writer writes.
    enum ContentType {
        static let relationships = "application/vnd.openxmlformats-package.relationships+xml"
        static let xml = "application/xml"
        static let workbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
        static let worksheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        static let styles = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
        static let sharedStrings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

        /// Main parts of the workbook flavours a reader accepts: plain, macro-enabled (its
        /// macros are never run: only cells are read) and template.
        static let workbooks: Set<String> = [
            workbook,
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
            "application/vnd.ms-excel.template.macroEnabled.main+xml",
        ]
    }
}
