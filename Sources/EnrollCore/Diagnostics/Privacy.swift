import JSONSchema

/// Masking of personal data for logs and shared reports.
///
/// ID numbers and phone numbers identify people. Anything printed to a log or written to a
/// report meant for sharing goes through these functions.
public enum Privacy {
    /// Masks an identity-document number, keeping the first six and last four characters of an
    /// 18-character resident ID (`230109********0002`) and, for other lengths, the first two
    /// and last two characters.
    /// - Parameter number: The document number.
    /// - Returns: The masked number, with the same length as the input.
    public static func maskIDNumber(_ number: String) -> String {
        let characters = Array(number)
        let (head, tail) = characters.count >= 15 ? (6, 4) : (min(2, characters.count / 3), min(2, characters.count / 3))
        guard characters.count > head + tail else { return String(repeating: "*", count: characters.count) }
        return String(characters[..<head]) + String(repeating: "*", count: characters.count - head - tail)
            + String(characters[(characters.count - tail)...])
    }

    /// Masks a mobile phone number, keeping the first three and last four digits
    /// (`138****5678`).
    /// - Parameter phone: The phone number.
    /// - Returns: The masked number, with the same length as the input.
    public static func maskPhone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count >= 8 else { return String(repeating: "*", count: characters.count) }
        return String(characters[..<3]) + String(repeating: "*", count: characters.count - 7)
            + String(characters[(characters.count - 4)...])
    }

    /// Masks every string in form data that looks like an identity-document number or a
    /// mobile phone, at any depth, keeping everything else as it is.
    ///
    /// A document number is 15 to 18 characters whose all but the last are digits (the last
    /// may be the check character `X`); a mobile phone is 11 digits starting with 1. Any
    /// digit counts, full-width ones too (typed by an input method): masking too much is
    /// safer than too little. Object members keep their order.
    /// - Parameter value: Form data.
    /// - Returns: The same data with those strings masked (`maskIDNumber`, `maskPhone`).
    public static func maskPersonalData(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if looksLikeDocumentNumber(text) { return .string(maskIDNumber(text)) }
            if looksLikeMobilePhone(text) { return .string(maskPhone(text)) }
            return value
        case .array(let items):
            return .array(items.map(maskPersonalData))
        case .object(let object):
            return .object(JSONObject(object.map { ($0.0, maskPersonalData($0.1)) }))
        default:
            return value
        }
    }

    /// Masks form data held as JSON text (a stored revision's `form.json`).
    /// - Parameter text: The JSON text.
    /// - Returns: The masked data as JSON text (members in their order), or nil when the text
    ///   is not JSON, so the caller shows nothing rather than unmasked data.
    public static func maskPersonalData(inJSON text: String) -> String? {
        guard let value = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return maskPersonalData(value).serialized(sortedKeys: false)
    }

    private static func looksLikeDocumentNumber(_ text: String) -> Bool {
        (15...18).contains(text.count) && text.dropLast().allSatisfy(\.isNumber)
    }

    private static func looksLikeMobilePhone(_ text: String) -> Bool {
        text.count == 11 && text.first?.wholeNumberValue == 1 && text.allSatisfy(\.isNumber)
    }
}
