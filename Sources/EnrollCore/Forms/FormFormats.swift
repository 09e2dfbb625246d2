import CalendarDates
import Foundation

/// The custom `format` values the form schemas use (definitions in docs/FORMS.md §4).
///
/// They are registered with the JSON Schema engine with format assertion on, so a value that
/// fails its format is an error (`form.format.<name>`).
public enum FormFormats {
    /// The checks by format name.
    public static func all(today: Date = Date()) -> [String: @Sendable (String) -> Bool] {
        let latest = CalendarDate(today, in: ResidentID.chinaTimeZone)
        return [
            "cn-resident-id": { ResidentID.isValid($0, notAfter: latest) },
            "cn-mobile": { value in
                let digits = Array(value.utf8)
                return digits.count == 11 && digits[0] == UInt8(ascii: "1")
                    && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[1])
                    && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            },
            "passport": { value in
                (5...20).contains(value.count) && value.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
            },
            "cn-hk-macao-permit": { value in
                let characters = Array(value)
                guard let first = characters.first, first == "H" || first == "M" else { return false }
                let rest = characters.dropFirst()
                return (rest.count == 8 || rest.count == 10) && rest.allSatisfy { $0.isASCII && $0.isNumber }
            },
            "cn-taiwan-permit": { value in
                (value.count == 8 || value.count == 10) && value.allSatisfy { $0.isASCII && $0.isNumber }
            },
            "cn-hmt-residence-permit": { ResidentID.isValidHMTResidencePermit($0, notAfter: latest) },
            "cn-foreign-permanent-residence-id": { isForeignPermanentResidenceID($0, notAfter: latest) },
        ]
    }

    /// Human descriptions of each format, for error messages.
    static let descriptions: [String: LocalizedText] = [
        "cn-resident-id": LocalizedText(zh: "18 位居民身份证号码，校验位、出生日期和地区码须正确", en: "an 18-character resident ID with a correct check character, birth date and region code"),
        "cn-mobile": LocalizedText(zh: "11 位手机号码，以 13–19 开头", en: "an 11-digit mobile number starting 13–19"),
        "passport": LocalizedText(zh: "护照号码（5–20 位大写字母或数字）", en: "a passport number (5–20 uppercase letters or digits)"),
        "cn-hk-macao-permit": LocalizedText(zh: "港澳居民来往内地通行证号码（H 或 M 加 8 或 10 位数字）", en: "a Mainland Travel Permit number (H or M and 8 or 10 digits)"),
        "cn-taiwan-permit": LocalizedText(zh: "台湾居民来往大陆通行证号码（8 或 10 位数字）", en: "a Taiwan travel permit number (8 or 10 digits)"),
        "cn-hmt-residence-permit": LocalizedText(zh: "港澳台居民居住证号码（810000/820000/830000 开头的 18 位号码）", en: "an HK/Macao/Taiwan residence permit number (18 characters starting 810000, 820000 or 830000)"),
        "cn-foreign-permanent-residence-id": LocalizedText(zh: "外国人永久居留身份证号码（15 位旧版或 18 位新版）", en: "a foreign permanent residence ID (15-character 2004 card or 18-character 2023 card)"),
        "date": LocalizedText(zh: "日期，格式为 YYYY-MM-DD", en: "a date written YYYY-MM-DD"),
    ]

    static func isForeignPermanentResidenceID(_ value: String, notAfter latest: CalendarDate) -> Bool {
        let characters = Array(value)
        if characters.count == 15 {
            guard characters[0..<3].allSatisfy({ $0.isASCII && $0.isUppercase }),
                  characters[3...].allSatisfy({ $0.isASCII && $0.isNumber })
            else { return false }
            let yymmdd = String(characters[7..<13])
            return ResidentID.plausibleBirthDate(compact: "19" + yymmdd, notAfter: latest) != nil
                || ResidentID.plausibleBirthDate(compact: "20" + yymmdd, notAfter: latest) != nil
        }
        guard characters.count == 18, characters[0] == "9", let province = Int(String(characters[1..<3])),
              ResidentID.provinceCodes.contains(province)
        else { return false }
        return ResidentID.hasValidCheckCharacter(value)
            && ResidentID.plausibleBirthDate(compact: String(characters[6..<14]), notAfter: latest) != nil
    }
}
