import CalendarDates
import EnrollCore

extension ResidentID {
    /// A 2023-style 外国人永久居留身份证 number for fake sample data: `9` + 2-digit province code
    /// + 3-digit country code + birth date + 3-digit sequence (parity by sex) + check character.
    public static func makeForeignPermanent(province: String, country: String, birthDate: CalendarDate,
                                            sequence: Int, male: Bool) -> String {
        make(region: "9" + province + country, birthDate: birthDate,
             sequence: sequence, male: male)
    }
}

extension Character {
    /// True for the ASCII digits 0-9.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
