import CalendarDates
import JSONSchema
import EnrollCore
/// Fills `harbin-public-primary-2024`.
extension FamilyFactory {
    mutating func harbinDocument(spec: FormSpec) throws -> (JSONValue, String, [String]) {
        let districts = Places.harbin
        let d = rng.weighted(Array(zip(districts, Places.harbinWeights)))
        let short = String(d.name.dropLast())
        let isCounty = d.name.hasSuffix("县") || d.name.hasSuffix("市")
        let cityPrefix = isCounty ? d.name : "哈尔滨市\(d.name)"
        let school: String
        if d.name == "香坊区" {
            school = rng.pick(spec.xiangfangSchools)
        } else if let stems = Places.harbinSchoolStems[d.name] {
            school = "哈尔滨市\(d.name)\(rng.pick(stems))小学校"
        } else {
            school = "\(d.name)\(rng.pick(["第一", "第二", "实验", "城关", "第三"]))小学"
        }

        // Child and origin.
        let kind = rng.weighted([(0, 940), (1, 30), (2, 8), (3, 7), (4, 7), (5, 8)])
        let origin: Origin
        switch kind {
        case 1: origin = .foreign(rng.weighted(Array(zip(Vocabulary.foreignOrigins, [60, 20, 8, 8, 4]))))
        case 2: origin = .hongKong
        case 3: origin = .macao
        case 4: origin = .taiwan
        default: origin = .mainland
        }
        let male = rng.chance(0.51)
        let birth = date(spec.birthFrom, spec.birthTo)
        let fatherBirth = parentBirth(child: birth, male: true)
        let motherBirth = parentBirth(child: birth, male: false)
        let familyName = surname()
        let father: Person, mother: Person, child: Person
        let hukouRegion = rng.chance(0.85) ? d.code : rng.pick(districts).code
        switch origin {
        case let .foreign(o):
            let fam = rng.pick(o.surnames)
            father = try person(origin: origin, name: foreignName(o, male: true, surname: fam), male: true,
                                birth: fatherBirth, region: "", province: "无")
            if rng.chance(0.5) {
                mother = try person(origin: .mainland, name: surname() + adultGiven(male: false), male: false,
                                    birth: motherBirth, region: rng.pick(districts).code, province: "黑龙江省")
            } else {
                mother = try person(origin: origin, name: foreignName(o, male: false, surname: fam), male: false,
                                    birth: motherBirth, region: "", province: "无")
            }
            var c = try person(origin: origin, name: foreignName(o, male: male, surname: fam), male: male, birth: birth,
                               region: "", province: "无")
            if c.idType == "外国人永久居留身份证" { c.idType = "护照"; c.idNumber = try passportNumber(o.passport) }
            child = c
        case .mainland:
            let fr = rng.chance(0.75) ? rng.pick(districts).code : rng.pick(Self.heilongjiangOther)
            let mr = rng.chance(0.75) ? rng.pick(districts).code : rng.pick(Self.heilongjiangOther)
            father = try person(origin: origin, name: familyName + adultGiven(male: true), male: true, birth: fatherBirth,
                                region: fr, province: "黑龙江省")
            mother = try person(origin: origin, name: surname() + adultGiven(male: false), male: false,
                                birth: motherBirth, region: mr, province: "黑龙江省")
            let childSurname = rng.chance(0.92) ? familyName : String(mother.name.prefix(1))
            child = try person(origin: origin, name: childSurname + childGiven(male: male), male: male, birth: birth,
                               region: hukouRegion, province: "黑龙江省")
        default:
            father = try person(origin: origin, name: familyName + adultGiven(male: true), male: true, birth: fatherBirth,
                                region: "", province: "")
            mother = try person(origin: origin, name: surname() + adultGiven(male: false), male: false,
                                birth: motherBirth, region: "", province: "")
            var c = try person(origin: origin, name: familyName + childGiven(male: male), male: male, birth: birth,
                               region: "", province: "")
            if case .taiwan = origin, c.idType == "港澳居民来往内地通行证" { c.idType = "台湾居民来往大陆通行证" }
            child = c
        }
        let resident = child.idType == "居民身份证"

        // Guardians.
        var g1: Person, g2: Person?
        var rel1: String, rel2 = ""
        let arrangement = rng.weighted([(0, 55), (1, 38), (2, 7)])
        switch arrangement {
        case 0:
            (g1, rel1) = (father, "父亲")
            if rng.chance(0.7) { (g2, rel2) = (mother, "母亲") } else { g2 = nil }
        case 1:
            (g1, rel1) = (mother, "母亲")
            if rng.chance(0.65) { (g2, rel2) = (father, "父亲") } else { g2 = nil }
        default:
            let paternal = rng.chance(0.6)
            let gm = rng.chance(0.5)
            let eb = elderBirth(child: birth)
            let name = gm ? surname() + adultGiven(male: false, elder: true)
                : (paternal ? familyName : surname()) + adultGiven(male: true, elder: true)
            let region = resident ? rng.pick(districts).code : ""
            let elderOrigin: Origin = resident ? .mainland : origin
            g1 = try person(origin: elderOrigin, name: name, male: !gm, birth: eb,
                            region: region.isEmpty ? d.code : region, province: "黑龙江省")
            rel1 = gm ? (paternal ? "祖母" : "外祖母") : (paternal ? "祖父" : "外祖父")
            if rng.chance(0.5) { (g2, rel2) = (rng.chance(0.5) ? (father, "父亲") : (mother, "母亲")) } else { g2 = nil }
        }
        g1.phone = try uniquePhone()
        if g2 != nil { g2!.phone = try uniquePhone() }

        // Hukou.
        let area = rng.pick(d.areas)
        let road = rng.pick(area.1)
        let number = "\(rng.int(1...320))号"
        let compound = rng.pick(Vocabulary.compounds)
        let unitRoom = flat(beijing: false)
        let propertyHeld = rng.chance(resident ? 0.55 : 0.2)
        let matchesProperty = resident && propertyHeld && rng.chance(0.6)
        let collective = resident && !matchesProperty && rng.chance(0.04)
        let areaShort = area.0.hasSuffix("街道") ? String(area.0.dropLast(2)) : area.0
        let propertyAddress = "\(cityPrefix.hasPrefix("哈尔滨市") ? cityPrefix : "哈尔滨市" + cityPrefix)\(road)\(number)\(compound)\(unitRoom)"
        let hukouAddress: String
        var hukou: [(String, JSONValue)]
        if resident {
            let householder: (String, String)
            if collective {
                householder = ("哈尔滨市\(d.name)\(area.0)集体户", "其他")
            } else if arrangement == 2 {
                householder = (g1.name, rel1)
            } else {
                householder = rng.chance(0.75) ? (father.name, "父亲") : (mother.name, "母亲")
            }
            let sameBook: String
            if collective {
                sameBook = g1.male ? "与父亲" : "与母亲"
            } else if arrangement == 2 {
                sameBook = rng.chance(0.8) ? "与其他监护人" : "否"
            } else if g2 != nil {
                sameBook = rng.weighted([("与父母", 80), (g1.male ? "与父亲" : "与母亲", 15), ("否", 5)])
            } else {
                sameBook = g1.male ? "与父亲" : "与母亲"
            }
            hukouAddress = matchesProperty ? "黑龙江省" + propertyAddress
                : collective ? "黑龙江省哈尔滨市\(d.name)\(area.0)集体户"
                : "黑龙江省\(cityPrefix.hasPrefix("哈尔滨市") ? cityPrefix : "哈尔滨市" + cityPrefix)\(area.0)\(road)\(number)"
            let settled = rng.chance(0.8) ? birth.adding(days: rng.int(7...200))
                : date(birth.adding(days: 365), CalendarDate(2024, 5, 31))
            let village = isCounty && rng.chance(0.4)
                ? "\(rng.pick(["永兴", "新发", "红星", "太平", "长山", "富强", "前进"]))村\(rng.int(1...9))组" : "无"
            let police = isCounty ? "\(d.name)公安局\(areaShort)派出所" : "哈尔滨市公安局\(short)分局\(areaShort)派出所"
            hukou = [
                ("householdNumber", s(hukouRegion + rng.digits(rng.chance(0.5) ? 3 : 4))),
                ("collectiveHousehold", b(collective)),
                ("policeStation", s(police)),
                ("householderName", s(householder.0)),
                ("address", s(hukouAddress)),
                ("householderRelation", s(householder.1)),
                ("villageGroup", s(village)),
                ("sameBookWithGuardian", s(sameBook)),
                ("street", s("\(road)\(number)\(collective ? "" : compound)")),
                ("addressMatchesProperty", b(matchesProperty)),
                ("unitAndRoom", s(collective ? "无" : unitRoom)),
                ("settledDate", s(settled.description)),
            ]
        } else {
            hukouAddress = ""
            hukou = ["householdNumber", "collectiveHousehold", "policeStation", "householderName", "address",
                     "householderRelation", "villageGroup", "sameBookWithGuardian", "street", "addressMatchesProperty",
                     "unitAndRoom", "settledDate"].map { k in
                (k, k == "collectiveHousehold" || k == "addressMatchesProperty" ? b(false) : s("无"))
            }
        }

        // Property.
        var property: [(String, JSONValue)] = [("held", b(propertyHeld))]
        if propertyHeld {
            let (owner, ownerRel) = g2 != nil && rng.chance(0.3) ? (g2!, rel2) : (g1, rel1)
            let modern = rng.chance(0.7)
            let adult = CalendarDate(owner.birth.year + 20, owner.birth.month, 1)
            let issue = modern ? date(max(CalendarDate(2016, 1, 1), adult), CalendarDate(2024, 4, 30))
                : date(max(CalendarDate(2003, 1, 1), adult), max(max(CalendarDate(2003, 1, 1), adult), CalendarDate(2015, 12, 31)))
            let certNo = modern
                ? "黑(\(issue.year))\(isCounty ? d.name : "哈尔滨市")不动产权第\(rng.digits(7))号"
                : "哈房权证\(isCounty ? short : short.prefix(1) + "")字第\(rng.digits(10))号"
            property += [
                ("certificateType", s(modern ? "不动产证" : "房屋所有权证")),
                ("owner", .fields([("name", s(owner.name)), ("relation", s(ownerRel)), ("idType", s(owner.idType)),
                                   ("idNumber", s(owner.idNumber))])),
                ("address", s(propertyAddress)),
                ("addressConfirm", s(propertyAddress)),
                ("issueDate", s(issue.description)),
                ("certificateNumber", s(certNo)),
                ("usage", s(rng.weighted([("住宅", 90), ("商住两用", 6), ("商业", 2), ("办公", 1), ("其他", 1)]))),
                ("coOwnership", s(rng.weighted([("单独所有(夫妻共有)", 70), ("共同共有", 22), ("按份共有", 8)]))),
            ]
        }

        // Residence permits.
        var residence: [(String, JSONValue)]
        if rng.chance(resident ? 0.18 : 0.5) {
            let count = rng.weighted([(1, 70), (2, 20), (3, 10)])
            let (holder, holderRel) = g2 != nil && rng.chance(0.3) ? (g2!, rel2) : (g1, rel1)
            let permitNo = d.code + String(rng.int(2016...2023)) + rng.digits(5)
            let addr = "\(cityPrefix.hasPrefix("哈尔滨市") ? cityPrefix : "哈尔滨市" + cityPrefix)\(area.0)\(rng.pick(area.1))\(rng.int(1...300))号\(flat(beijing: false))"
            var permits: [JSONValue] = []
            var year = 2023
            for _ in 0..<count {
                let endorsed = date(CalendarDate(year, 1, 1), CalendarDate(year, 12, 31))
                year -= 1
                permits.append(.fields([
                    ("holder", .fields([("name", s(holder.name)), ("relation", s(holderRel)),
                                        ("idType", s(holder.idType)), ("idNumber", s(holder.idNumber))])),
                    ("permitNumber", s(permitNo)),
                    ("endorsementDate", s(endorsed.description)),
                    ("address", s(addr)),
                ]))
            }
            residence = [("held", b(true)), ("permits", .array(permits))]
        } else {
            residence = [("held", b(false))]
        }

        func guardianJSON(_ p: Person, _ rel: String) -> JSONValue {
            let addr: String
            if p.nationality != "中国" {
                addr = "哈尔滨市\(d.name)\(road)\(number)（外籍，无户籍，填居住地址）"
            } else if p.idType != "居民身份证" {
                addr = hmtAddress(origin)
            } else if resident && rng.chance(0.7) {
                addr = collective ? hukouAddress : hukouAddress + (matchesProperty ? "" : unitRoom)
            } else {
                let region = String(p.idNumber.prefix(6))
                if let other = districts.first(where: { $0.code == region }) {
                    let a = rng.pick(other.areas)
                    addr = "黑龙江省哈尔滨市\(other.name)\(a.0)\(rng.pick(a.1))\(rng.int(1...300))号"
                } else {
                    addr = provinceAddress(Places.provinces[4]).address
                }
            }
            return .fields([
                ("name", s(p.name)), ("relation", s(rel)), ("idType", s(p.idType)), ("idNumber", s(p.idNumber)),
                ("employer", s(employer(cityPrefix: "哈尔滨", district: d.name))), ("phone", s(p.phone)),
                ("hukouAddress", s(addr)),
            ])
        }

        let fillerIsG2 = g2 != nil && rng.chance(0.2)
        let appPhone = fillerIsG2 ? g2!.phone : g1.phone
        var phones = [g1.phone]
        let backup: String
        if let g = g2 {
            phones.append(g.phone)
            backup = fillerIsG2 ? g1.phone : g.phone
        } else {
            backup = try uniquePhone()
            phones.append(backup)
        }
        var studentEthnicity = ethnicity()
        if case .foreign = origin { studentEthnicity = "其他" }
        var doc: [(String, JSONValue)] = [
            ("application", .fields([("district", s(d.name)), ("school", s(school)), ("phone", s(appPhone))])),
            ("student", .fields([
                ("name", s(child.name)), ("idType", s(child.idType)), ("idNumber", s(child.idNumber)),
                ("birthDate", s(birth.description)), ("sex", s(male ? "男" : "女")), ("ethnicity", s(studentEthnicity)),
                ("specialCategory", s(rng.weighted([("无", 95), ("双多胞胎", 3), ("残疾儿童", 1), ("暂缓入学", 1)]))),
            ])),
            ("hukou", .fields(hukou)),
            ("property", .fields(property)),
            ("residencePermit", .fields(residence)),
            ("guardian1", guardianJSON(g1, rel1)),
        ]
        if let g = g2 { doc.append(("guardian2", guardianJSON(g, rel2))) }
        var commitment: [(String, JSONValue)] = [("signed", b(true)),
                                                 ("method", s(rng.chance(0.6) ? "手写签名" : "拍照上传"))]
        if rng.chance(0.6) { commitment.append(("signedDate", s(date(CalendarDate(2024, 5, 20), CalendarDate(2024, 7, 15)).description))) }
        doc += [
            ("filler", .fields([("role", s(fillerIsG2 ? "监护人二信息" : "监护人一信息")), ("backupPhone", s(backup))])),
            ("commitment", .fields(commitment)),
        ]
        return (.fields(doc), child.idNumber, phones)
    }
}
