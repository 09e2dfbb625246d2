import EnrollCore
import JSONSchema

/// Schema compile + validate: the bytes before the first NUL are the schema, the bytes after
/// it the instance (the schema itself when there is no NUL). Formats assert, with the forms'
/// own formats; the fast and the collecting validators must agree.
enum SchemaTarget {
    static let target = FuzzTarget(name: "schema", summary: "CompiledSchema.compile + validate (schema NUL instance)") { input in
        let bytes = Array(input)
        let split = bytes.firstIndex(of: 0)
        let schemaBytes = split.map { Array(bytes[..<$0]) } ?? bytes
        let limits = JSONParseOptions(maxDepth: 64)
        guard let schemaValue = try? JSONParser.parse(schemaBytes, options: limits) else { return }
        let instance: JSONValue
        if let split {
            guard let value = try? JSONParser.parse(Array(bytes[(split + 1)...]), options: limits) else { return }
            instance = value
        } else {
            instance = schemaValue
        }
        let options = SchemaOptions(formatAssertion: true, formats: formats, parseOptions: limits)
        guard let schema = try? CompiledSchema.compile(schemaValue, options: options) else { return }
        let result = schema.validate(instance)
        fuzzInvariant(result.isValid == schema.isValid(instance), "validate and isValid disagree")
        fuzzInvariant(result.isValid == result.errors.isEmpty, "a result is valid with errors, or invalid without")
        _ = result.basicOutput().serialized()
    }

    static let formats = FormFormats.all()
}
