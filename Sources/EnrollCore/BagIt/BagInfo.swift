/// The metadata of a bag: the labelled lines of `bag-info.txt`.
///
/// Labels keep their order and may repeat, as RFC 8493 allows; they are compared without regard
/// to case. Long values continue on lines that begin with whitespace.
public struct BagInfo: Hashable {
    /// One `Label: value` element.
    public struct Field: Hashable, Sendable {
        /// The label, as written.
        public var label: String
        /// The value, with continuation lines joined by a single space.
        public var value: String
        /// The 1-based line the field starts on (0 for a field not read from a file).
        public var line: Int
    }

    /// The fields in file order.
    public var fields: [Field]

    /// Creates metadata from label–value pairs.
    public init(_ pairs: [(String, String)] = []) {
        fields = pairs.map { Field(label: $0.0, value: $0.1, line: 0) }
    }

    /// All values of a label.
    public func values(_ label: String) -> [String] {
        let key = label.lowercased()
        return fields.filter { $0.label.lowercased() == key }.map(\.value)
    }

    /// The first value of a label, or nil.
    public subscript(_ label: String) -> String? {
        let key = label.lowercased()
        return fields.first { $0.label.lowercased() == key }?.value
    }

    /// The field (with its line) of a label, or nil.
    public func field(_ label: String) -> Field? {
        let key = label.lowercased()
        return fields.first { $0.label.lowercased() == key }
    }

    /// Sets a label to these values (one field each, in order), replacing any it had; the
    /// first takes the place of the label's first field, the others follow it.
    public mutating func setAll(_ label: String, _ values: [String]) {
        let key = label.lowercased()
        guard let first = values.first else {
            fields.removeAll { $0.label.lowercased() == key }
            return
        }
        set(label, first)
        let index = fields.firstIndex { $0.label.lowercased() == key }!
        fields.insert(contentsOf: values.dropFirst().map { Field(label: label, value: $0, line: 0) }, at: index + 1)
    }

    /// Sets a label to one value, replacing any values it had (kept in place) or appending it.
    public mutating func set(_ label: String, _ value: String?) {
        let key = label.lowercased()
        guard let value else {
            fields.removeAll { $0.label.lowercased() == key }
            return
        }
        if let index = fields.firstIndex(where: { $0.label.lowercased() == key }) {
            fields[index].value = value
            var seen = false
            fields.removeAll { field in
                guard field.label.lowercased() == key else { return false }
                defer { seen = true }
                return seen
            }
        } else {
            fields.append(Field(label: label, value: value, line: 0))
        }
    }

    /// Parses `bag-info.txt` (`package-info.txt` before 0.96).
    /// - Parameters:
    ///   - text: The decoded file.
    ///   - file: Its path, for locations.
    ///   - version: The bag's version. RFC 8493 §2.2.2 requires a label without leading or
    ///     trailing whitespace and a space or tab after the colon; older versions did not, and
    ///     their bags get a warning instead of an error.
    /// - Returns: The metadata and any problems with its lines.
    static func parse(_ text: TagFileText, file: String, version: BagItVersion = .rfc8493) -> (BagInfo, [Diagnostic]) {
        var info = BagInfo()
        var diagnostics = text.diagnostics
        for line in text.lines {
            let location = Location(file: file, line: line.number)
            if line.text.first == " " || line.text.first == "\t" {
                if info.fields.isEmpty {
                    diagnostics.append(.error(
                        .bagInfoMalformed, location,
                        zh: "bag-info.txt 的第一行不能是续行（以空白开头）。",
                        en: "The first line of bag-info.txt cannot be a continuation (it starts with whitespace)."))
                } else {
                    let more = line.text.trimmingCharacters(in: [" ", "\t"])
                    info.fields[info.fields.count - 1].value += " " + more
                }
                continue
            }
            if line.text.isEmpty {
                diagnostics.append(.warning(
                    .bagInfoBlankLine, location,
                    zh: "bag-info.txt 中有空行，已忽略。", en: "bag-info.txt has a blank line; it was ignored."))
                continue
            }
            guard let colon = line.text.firstIndex(of: ":") else {
                diagnostics.append(.error(
                    .bagInfoMalformed, location,
                    zh: "bag-info.txt 行格式错误：应为“标签: 值”。",
                    en: "Malformed bag-info.txt line: expected \"Label: value\"."))
                continue
            }
            var label = String(line.text[..<colon])
            let trimmedLabel = label.trimmingCharacters(in: [" ", "\t"])
            if trimmedLabel.isEmpty {
                diagnostics.append(.error(
                    .bagInfoMalformed, location,
                    zh: "标签为空。", en: "The label is empty."))
                continue
            }
            if label != trimmedLabel {
                if version.isRFC8493 {
                    diagnostics.append(.error(
                        .bagInfoMalformed, location,
                        zh: "标签“\(label)”末尾有空白；BagIt 1.0（RFC 8493 §2.2.2）不允许。",
                        en: "The label \"\(label)\" ends in whitespace, which BagIt 1.0 (RFC 8493 §2.2.2) forbids."))
                    continue
                }
                diagnostics.append(.warning(
                    .bagInfoLabelWhitespace, location,
                    zh: "标签“\(label)”末尾有空白（BagIt \(version) 允许），按“\(trimmedLabel)”读取。",
                    en: "The label \"\(label)\" ends in whitespace (BagIt \(version) allows it); it is read as \"\(trimmedLabel)\"."))
                label = trimmedLabel
            }
            let rest = line.text[line.text.index(after: colon)...]
            if version.isRFC8493, let first = rest.first, first != " " && first != "\t" {
                diagnostics.append(.error(
                    .bagInfoMalformed, location,
                    zh: "“\(label):”后面缺少空格；BagIt 1.0（RFC 8493 §2.2.2）要求冒号后有一个空格或制表符。",
                    en: "No space after \"\(label):\"; BagIt 1.0 (RFC 8493 §2.2.2) requires a space or tab after the colon."))
                continue
            }
            let value = String(rest).trimmingCharacters(in: [" ", "\t"])
            info.fields.append(Field(label: label, value: value, line: line.number))
        }
        return (info, diagnostics)
    }

    /// The file content: one `Label: value` line per field, LF-terminated, UTF-8.
    func rendered() -> [UInt8] {
        Array(fields.map { "\($0.label): \($0.value)\n" }.joined().utf8)
    }
}

extension BagInfo: Sendable {}

extension String {
    /// This string without leading and trailing characters from `set`.
    func trimmingCharacters(in set: Set<Character>) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }), let last = lastIndex(where: { !set.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
