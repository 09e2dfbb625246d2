import JSONSchema

/// Masking of personal data for logs and shared reports.
///
/// ID numbers and phone numbers identify people. Anything printed to a log or written to a
/// report meant for sharing goes through these functions, and what they leave must not let
/// the hidden part be rebuilt from anything else the same output shows:
///
/// - A resident ID (15 or 18 characters) keeps only its first two characters, the province
///   (`23****************`). Its hidden part holds the county, the birth date, a sequence
///   number and the check character; the check character is hidden too, since it would let
///   an attacker test every guess offline. Even with the county known from an address and the
///   birth year shown, about 366 × 1000 numbers remain.
/// - Another document number keeps its first two and last character (`E1******8`).
/// - A mobile phone keeps its first three and last two digits (`138******78`): a million
///   candidates remain.
/// - In masked form data, a date (`2018-01-02`) keeps only its year (`2018-**-**`), since a
///   birth date is exactly the six hidden digits of a resident ID.
public enum Privacy {
    /// Masks an identity-document number: an 18- or 15-character resident ID keeps its first
    /// two characters (`23****************`), another number its first two and last
    /// character (`E1******8`); a number of three characters or fewer is masked whole.
    /// - Parameter number: The document number.
    /// - Returns: The masked number, with the same length as the input.
    public static func maskIDNumber(_ number: String) -> String {
        let characters = Array(number)
        let (head, tail) = characters.count >= 15 ? (2, 0) : (min(2, characters.count / 3), min(1, characters.count / 3))
        guard characters.count > head + tail else { return String(repeating: "*", count: characters.count) }
        return String(characters[..<head]) + String(repeating: "*", count: characters.count - head - tail)
            + String(characters[(characters.count - tail)...])
    }

    /// Masks a mobile phone number, keeping the first three and last two digits
    /// (`138******78`).
    /// - Parameter phone: The phone number.
    /// - Returns: The masked number, with the same length as the input.
    public static func maskPhone(_ phone: String) -> String {
        let characters = Array(phone)
        guard characters.count >= 8 else { return String(repeating: "*", count: characters.count) }
        return String(characters[..<3]) + String(repeating: "*", count: characters.count - 5)
            + String(characters[(characters.count - 2)...])
    }

    /// Coarsens a calendar date to its year (`2018-01-02` → `2018-**-**`).
    /// - Parameter date: The date as `YYYY-MM-DD`.
    /// - Returns: The year with month and day masked, the same length as the input.
    public static func maskDate(_ date: String) -> String {
        String(date.prefix(4)) + String(date.dropFirst(4).map { $0.isNumber ? "*" : $0 })
    }

    /// Masks every string in form data that looks like an identity-document number, a mobile
    /// phone or a date, at any depth, keeping everything else as it is.
    ///
    /// A document number is 15 to 18 characters whose all but the last are digits (the last
    /// may be the check character `X`), or any string in a member whose name ends in
    /// `idNumber`, `permitNumber` or `passportNumber`; a mobile phone is 11 digits starting
    /// with 1, or any string in a member whose name contains `phone` or `mobile`; a date is
    /// `YYYY-MM-DD` (it keeps its year: a birth date completes a masked ID). Any digit counts,
    /// full-width ones too (typed by an input method): masking too much is safer than too
    /// little. Object members keep their order.
    /// - Parameter value: Form data.
    /// - Returns: The same data with those strings masked (`maskIDNumber`, `maskPhone`,
    ///   `maskDate`).
    public static func maskPersonalData(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if looksLikeDocumentNumber(text) { return .string(maskIDNumber(text)) }
            if looksLikeMobilePhone(text) { return .string(maskPhone(text)) }
            if looksLikeDate(text) { return .string(maskDate(text)) }
            return value
        case .array(let items):
            return .array(items.map(maskPersonalData))
        case .object(let object):
            return .object(JSONObject(object.map { member, item in
                // A document number of another shape (a passport's `E12345678`) or a phone
                // typed with spaces is recognised by the member's name.
                if case .string(let text) = item {
                    let name = member.lowercased()
                    if documentMembers.contains(where: name.hasSuffix) { return (member, .string(maskIDNumber(text))) }
                    if name.contains("phone") || name.contains("mobile") { return (member, .string(maskPhone(text))) }
                }
                return (member, maskPersonalData(item))
            }))
        default:
            return value
        }
    }

    /// Endings of member names that hold a document number, whatever its shape.
    private static let documentMembers = ["idnumber", "permitnumber", "passportnumber"]

    /// Masks form data held as JSON text (a stored revision's `form.json`).
    /// - Parameter text: The JSON text.
    /// - Returns: The masked data as JSON text (members in their order), or nil when the text
    ///   is not JSON, so the caller shows nothing rather than unmasked data.
    public static func maskPersonalData(inJSON text: String) -> String? {
        guard let value = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return maskPersonalData(value).serialized(sortedKeys: false)
    }

    /// Masks every run of characters inside free text (a message quoting a value, a
    /// reviewer's reason) that looks like a document number or a mobile phone.
    ///
    /// A run is a maximal sequence of digits (any script) and ASCII letters, so
    /// `ID 230109201801010002 does not match` keeps its words and masks the number. Besides
    /// resident IDs and phones, a passport or permit number of one or two capital letters and
    /// 7 to 9 digits (`E12345678`) is masked; other numbers (collection numbers, key IDs,
    /// digests) are left as they are.
    /// - Parameter text: The text.
    /// - Returns: The text with those runs masked (`maskIDNumber`, `maskPhone`).
    public static func maskText(_ text: String) -> String {
        var result = ""
        var run = ""
        func flush() {
            if looksLikeDocumentNumber(run) || looksLikePassportNumber(run) { result += maskIDNumber(run) }
            else if looksLikeMobilePhone(run) { result += maskPhone(run) }
            else { result += run }
            run = ""
        }
        for character in text {
            if character.isNumber || (character.isASCII && character.isLetter) {
                run.append(character)
            } else {
                flush()
                result.append(character)
            }
        }
        flush()
        return result
    }

    private static func looksLikeDocumentNumber(_ text: String) -> Bool {
        (15...18).contains(text.count) && text.dropLast().allSatisfy(\.isNumber)
    }

    private static func looksLikePassportNumber(_ text: String) -> Bool {
        let letters = text.prefix { $0.isASCII && $0.isUppercase }
        let digits = text.dropFirst(letters.count)
        return (1...2).contains(letters.count) && (7...9).contains(digits.count) && digits.allSatisfy(\.isNumber)
    }

    private static func looksLikeMobilePhone(_ text: String) -> Bool {
        text.count == 11 && text.first?.wholeNumberValue == 1 && text.allSatisfy(\.isNumber)
    }

    private static func looksLikeDate(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters.count == 10, characters[4] == "-", characters[7] == "-" else { return false }
        return characters.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || $0.element.isNumber }
    }
}
