import JSONSchema

/// The strict JSON reader (form data, schemas, status.json): parse with and without source
/// positions; what it accepts must serialize and read back to an equal value.
enum JSONTarget {
    static let target = FuzzTarget(name: "json", summary: "JSONParser / JSONDocument on arbitrary bytes") { input in
        let bytes = Array(input)
        let shallow = JSONParseOptions(maxDepth: 64, recordPositions: false)
        guard let value = try? JSONParser.parse(bytes, options: shallow) else { return }
        if let document = try? JSONDocument(bytes: bytes, options: JSONParseOptions(maxDepth: 64, recordPositions: true)) {
            fuzzInvariant(document.root == value, "JSONDocument and JSONParser disagree")
            for pointer in pointers(in: value, limit: 32) { _ = document.location(of: pointer) }
        }
        let text = value.serialized(sortedKeys: true)
        guard let again = try? JSONParser.parse(text, options: JSONParseOptions(maxDepth: 128)) else {
            fuzzInvariant(false, "the serialization of an accepted value does not parse: \(text.prefix(200))")
            return
        }
        fuzzInvariant(again == value, "an accepted value changes in a round trip: \(text.prefix(200))")
    }

    /// Pointers to the first `limit` values, depth first.
    static func pointers(in value: JSONValue, limit: Int) -> [JSONPointer] {
        var found: [JSONPointer] = []
        func visit(_ value: JSONValue, _ pointer: JSONPointer) {
            guard found.count < limit else { return }
            found.append(pointer)
            if let object = value.objectValue {
                for (key, member) in object { visit(member, pointer.appending(key)) }
            } else if let array = value.arrayValue {
                for (index, element) in array.enumerated() { visit(element, pointer.appending(String(index))) }
            }
        }
        visit(value, .root)
        return found
    }
}
