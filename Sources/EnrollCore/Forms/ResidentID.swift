import Foundation

/// Chinese resident identity numbers (居民身份证号码, GB 11643-1999) and the numbers that share
/// their structure (港澳台居民居住证, the 2023 外国人永久居留身份证).
///
/// 18 characters: a 6-digit region code, the birth date `YYYYMMDD`, a 3-digit sequence whose
/// last digit is odd for men and even for women, and a check character computed from the first
/// 17 digits with weights `7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2`, sum mod 11 mapped through
/// `1 0 X 9 8 7 6 5 4 3 2`.
public enum ResidentID {
    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// The province-level codes of GB/T 2260 a resident ID may start with.
    public static let provinceCodes: Set<Int> = Set(
        Array(11...15) + Array(21...23) + Array(31...37) + Array(41...46) + Array(50...54) + Array(61...65) + [71, 81, 82])

    /// The check character for the first 17 digits, or nil if they are not 17 ASCII digits.
    public static func checkCharacter(_ first17: some StringProtocol) -> Character? {
        let digits = first17.compactMap { $0.isASCII ? $0.wholeNumberValue : nil }
        guard first17.count == 17, digits.count == 17 else { return nil }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// Whether the 18 characters have the right shape and check character (uppercase `X` only).
    static func hasValidCheckCharacter(_ number: String) -> Bool {
        let characters = Array(number)
        guard characters.count == 18, let expected = checkCharacter(String(characters[0..<17])) else { return false }
        return characters[17] == expected
    }

    /// The birth date written in an 18-character number, if it is a real date between
    /// 1900-01-01 and `today`.
    public static func birthDate(_ number: String, today: Date = Date()) -> DateComponents? {
        let characters = Array(number)
        guard characters.count == 18 else { return nil }
        return CalendarDate.parse(compact: String(characters[6..<14]), notAfter: today)
    }

    /// Whether the number's sequence digit says male (odd) or female (even); nil if not a digit.
    public static func isMale(_ number: String) -> Bool? {
        let characters = Array(number)
        guard characters.count == 18, let digit = characters[16].wholeNumberValue, characters[16].isASCII else { return nil }
        return digit % 2 == 1
    }

    /// Whether a resident ID number is valid: shape, province code, real birth date not in the
    /// future, and check character.
    public static func isValid(_ number: String, today: Date = Date()) -> Bool {
        guard hasValidCheckCharacter(number), let province = Int(number.prefix(2)), provinceCodes.contains(province) else {
            return false
        }
        return birthDate(number, today: today) != nil
    }

    /// Whether a 港澳台居民居住证 number is valid: region 810000, 820000 or 830000, a real birth
    /// date and the GB 11643 check character.
    public static func isValidHMTResidencePermit(_ number: String, today: Date = Date()) -> Bool {
        guard ["810000", "820000", "830000"].contains(String(number.prefix(6))) else { return false }
        return hasValidCheckCharacter(number) && birthDate(number, today: today) != nil
    }

    /// Makes a number with a correct check character (for generating fake sample data).
    /// - Parameters:
    ///   - region: The 6-digit region code.
    ///   - birth: Year, month and day.
    ///   - sequence: 0–999; its last digit is forced odd for `male`, even otherwise.
    public static func make(region: String, birthDate birth: (year: Int, month: Int, day: Int), sequence: Int, male: Bool) -> String {
        var sequence = sequence % 1000
        if (sequence % 2 == 1) != male { sequence = (sequence + 1) % 1000 }
        let body = region + String(format: "%04d%02d%02d%03d", birth.year, birth.month, birth.day, sequence)
        return body + String(checkCharacter(body)!)
    }
}

/// Calendar dates as the forms write them.
enum CalendarDate {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    /// Parses `YYYYMMDD` into a real date no earlier than 1900-01-01 and no later than `notAfter`.
    static func parse(compact text: String, notAfter: Date? = nil) -> DateComponents? {
        guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)), let day = Int(text.suffix(2))
        else { return nil }
        return make(year, month, day, notAfter: notAfter)
    }

    /// Parses ISO `YYYY-MM-DD`.
    static func parse(iso text: String) -> DateComponents? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2 else { return nil }
        return parse(compact: parts.joined())
    }

    private static func make(_ year: Int, _ month: Int, _ day: Int, notAfter: Date?) -> DateComponents? {
        guard year >= 1900, (1...12).contains(month), (1...31).contains(day) else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        if let notAfter, date > notAfter { return nil }
        return components
    }

    /// A sortable integer `YYYYMMDD` for comparisons.
    static func ordinal(_ components: DateComponents) -> Int {
        (components.year ?? 0) * 10000 + (components.month ?? 0) * 100 + (components.day ?? 0)
    }
}
