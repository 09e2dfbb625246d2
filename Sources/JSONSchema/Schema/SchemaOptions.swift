/// Options that control how a schema is compiled and validated.
public struct SchemaOptions: Sendable {
    /// Whether `format` is an assertion (invalid values fail) rather than an annotation.
    ///
    /// Built-in and custom formats are checked only when this is `true` (or when the
    /// schema's metaschema enables the format-assertion vocabulary). Unknown formats
    /// always pass.
    public var formatAssertion: Bool
    /// Extra format checkers by format name; they override built-in ones of the same name.
    public var formats: [String: @Sendable (String) -> Bool]
    /// Where remote `$ref`s and `$schema`s are resolved.
    public var registry: SchemaRegistry
    /// The base URI of the root schema when it has no absolute `$id`.
    public var baseURI: String
    /// Limits of the strict JSON reader used for registry files.
    public var parseOptions: JSONParseOptions

    /// Creates options.
    ///
    /// - Parameters:
    ///   - formatAssertion: Whether `format` asserts (default `false`).
    ///   - formats: Custom format checkers (default none).
    ///   - registry: Remote documents (default: only the built-in metaschemas).
    ///   - baseURI: Base URI of the root schema (default `json-schema:///root.json`).
    ///   - parseOptions: Reader options for registry files.
    public init(formatAssertion: Bool = false,
                formats: [String: @Sendable (String) -> Bool] = [:],
                registry: SchemaRegistry = SchemaRegistry(),
                baseURI: String = "json-schema:///root.json",
                parseOptions: JSONParseOptions = JSONParseOptions()) {
        self.formatAssertion = formatAssertion
        self.formats = formats
        self.registry = registry
        self.baseURI = baseURI
        self.parseOptions = parseOptions
    }
}

/// An error raised while compiling a schema.
///
/// Each case names what was wrong and where (an absolute schema location), so a schema
/// author can find and fix it.
public enum SchemaCompileError: Error, Sendable, CustomStringConvertible {
    /// `$schema` names a metaschema that is neither built in nor in the registry.
    case unknownMetaschema(uri: String, location: String)
    /// A `$ref` or `$dynamicRef` target could not be found.
    case unresolvableReference(reference: String, resolved: String, location: String)
    /// A `pattern` or `patternProperties` regex does not compile.
    case invalidRegex(pattern: String, location: String, reason: String)
    /// A keyword has a value of the wrong type or range.
    case invalidKeywordValue(keyword: String, location: String, expected: String)
    /// A metaschema requires a vocabulary this implementation does not know.
    case unsupportedVocabulary(uri: String, location: String)
    /// A remote document could not be parsed.
    case invalidDocument(uri: String, error: JSONParseError)
    /// The value at a location is neither an object nor a Boolean.
    case notASchema(location: String)

    /// A readable message with the location and what to do.
    public var description: String {
        switch self {
        case .unknownMetaschema(let uri, let loc):
            return "unknown $schema \"\(uri)\" at \(loc): only draft 2020-12 (https://json-schema.org/draft/2020-12/schema) or a metaschema registered in the SchemaRegistry is supported"
        case .unresolvableReference(let ref, let resolved, let loc):
            return "cannot resolve reference \"\(ref)\" (resolved to \"\(resolved)\") at \(loc): add the target document to the SchemaRegistry or fix the reference"
        case .invalidRegex(let p, let loc, let reason):
            return "invalid regular expression \"\(p)\" at \(loc): \(reason)"
        case .invalidKeywordValue(let k, let loc, let expected):
            return "invalid value for \"\(k)\" at \(loc): expected \(expected)"
        case .unsupportedVocabulary(let uri, let loc):
            return "the metaschema at \(loc) requires the unknown vocabulary \"\(uri)\"; mark it optional (false) or remove it"
        case .invalidDocument(let uri, let e):
            return "the schema document \"\(uri)\" is not valid JSON: \(e)"
        case .notASchema(let loc):
            return "the value at \(loc) is not a schema (expected an object or a Boolean)"
        }
    }
}
