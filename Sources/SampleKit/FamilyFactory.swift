import CalendarDates
import JSONSchema
import EnrollCore
/// Values already handed out in one generator run, so every family is distinct.
struct UsedValues: Sendable {
    var ids: Set<String> = []
    var phones: Set<String> = []
}

/// A fictitious person of a family.
struct Person {
    var name: String
    var male: Bool
    var birth: CalendarDate
    var idType: String
    var idNumber: String
    /// 中国 or a foreign nationality in Chinese.
    var nationality: String
    /// Hukou province (北京市, 河北省, 香港特别行政区 …) or 无 for foreigners.
    var province: String
    var phone: String = ""
}

/// How a child relates to the document holders in the family.
enum Origin {
    case mainland
    case hongKong
    case macao
    case taiwan
    case foreign(Vocabulary.ForeignOrigin)
}

/// Shared building blocks of all form generators: names, ID numbers, phones, addresses.
struct FamilyFactory {
    var rng: SampleRandom
    var used: UsedValues
    /// Identity numbers must not be dated after this day.
    let today = CalendarDate(2024, 6, 1)

    static let phonePrefixes = [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "150", "151", "152",
        "153", "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
        "183", "184", "185", "186", "187", "188", "189", "191", "198", "199",
    ]
    static let heilongjiangOther = ["230202", "230602", "231002", "230804", "231202", "230302"]

    // MARK: Uniqueness

    mutating func uniquePhone() throws -> String {
        for _ in 0..<1000 {
            let p = rng.pick(Self.phonePrefixes) + rng.digits(8)
            if used.phones.insert(p).inserted { return p }
        }
        throw SampleError.exhausted("phone")
    }

    /// Draws ID numbers from `make` until one is new.
    mutating func uniqueID(_ what: String, _ make: (inout SampleRandom) -> String) throws -> String {
        for _ in 0..<1000 {
            let id = make(&rng)
            if used.ids.insert(id).inserted { return id }
        }
        throw SampleError.exhausted(what)
    }

    mutating func residentID(region: String, birth: CalendarDate, male: Bool) throws -> String {
        try uniqueID("resident ID") { r in
            ResidentID.make(region: region, birthDate: birth, sequence: r.below(1000),
                            male: male)
        }
    }

    // MARK: Names and dates

    mutating func surname() -> String { rng.weighted(Vocabulary.surnames) }

    mutating func childGiven(male: Bool) -> String { rng.pick(male ? Vocabulary.childBoy : Vocabulary.childGirl) }

    mutating func adultGiven(male: Bool, elder: Bool = false) -> String {
        if elder { return rng.pick(male ? Vocabulary.elderMale : Vocabulary.elderFemale) }
        return rng.pick(male ? Vocabulary.adultMale : Vocabulary.adultFemale)
    }

    mutating func date(_ lo: CalendarDate, _ hi: CalendarDate) -> CalendarDate { CalendarDate.random(from: lo, to: hi, using: &rng) }

    /// Birth date of a parent for a child born on `child`.
    mutating func parentBirth(child: CalendarDate, male: Bool) -> CalendarDate {
        let age = male ? rng.int(24...42) : rng.int(22...39)
        return date(CalendarDate(child.year - age, 1, 1), CalendarDate(child.year - age, 12, 28))
    }

    mutating func elderBirth(child: CalendarDate) -> CalendarDate {
        let age = rng.int(50...68)
        return date(CalendarDate(child.year - age, 1, 1), CalendarDate(child.year - age, 12, 28))
    }

    // MARK: Foreign and HK/Macao/Taiwan documents

    mutating func passportNumber(_ style: Vocabulary.PassportStyle) throws -> String {
        try uniqueID("passport") { r in
            func letter(_ r: inout SampleRandom) -> String { String(Character(Unicode.Scalar(UInt8(65 + r.below(26))))) }
            switch style {
            case .digits9: return String(1 + r.below(9)) + r.digits(8)
            case .letterDigits8: return "M" + r.digits(8)
            case .twoLettersDigits7: return letter(&r) + letter(&r) + r.digits(7)
            case .letterDigits7Letter: return "K" + r.digits(7) + letter(&r)
            }
        }
    }

    mutating func foreignName(_ o: Vocabulary.ForeignOrigin, male: Bool, surname: String? = nil) -> String {
        let given = rng.pick(male ? o.maleNames : o.femaleNames)
        let family = surname ?? rng.pick(o.surnames)
        // East Asian passports print the family name first.
        switch o.nationality {
        case "韩国", "日本", "新加坡": return "\(family) \(given)"
        default: return "\(given) \(family)"
        }
    }

    mutating func foreignPermanentID(country: String, birth: CalendarDate, male: Bool) throws -> String {
        try uniqueID("permanent residence ID") { r in
            ResidentID.makeForeignPermanent(province: "11", country: country, birthDate: birth, sequence: r.below(1000),
                                            male: male)
        }
    }

