import JSONSchema

/// The few conveniences the generator needs on top of the engine's `JSONValue`.
extension JSONValue {
    /// An object from ordered key–value pairs (the order is kept when written).
    static func fields(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject(pairs))
    }

    /// Parses JSON strictly.
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// The value at an RFC 6901 pointer, or nil.
    public func at(pointer: String) -> JSONValue? {
        (try? JSONPointer(parsing: pointer)).flatMap { value(at: $0) }
    }

    /// The value as an `Int`, when it is an integer that fits.
    var intValue: Int? { numberValue?.intValue }

    /// Pretty-printed UTF-8 (two-space indent, keys in their order, Chinese unescaped), ending
    /// with a newline — how a registrar's form.json reads.
    public func prettyPrintedBytes() -> [UInt8] {
        var out = ""
        write(into: &out, indent: 0)
        out.append("\n")
        return Array(out.utf8)
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closing = String(repeating: "  ", count: indent)
        switch self {
        case .array(let items) where !items.isEmpty:
            out.append("[\n")
            for (index, item) in items.enumerated() {
                out.append(pad)
                item.write(into: &out, indent: indent + 1)
                out.append(index + 1 < items.count ? ",\n" : "\n")
            }
            out.append(closing + "]")
        case .object(let object) where object.count > 0:
            out.append("{\n")
            for (index, (key, value)) in object.enumerated() {
                out.append(pad + JSONValue.string(key).serialized() + ": ")
                value.write(into: &out, indent: indent + 1)
                out.append(index + 1 < object.count ? ",\n" : "\n")
            }
            out.append(closing + "}")
        default:
            out.append(serialized())
        }
    }
}
