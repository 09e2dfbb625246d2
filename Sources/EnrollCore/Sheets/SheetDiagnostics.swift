import ArchiveKit
import SheetKit

extension EnrollError {
    /// A spreadsheet problem as the CLI reports it: SheetKit's own dotted code (`sheet.not-text`,
    /// one of the `sheet.<problem>` family), the workbook as the file and `sheet!cell` (Excel's
    /// notation, `学校!C7`) or the package part as the entry, and SheetKit's messages in both
    /// languages, which say what is wrong, where, and what to do.
    ///
    /// A file that exists where a workbook is to be written, or a failure to write, is an I/O
    /// problem (exit 2); everything about a workbook's content exits 1.
    /// - Parameters:
    ///   - error: What SheetKit threw.
    ///   - path: The workbook read or written.
    public static func sheet(_ error: SheetError, path: String) -> EnrollError {
        var location = Location(file: path)
        if let sheet = error.sheet {
            location.entry = error.cell.map { "\(sheet)!\($0)" } ?? sheet
        } else if let part = error.part {
            location.entry = part
        }
        switch error {
        case .archive(.targetExists):
            return .io(
                .ioExists, location, zh: "“\(path)”已存在，不会覆盖。请换一个输出文件名。",
                en: "\(path) already exists and will not be overwritten. Choose another output file.")
        case .archive(.io), .io:
            return .io(.ioFailed, location, zh: error.zh, en: error.en)
        default:
            return .invalid(DiagnosticCode(rawValue: error.code.rawValue), location, zh: error.zh, en: error.en)
        }
    }
}
