/// The decoded text of one BagIt tag file, split into numbered lines.
///
/// RFC 8493 lets tag-file lines end in LF, CR or CRLF; tag files are UTF-8 unless `bagit.txt`
/// declares another encoding, and must not begin with a byte-order mark. Decoding reports
/// those problems as diagnostics instead of stopping, so a validator can go on and report the
/// rest of the bag too.
struct TagFileText {
    /// One line of a tag file, without its terminator.
    struct Line {
        /// The 1-based line number.
        var number: Int
        /// The text of the line.
        var text: String
    }

    /// The lines, in order.
    var lines: [Line]
    /// Encoding problems found while decoding.
    var diagnostics: [Diagnostic]

    /// Decodes a tag file's bytes.
    /// - Parameters:
    ///   - bytes: The raw content.
    ///   - file: The tag file's path inside the bag, for locations.
    ///   - encoding: The declared `Tag-File-Character-Encoding` (only UTF-8 and ISO-8859-1 are
    ///     understood; anything else is reported).
    init(bytes: [UInt8], file: String, encoding: String = "UTF-8") {
        diagnostics = []
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) {
            diagnostics.append(.error(
                .bagBom, Location(file: file, line: 1, column: 1),
                zh: "标签文件以字节顺序标记（BOM）开头，BagIt 不允许。请去掉 BOM 后重新保存（UTF-8 无 BOM）。",
                en: "The tag file starts with a byte-order mark (BOM), which BagIt forbids. Save it again as UTF-8 without a BOM."))
            content = content.dropFirst(3)
        } else if content.starts(with: [0xFF, 0xFE]) || content.starts(with: [0xFE, 0xFF]) {
            diagnostics.append(.error(
                .bagBom, Location(file: file, line: 1, column: 1),
                zh: "标签文件以 UTF-16 字节顺序标记开头。BagIt 标签文件应为 UTF-8 无 BOM。",
                en: "The tag file starts with a UTF-16 byte-order mark. BagIt tag files should be UTF-8 without a BOM."))
        }

        let text: String
        switch encoding.uppercased() {
        case "UTF-8", "UTF8":
            if let valid = String(validating: content, as: UTF8.self) {
                text = valid
            } else {
                let (line, column) = Self.firstInvalidUTF8(content)
                diagnostics.append(.error(
                    .bagEncoding, Location(file: file, line: line, column: column),
                    zh: "标签文件不是有效的 UTF-8 文本。请用 UTF-8 编码重新保存。",
                    en: "The tag file is not valid UTF-8. Save it again encoded as UTF-8."))
                text = String(decoding: content, as: UTF8.self)
            }
        case "ISO-8859-1", "ISO8859-1", "LATIN-1", "LATIN1":
            text = String(content.map { Character(Unicode.Scalar($0)) })
        default:
            diagnostics.append(.error(
                .bagEncodingUnsupported, Location(file: file),
                zh: "不支持声明的标签文件编码“\(encoding)”。请使用 UTF-8。",
                en: "The declared tag-file encoding \"\(encoding)\" is not supported. Use UTF-8."))
            text = String(decoding: content, as: UTF8.self)
        }

        lines = []
        var number = 1
        var current = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousWasCR {
                    lines.append(Line(number: number, text: current))
                    number += 1
                    current = ""
                }
                previousWasCR = false
            } else if scalar == "\r" {
                lines.append(Line(number: number, text: current))
                number += 1
                current = ""
                previousWasCR = true
            } else {
                current.unicodeScalars.append(scalar)
                previousWasCR = false
            }
        }
        if !current.isEmpty { lines.append(Line(number: number, text: current)) }
    }

    /// Line and column (1-based, in bytes) of the first byte that breaks UTF-8.
    private static func firstInvalidUTF8(_ bytes: ArraySlice<UInt8>) -> (Int, Int) {
        var line = 1
        var lineStart = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            let length: Int
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, index - lineStart + 1)
            }
            if index + length > bytes.endIndex
                || String(validating: bytes[index..<(index + length)], as: UTF8.self) == nil
            {
                return (line, index - lineStart + 1)
            }
            if byte == 0x0A {
                line += 1
                lineStart = index + 1
            }
            index += length
        }
        return (line, 1)
    }
}
