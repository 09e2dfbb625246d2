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
}
