import ArchiveKit
import Foundation
import Testing

@testable import SheetKit

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = #function) throws {
        let safe = label.filter { $0.isLetter || $0.isNumber }
        path = FileManager.default.temporaryDirectory.path + "/sheetkit-\(safe)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Runs `script` with python3 and returns what it printed. Fails the test (does not skip)
/// when python3 or a module it imports is missing, or the script fails.
func runPython(_ script: String, _ arguments: [String] = []) throws -> String {
    // The python3 on PATH first: it is the one scripts/setup.sh installs openpyxl for.
    let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/python3" }
        + ["/usr/bin/python3", "/usr/local/bin/python3"]
    let python = try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) }, "python3 is needed (scripts/setup.sh installs it)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script] + arguments
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let printed = output.fileHandleForReading.readDataToEndOfFile()
    let complaints = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: printed, as: UTF8.self)
    try #require(
        process.terminationStatus == 0,
        "python3 failed (\(process.terminationStatus)); is openpyxl installed (scripts/setup.sh)?\n\(String(decoding: complaints, as: UTF8.self))")
    return text
}

/// Decodes the JSON a Python script printed.
func json(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(text)")
}

/// Writes a zip with the given entries (in order), for hand-made and hostile workbooks.
func writeZip(_ path: String, _ entries: [(String, String)]) throws {
    let writer = try ArchiveWriter(creatingAt: path, format: .zip)
    for (name, text) in entries { try writer.addData(name, Array(text.utf8)) }
    try writer.commit()
}

/// The parts of a minimal valid workbook with one sheet named `sheet` whose `sheetData`
/// holds `rows`; `sharedStrings` adds a shared strings part. Replace any part to make it hostile.
func minimalWorkbook(
    sheet: String = "Sheet1", rows: String, sharedStrings: String? = nil, workbook: String? = nil, styles: String? = nil
) -> [(String, String)] {
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    var types = """
        <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
        <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
        """
    var workbookRels = """
        <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="\(rel)/worksheet" Target="worksheets/sheet1.xml"/>
        """
    if sharedStrings != nil {
        types += #"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        workbookRels += #"<Relationship Id="rId2" Type="\#(rel)/sharedStrings" Target="sharedStrings.xml"/>"#
    }
    if styles != nil {
        types += #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
        workbookRels += #"<Relationship Id="rId3" Type="\#(rel)/styles" Target="styles.xml"/>"#
    }
    types += "</Types>"
    workbookRels += "</Relationships>"
    var parts: [(String, String)] = [
        ("[Content_Types].xml", types),
        (
            "_rels/.rels",
            """
            <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """
        ),
        (
            "xl/workbook.xml",
            workbook
                ?? """
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="\(main)" xmlns:r="\(rel)">\
                <sheets><sheet name="\(sheet)" sheetId="1" r:id="rId1"/></sheets></workbook>
                """
        ),
        ("xl/_rels/workbook.xml.rels", workbookRels),
        (
            "xl/worksheets/sheet1.xml",
            """
            <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="\(main)"><sheetData>\(rows)</sheetData></worksheet>
            """
        ),
    ]
    if let sharedStrings {
        parts.append(("xl/sharedStrings.xml", #"<?xml version="1.0" encoding="UTF-8"?>"# + sharedStrings))
    }
    if let styles {
        parts.append(("xl/styles.xml", #"<?xml version="1.0" encoding="UTF-8"?>"# + styles))
    }
    return parts
}

/// Every row of `sheet`, read to the end.
func allRows(_ path: String, sheet: String, limits: SheetLimits = .default) throws(SheetError) -> [SheetRow] {
    let workbook = try XLSXReader(path: path, limits: limits)
    var rows: [SheetRow] = []
    try workbook.forEachRow(of: sheet) { rows.append($0) }
    return rows
}

/// The error reading every row of `sheet` of `path` raises, or `nil`.
func readingError(_ path: String, sheet: String = "Sheet1", limits: SheetLimits = .default) -> SheetError? {
    do {
        _ = try allRows(path, sheet: sheet, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// Fake resident ID numbers with valid check digits (GB 11643-1999): region 230109 (a fake
/// district code used in tests), the birth date, a sequence number.
func fakeResidentID(birth: (Int, Int, Int), sequence: Int) -> String {
    let body = String(format: "230109%04d%02d%02d%03d", birth.0, birth.1, birth.2, sequence % 1000)
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
    let check = Array("10X98765432")[sum % 11]
    return body + String(check)
}
