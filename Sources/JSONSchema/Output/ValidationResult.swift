/// One validation failure, in the spirit of the specification's "basic" output unit.
public struct ValidationError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The keyword that failed (e.g. `"required"`, `"additionalProperties"`, `"$ref"` for a loop).
    public let keyword: String
    /// Where in the instance the failure is. For `additionalProperties: false` and
    /// `unevaluatedProperties: false` this points at the offending property.
    public let instanceLocation: JSONPointer
    /// The evaluation path through the schema, including `$ref`/`$dynamicRef` hops.
    public let keywordLocation: JSONPointer
    /// Absolute URI of the schema resource plus `#` and the pointer to the keyword.
    public let absoluteKeywordLocation: String
    /// A human-readable English message.
    public let message: String
    /// For `required` and `dependentRequired`: the missing property; for
    /// `additionalProperties`/`unevaluatedProperties`: the offending property; else `nil`.
    public let property: String?

    /// `instanceLocation: message (keywordLocation)`.
    public var description: String {
        "\(instanceLocation.description.isEmpty ? "/" : instanceLocation.description): \(message) [\(keywordLocation)]"
    }

    /// This error as a JSON object (`keywordLocation`, `absoluteKeywordLocation`,
    /// `instanceLocation`, `error`, `keyword` and, when set, `property`).
    ///
    /// - Returns: The output unit.
    public func jsonValue() -> JSONValue {
        var o = JSONObject()
        o["keyword"] = .string(keyword)
        o["keywordLocation"] = .string(keywordLocation.description)
        o["absoluteKeywordLocation"] = .string(absoluteKeywordLocation)
        o["instanceLocation"] = .string(instanceLocation.description)
        o["error"] = .string(message)
        if let property { o["property"] = .string(property) }
        return .object(o)
    }
}

/// The outcome of validating one instance: validity plus every error found.
public struct ValidationResult: Sendable, Hashable, Codable {
    /// Whether the instance is valid.
    public let isValid: Bool
    /// Every failure, in evaluation order (empty when valid).
    public let errors: [ValidationError]

    /// The specification's "basic" output format as JSON:
    /// `{"valid": false, "errors": [ {…}, … ]}`.
    ///
    /// - Returns: The output document.
    public func basicOutput() -> JSONValue {
        var o = JSONObject()
        o["valid"] = .bool(isValid)
        if !isValid { o["errors"] = .array(errors.map { $0.jsonValue() }) }
        return .object(o)
    }
}
