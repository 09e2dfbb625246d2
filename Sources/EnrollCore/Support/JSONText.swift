import Foundation

/// Quick well-formedness checks of JSON text.
enum JSONText {
    /// A problem with its 1-based line and column.
    struct Problem {
        var line: Int
        var column: Int
        var message: LocalizedText
    }

    /// The first problem in `bytes` as JSON, or nil if it is well-formed UTF-8 JSON without a BOM.
    static func firstProblem(_ bytes: [UInt8]) -> Problem? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Problem(line: 1, column: 1, message: LocalizedText(zh: "文件以 BOM 开头", en: "the file starts with a BOM"))
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            return Problem(line: 1, column: 1, message: LocalizedText(zh: "不是有效的 UTF-8", en: "it is not valid UTF-8"))
        }
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            return nil
        } catch {
            return Problem(line: 1, column: 1, message: LocalizedText(zh: "语法错误", en: "syntax error"))
        }
    }
}
