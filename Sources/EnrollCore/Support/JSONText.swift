import JSONSchema

/// Well-formedness checks of JSON text with the strict reader.
enum JSONText {
    /// A problem with its 1-based line and column.
    struct Problem {
        var line: Int
        var column: Int
        var message: LocalizedText
    }

    /// The first problem in `bytes` as JSON (BOM, invalid UTF-8, duplicate keys, syntax,
    /// truncation…), or nil if it is well-formed.
    static func firstProblem(_ bytes: [UInt8]) -> Problem? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch let error as JSONParseError {
            return Problem(
                line: error.location.line, column: error.location.column,
                message: LocalizedText(zh: "\(error.kind.rawValue)：\(error.message)", en: "\(error.kind.rawValue): \(error.message)"))
        } catch {
            return Problem(line: 1, column: 1, message: LocalizedText(zh: "\(error)", en: "\(error)"))
        }
    }
}
