/// The decoded text of one BagIt tag file, split into numbered lines.
///
/// RFC 8493 lets tag-file lines end in LF, CR or CRLF; tag files are in the encoding `bagit.txt`
/// declares (UTF-8, UTF-16, or any other IANA name this platform decodes). Decoding reports
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

    /// How a UTF-8 byte-order mark at the start of a tag file is reported.
    enum ByteOrderMarkRule {
        /// An error: RFC 8493 §2.1.1 (and 0.97) forbid it in `bagit.txt`; enroll's bundles
        /// never have one.
        case error
        /// A warning: the mark is removed and the file read (other tag files, older versions).
        case warning
    }

    /// Decodes a tag file's bytes.
    /// - Parameters:
    ///   - bytes: The raw content.
    ///   - file: The tag file's path inside the bag, for locations.
    ///   - encoding: The declared `Tag-File-Character-Encoding`, already resolved.
    ///   - byteOrderMark: How a UTF-8 byte-order mark is reported.
    init(bytes: [UInt8], file: String, encoding: TagFileEncoding = .utf8, byteOrderMark: ByteOrderMarkRule = .error) {
        diagnostics = []
        let content = bytes[...]
        if encoding.isUTF8, content.starts(with: [0xFF, 0xFE]) || content.starts(with: [0xFE, 0xFF]) {
            diagnostics.append(.error(
                .bagBom, Location(file: file, line: 1, column: 1),
                zh: "标签文件以 UTF-16 字节顺序标记开头，但 bagit.txt 声明的编码是 UTF-8。请按声明的编码重新保存，或在 bagit.txt 中声明 UTF-16。",
                en: "The tag file starts with a UTF-16 byte-order mark, but bagit.txt declares UTF-8. Save it again in the declared encoding, or declare UTF-16 in bagit.txt."))
        }
        let decoded = encoding.decode(content)
        if encoding.isUTF8 && decoded.hadByteOrderMark {
            switch byteOrderMark {
            case .error:
                diagnostics.append(.error(
                    .bagBom, Location(file: file, line: 1, column: 1),
                    zh: "标签文件以字节顺序标记（BOM）开头，BagIt 不允许。请去掉 BOM 后重新保存（UTF-8 无 BOM）。",
                    en: "The tag file starts with a byte-order mark (BOM), which BagIt forbids. Save it again as UTF-8 without a BOM."))
            case .warning:
                diagnostics.append(.warning(
                    .bagBomIgnored, Location(file: file, line: 1, column: 1),
                    zh: "UTF-8 标签文件以不必要的字节顺序标记（BOM）开头，已忽略。建议保存为无 BOM 的 UTF-8。",
                    en: "The UTF-8 tag file starts with an unnecessary byte-order mark (BOM); it was ignored. Save it as UTF-8 without a BOM."))
            }
        }
        let text = decoded.text
        if !decoded.isValid {
            if encoding.isUTF8 {
                let (line, column) = Self.firstInvalidUTF8(decoded.hadByteOrderMark ? content.dropFirst(3) : content)
                diagnostics.append(.error(
                    .bagEncoding, Location(file: file, line: line, column: column),
                    zh: "标签文件不是有效的 UTF-8 文本。请用 UTF-8 编码重新保存。",
                    en: "The tag file is not valid UTF-8. Save it again encoded as UTF-8."))
            } else {
                diagnostics.append(.error(
                    .bagEncoding, Location(file: file),
                    zh: "标签文件不是有效的 \(encoding.declaredName) 文本（bagit.txt 声明的编码）。请按声明的编码重新保存，或更正声明。",
                    en: "The tag file is not valid \(encoding.declaredName) text (the encoding bagit.txt declares). Save it again in that encoding, or correct the declaration."))
            }
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
