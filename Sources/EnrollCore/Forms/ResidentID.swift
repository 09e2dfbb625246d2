import CalendarDates
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
        checkIndex(first17.utf8).map { checkCharacters[$0] }
    }

    /// The check characters as ASCII bytes, by the weighted sum mod 11.
    static let checkBytes = Array("10X98765432".utf8)

    /// The weighted sum mod 11 of exactly 17 ASCII digits, or nil. Works on the UTF-8 bytes:
    /// this runs for every ID number a form holds, on every validation.
    static func checkIndex(_ utf8: some Collection<UInt8>) -> Int? {
        var sum = 0, k = 0
        for byte in utf8 {
            let digit = byte &- UInt8(ascii: "0")
            guard k < 17, digit < 10 else { return nil }
            sum += Int(digit) * weights[k]
            k += 1
        }
        return k == 17 ? sum % 11 : nil
    }

    /// Whether the 18 characters have the right shape and check character (uppercase `X` only).
    static func hasValidCheckCharacter(_ number: String) -> Bool {
        let utf8 = number.utf8
        guard utf8.count == 18, let index = checkIndex(utf8.prefix(17)), let last = utf8.last else { return false }
        return last == checkBytes[index]
    }

    /// The earliest birth date an ID number may carry.
    static let earliestBirthDate = CalendarDate(1900, 1, 1)

    /// The time zone of the ID numbers' dates: "today" is today in China.
    static let chinaTimeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// The birth date written in an 18-character number (characters 7–14, `YYYYMMDD`), if
    /// it is a real date between 1900-01-01 and `today` (in Asia/Shanghai).
    public static func birthDate(_ number: String, today: Date = Date()) -> CalendarDate? {
        birthDate(number, notAfter: CalendarDate(today, in: chinaTimeZone))
    }

    /// The birth date written in an 18-character number, if real and between 1900-01-01 and
    /// `latest`.
    static func birthDate(_ number: String, notAfter latest: CalendarDate) -> CalendarDate? {
        let utf8 = number.utf8
        if utf8.count == 18 && utf8.allSatisfy({ $0 < 0x80 }) {
            let start = utf8.index(utf8.startIndex, offsetBy: 6)
            return plausibleBirthDate(compact: String(number[start..<utf8.index(start, offsetBy: 8)]), notAfter: latest)
        }
        let characters = Array(number)
        guard characters.count == 18 else { return nil }
        return plausibleBirthDate(compact: String(characters[6..<14]), notAfter: latest)
    }

    /// A `YYYYMMDD` date that can be a living person's birth date: real, not before
    /// 1900-01-01, not after `latest`.
    static func plausibleBirthDate(compact text: String, notAfter latest: CalendarDate) -> CalendarDate? {
        guard let date = CalendarDate(compact: text), date >= earliestBirthDate, date <= latest else { return nil }
        return date
    }

    /// Whether the number's sequence digit says male (odd) or female (even); nil if not a digit.
    public static func isMale(_ number: String) -> Bool? {
        let characters = Array(number)
        guard characters.count == 18, let digit = characters[16].wholeNumberValue, characters[16].isASCII else { return nil }
        return digit % 2 == 1
    }

    /// Whether a resident ID number is valid: shape, province code, real birth date not in the
    /// future (in Asia/Shanghai), and check character.
    public static func isValid(_ number: String, today: Date = Date()) -> Bool {
        isValid(number, notAfter: CalendarDate(today, in: chinaTimeZone))
    }

    /// Whether a resident ID number is valid, with a birth date no later than `latest`.
    static func isValid(_ number: String, notAfter latest: CalendarDate) -> Bool {
        guard hasValidCheckCharacter(number), let province = Int(number.prefix(2)), provinceCodes.contains(province) else {
            return false
        }
        return birthDate(number, notAfter: latest) != nil
    }

    /// Whether a 港澳台居民居住证 number is valid: region 810000, 820000 or 830000, a real birth
    /// date not in the future (in Asia/Shanghai) and the GB 11643 check character.
    public static func isValidHMTResidencePermit(_ number: String, today: Date = Date()) -> Bool {
        isValidHMTResidencePermit(number, notAfter: CalendarDate(today, in: chinaTimeZone))
    }

    /// Whether a 港澳台居民居住证 number is valid, with a birth date no later than `latest`.
    static func isValidHMTResidencePermit(_ number: String, notAfter latest: CalendarDate) -> Bool {
        guard ["810000", "820000", "830000"].contains(String(number.prefix(6))) else { return false }
        return hasValidCheckCharacter(number) && birthDate(number, notAfter: latest) != nil
    }

    /// Makes a number with a correct check character (for generating fake sample data).
    /// - Parameters:
    ///   - region: The 6-digit region code.
    ///   - birth: The birth date, written as `YYYYMMDD`.
    ///   - sequence: 0–999; its last digit is forced odd for `male`, even otherwise.
    public static func make(region: String, birthDate birth: CalendarDate, sequence: Int, male: Bool) -> String {
        var sequence = sequence % 1000
        if (sequence % 2 == 1) != male { sequence = (sequence + 1) % 1000 }
        let body = region + birth.compact + String(format: "%03d", sequence)
        return body + String(checkCharacter(body)!)
    }
}