    mutating func hkMacaoPermit(macao: Bool) throws -> String {
        try uniqueID("HK/Macao permit") { r in (macao ? "M" : "H") + String(1 + r.below(9)) + r.digits(7) }
    }

    mutating func taiwanPermit() throws -> String {
        try uniqueID("Taiwan permit") { r in String(1 + r.below(9)) + r.digits(7) }
    }

    mutating func hmtResidencePermit(area: String, birth: CalendarDate, male: Bool) throws -> String {
        try residentID(region: area, birth: birth, male: male)
    }

    /// A person holding documents that fit `origin`; mainland people get a 居民身份证 of `region`.
    mutating func person(origin: Origin, name: String, male: Bool, birth: CalendarDate, region: String,
                         province: String) throws -> Person {
        switch origin {
        case .mainland:
            return Person(name: name, male: male, birth: birth, idType: "居民身份证",
                          idNumber: try residentID(region: region, birth: birth, male: male), nationality: "中国",
                          province: province)
        case .hongKong, .macao:
            let macao: Bool
            if case .macao = origin { macao = true } else { macao = false }
            if rng.chance(0.7) {
                return Person(name: name, male: male, birth: birth, idType: "港澳居民来往内地通行证",
                              idNumber: try hkMacaoPermit(macao: macao), nationality: "中国",
                              province: macao ? "澳门特别行政区" : "香港特别行政区")
            }
            return Person(name: name, male: male, birth: birth, idType: "港澳台居民居住证",
                          idNumber: try hmtResidencePermit(area: macao ? "820000" : "810000", birth: birth, male: male),
                          nationality: "中国", province: macao ? "澳门特别行政区" : "香港特别行政区")
        case .taiwan:
            if rng.chance(0.6) {
                return Person(name: name, male: male, birth: birth, idType: "台湾居民来往大陆通行证",
                              idNumber: try taiwanPermit(), nationality: "中国", province: "台湾省")
            }
            return Person(name: name, male: male, birth: birth, idType: "港澳台居民居住证",
                          idNumber: try hmtResidencePermit(area: "830000", birth: birth, male: male), nationality: "中国",
                          province: "台湾省")
        case let .foreign(o):
            if rng.chance(0.15) {
                return Person(name: name, male: male, birth: birth, idType: "外国人永久居留身份证",
                              idNumber: try foreignPermanentID(country: o.countryCode, birth: birth, male: male),
                              nationality: o.nationality, province: "无")
            }
            return Person(name: name, male: male, birth: birth, idType: "护照", idNumber: try passportNumber(o.passport),
                          nationality: o.nationality, province: "无")
        }
    }

    // MARK: Addresses and employers

    /// `<n>号院<b>号楼<u>单元<room>` (Beijing style) or `<b>号楼<u>单元<room>室` (Harbin style).
    mutating func flat(beijing: Bool) -> String {
        let floor = rng.int(1...(rng.chance(0.3) ? 28 : 7))
        let room = "\(floor)0\(rng.int(1...4))"
        return beijing ? "\(rng.int(1...16))号楼\(rng.int(1...4))单元\(room)" : "\(rng.int(1...12))号楼\(rng.int(1...6))单元\(room)室"
    }

    mutating func employer(cityPrefix: String, district: String) -> String {
        switch rng.below(20) {
        case 0: return "无"
        case 1: return "个体经营"
        case 2: return "自由职业"
        case 3...6: return cityPrefix + "市" + district + rng.pick(Vocabulary.institutions)
        default:
            return cityPrefix + rng.pick(Vocabulary.companyWords) + rng.pick(Vocabulary.companyTrades)
                + rng.pick(Vocabulary.companyForms)
        }
    }

    /// An address in a province: `<province><city><district><road><n>号`, and the district's code.
    mutating func provinceAddress(_ p: Places.Province) -> (address: String, code: String) {
        let city = rng.pick(p.cities)
        let (district, code) = rng.pick(city.districts)
        let road = rng.pick(city.roads)
        return ("\(p.name)\(city.city)\(district)\(road)\(rng.int(1...260))号", code)
    }

    mutating func hmtAddress(_ origin: Origin) -> String {
        switch origin {
        case .macao: return rng.pick(Places.moAddresses) + "\(rng.int(1...300))号"
        case .taiwan: return rng.pick(Places.twAddresses) + "\(rng.int(1...300))号"
        default: return rng.pick(Places.hkAddresses) + "\(rng.int(1...700))号"
        }
    }

    mutating func ethnicity() -> String { rng.weighted(Vocabulary.ethnicities) }
}

/// JSON building shorthands.
func s(_ v: String) -> JSONValue { .string(v) }
func b(_ v: Bool) -> JSONValue { .bool(v) }
