import CalendarDates
import JSONSchema
import EnrollCore
/// Fills `beijing-local-primary-2024` and `beijing-nonlocal-primary-2021/2025`.
extension FamilyFactory {
    /// Street address inside a Beijing district.
    mutating func beijingAddress(_ d: District) -> String {
        let prefix: String
        switch d.name {
        case "燕山地区": prefix = "北京市房山区"
        case "经济技术开发区": prefix = "北京经济技术开发区"
        default: prefix = "北京市\(d.name)"
        }
        let area = rng.pick(d.areas)
        return "\(prefix)\(area.0)\(rng.pick(area.1))\(rng.int(1...120))号院\(flat(beijing: true))"
    }

    mutating func beijingStudent(_ child: Person, birth: CalendarDate, ethnicity: String, singleGuardian: Bool) -> JSONValue {
        var st: [(String, JSONValue)] = [
            ("name", s(child.name)), ("nationality", s(child.nationality)), ("idType", s(child.idType)),
            ("idNumber", s(child.idNumber)), ("birthDate", s(birth.description)), ("sex", s(child.male ? "男" : "女")),
            ("ethnicity", s(ethnicity)), ("onlyChild", b(rng.chance(0.55))),
            ("bloodType", s(rng.weighted(Vocabulary.bloodTypes))),
            ("medicalHistory", s(rng.chance(0.9) ? "无" : rng.pick(Vocabulary.medicalHistory))),
            ("allergies", s(rng.chance(0.85) ? "无" : rng.pick(Vocabulary.allergies))),
            ("singleGuardian", b(singleGuardian)),
        ]
        if rng.chance(0.2) {
            st.append(("specialCategory", s(rng.weighted([("无", 80), ("双多胞胎", 12), ("残疾儿童", 4), ("暂缓入学", 4)]))))
        }
        return .fields(st)
    }

    mutating func beijingGuardian(_ p: Person, _ rel: String, residence: District) -> JSONValue {
        let emp = employer(cityPrefix: "北京", district: residence.name == "燕山地区" || residence.name == "经济技术开发区"
                           ? "大兴区" : residence.name)
        let empDistrict: String
        if emp == "无" {
            empDistrict = "无"
        } else if rng.chance(0.65) {
            empDistrict = residence.name
        } else if rng.chance(0.1) {
            empDistrict = "北京市以外"
        } else {
            empDistrict = rng.pick(Places.beijing).name
        }
        return .fields([
            ("nationality", s(p.nationality)), ("province", s(p.province)), ("name", s(p.name)), ("relation", s(rel)),
            ("idType", s(p.idType)), ("idNumber", s(p.idNumber)), ("education", s(rng.weighted(Vocabulary.education))),
            ("phone", s(p.phone)), ("employer", s(emp)), ("employerDistrict", s(empDistrict)),
        ])
    }

    /// Orders the guardians: father first, mother first, or an elder (grandparent) first; drops guardian 2 when single.
    mutating func beijingGuardians(father: Person, mother: Person, single: Bool, elder: (Person, String))
        -> [(Person, String)] {
        var list: [(Person, String)]
        switch rng.weighted([(0, 58), (1, 37), (2, 5)]) {
        case 0: list = [(father, "父亲"), (mother, "母亲")]
        case 1: list = [(mother, "母亲"), (father, "父亲")]
        default: list = [elder, rng.chance(0.5) ? (father, "父亲") : (mother, "母亲")]
        }
        if single { list.removeLast() }
        return list
    }

    mutating func commitmentJSON(spec: FormSpec) -> JSONValue {
        var c: [(String, JSONValue)] = [("noticeAccepted", b(true))]
        if spec.hasPrivacyPolicy { c.append(("privacyPolicyAccepted", b(true))) }
        c.append(("pledgeSigned", b(true)))
        return .fields(c)
    }

    mutating func beijingLocalDocument(spec: FormSpec) throws -> (JSONValue, String, [String]) {
        let all = Places.beijing
        let hukouD = rng.weighted(Array(zip(all, Places.beijingWeights)))
        let sameRes = rng.chance(0.7)
        let resD = sameRes ? hukouD : rng.weighted(Array(zip(all, Places.beijingWeights)))
        let appD = rng.chance(0.85) ? resD : hukouD
        let male = rng.chance(0.51)
        let birth = date(spec.birthFrom, spec.birthTo)
        let familyName = surname()

        func parent(_ isMale: Bool, _ name: String) throws -> Person {
            let pb = parentBirth(child: birth, male: isMale)
            if !isMale && rng.chance(0.03) {
                let o = rng.pick(Vocabulary.foreignOrigins)
                return try person(origin: .foreign(o), name: foreignName(o, male: false), male: false, birth: pb,
                                  region: "", province: "无")
            }
            if rng.chance(0.78) {
                return try person(origin: .mainland, name: name, male: isMale, birth: pb, region: rng.pick(all).code,
                                  province: "北京市")
            }
            let pi = rng.weighted(Array(zip(Array(Places.provinces.indices), Places.provinceWeights)))
            let code = provinceAddress(Places.provinces[pi]).code
            return try person(origin: .mainland, name: name, male: isMale, birth: pb, region: code,
                              province: Places.provinces[pi].name)
        }
        let father = try parent(true, familyName + adultGiven(male: true))
        let mother = try parent(false, surname() + adultGiven(male: false))
        let childRegion = rng.chance(0.85) ? hukouD.code : rng.pick(all).code
        let childSurname = rng.chance(0.92) ? familyName : (mother.nationality == "中国" ? String(mother.name.prefix(1)) : familyName)
        let child = try person(origin: .mainland, name: childSurname + childGiven(male: male), male: male, birth: birth,
                               region: childRegion, province: "北京市")
        let single = rng.chance(0.12)
        let gm = rng.chance(0.5)
        let paternal = rng.chance(0.6)
        let elderPerson = try person(origin: .mainland,
                                     name: (paternal && !gm ? familyName : surname()) + adultGiven(male: !gm, elder: true),
                                     male: !gm, birth: elderBirth(child: birth), region: rng.pick(all).code,
                                     province: "北京市")
        let elder = (elderPerson, gm ? (paternal ? "祖母" : "外祖母") : (paternal ? "祖父" : "外祖父"))
        var guardians = beijingGuardians(father: father, mother: mother, single: single, elder: elder)
        for i in guardians.indices { guardians[i].0.phone = try uniquePhone() }
        let hukouAddr = beijingAddress(hukouD)
        var doc: [(String, JSONValue)] = [
            ("application", .fields([("district", s(appD.name))])),
            ("student", beijingStudent(child, birth: birth, ethnicity: ethnicity(), singleGuardian: single)),
            ("hukou", .fields([
                ("province", s("北京市")), ("district", s(hukouD.name)), ("address", s(hukouAddr)),
                ("type", s(rng.weighted([("非农业户口", 45), ("居民户口", 45), ("农业户口", 10)]))),
            ])),
            ("residence", .fields([("district", s(resD.name)),
                                   ("address", s(sameRes && rng.chance(0.7) ? hukouAddr : beijingAddress(resD)))])),
        ]
        doc.append(("guardian1", beijingGuardian(guardians[0].0, guardians[0].1, residence: resD)))
        if guardians.count > 1 { doc.append(("guardian2", beijingGuardian(guardians[1].0, guardians[1].1, residence: resD))) }
        doc.append(("commitment", commitmentJSON(spec: spec)))
        return (.fields(doc), child.idNumber, guardians.map(\.0.phone))
    }

    mutating func beijingNonlocalDocument(spec: FormSpec) throws -> (JSONValue, String, [String]) {
        let all = Places.beijing
        let resD = rng.weighted(Array(zip(all, Places.beijingWeights)))
        let male = rng.chance(0.51)
        let birth = date(spec.birthFrom, spec.birthTo)
        let kind = rng.weighted([(0, 920), (1, 20), (2, 10), (3, 15), (4, 35)])
        let origin: Origin
        switch kind {
        case 1: origin = .hongKong
        case 2: origin = .macao
        case 3: origin = .taiwan
        case 4: origin = .foreign(rng.weighted(Array(zip(Vocabulary.foreignOrigins, [15, 40, 20, 15, 10]))))
        default: origin = .mainland
        }
        let familyName = surname()
        let father: Person, mother: Person, child: Person
        let hukou: JSONValue
        var ethnicityValue = ethnicity()
        switch origin {
        case .mainland:
            let pi = rng.weighted(Array(zip(Array(Places.provinces.indices), Places.provinceWeights)))
            let prov = Places.provinces[pi]
            let (addr, code) = provinceAddress(prov)
            func parentRegion() -> (String, String) {
                if rng.chance(0.85) { return (provinceAddress(prov).code, prov.name) }
                let other = Places.provinces[rng.weighted(Array(zip(Array(Places.provinces.indices), Places.provinceWeights)))]
                return (provinceAddress(other).code, other.name)
            }
            let (fr, fp) = parentRegion()
            let (mr, mp) = parentRegion()
            father = try person(origin: origin, name: familyName + adultGiven(male: true), male: true,
                                birth: parentBirth(child: birth, male: true), region: fr, province: fp)
            mother = try person(origin: origin, name: surname() + adultGiven(male: false), male: false,
                                birth: parentBirth(child: birth, male: false), region: mr, province: mp)
            child = try person(origin: origin, name: (rng.chance(0.92) ? familyName : String(mother.name.prefix(1)))
                                + childGiven(male: male), male: male, birth: birth, region: code, province: prov.name)
            hukou = .fields([("province", s(prov.name)), ("address", s(addr)),
                             ("type", s(rng.weighted([("农业户口", 30), ("非农业户口", 30), ("居民户口", 40)])))])
        case let .foreign(o):
            let fam = rng.pick(o.surnames)
            father = try person(origin: origin, name: foreignName(o, male: true, surname: fam), male: true,
                                birth: parentBirth(child: birth, male: true), region: "", province: "无")
            if rng.chance(0.2) {
                let prov = Places.provinces[rng.below(Places.provinces.count)]
                mother = try person(origin: .mainland, name: surname() + adultGiven(male: false), male: false,
                                    birth: parentBirth(child: birth, male: false), region: provinceAddress(prov).code,
                                    province: prov.name)
            } else {
                mother = try person(origin: origin, name: foreignName(o, male: false, surname: fam), male: false,
                                    birth: parentBirth(child: birth, male: false), region: "", province: "无")
            }
            child = try person(origin: origin, name: foreignName(o, male: male, surname: fam), male: male, birth: birth,
                               region: "", province: "无")
            hukou = .fields([("province", s("无")), ("address", s("无")), ("type", s("无"))])
            ethnicityValue = "其他"
        default:
            father = try person(origin: origin, name: familyName + adultGiven(male: true), male: true,
                                birth: parentBirth(child: birth, male: true), region: "", province: "")
            mother = try person(origin: origin, name: surname() + adultGiven(male: false), male: false,
                                birth: parentBirth(child: birth, male: false), region: "", province: "")
            child = try person(origin: origin, name: familyName + childGiven(male: male), male: male, birth: birth,
                               region: "", province: "")
            hukou = .fields([("province", s(child.province)), ("address", s(hmtAddress(origin))), ("type", s("无"))])
            ethnicityValue = "汉族"
        }
        let single = rng.chance(0.12)
        let gm = rng.chance(0.5)
        let paternal = rng.chance(0.6)
        let name: String
        if case let .foreign(o) = origin { name = foreignName(o, male: !gm) } else {
            name = (paternal && !gm ? familyName : surname()) + adultGiven(male: !gm, elder: true)
        }
        var p = try person(origin: origin, name: name, male: !gm, birth: elderBirth(child: birth),
                           region: String(father.idNumber.prefix(6)), province: father.province)
        if p.idType == "居民身份证", !ResidentID.isValid(p.idNumber) {
            p.idNumber = try residentID(region: "130102", birth: p.birth, male: p.male)
        }
        let elder = (p, gm ? (paternal ? "祖母" : "外祖母") : (paternal ? "祖父" : "外祖父"))
        var guardians = beijingGuardians(father: father, mother: mother, single: single, elder: elder)
        for i in guardians.indices { guardians[i].0.phone = try uniquePhone() }
        var doc: [(String, JSONValue)] = [
            ("application", .fields([("district", s(resD.name))])),
            ("student", beijingStudent(child, birth: birth, ethnicity: ethnicityValue, singleGuardian: single)),
            ("hukou", hukou),
            ("residence", .fields([("district", s(resD.name)), ("address", s(beijingAddress(resD)))])),
        ]
        doc.append(("guardian1", beijingGuardian(guardians[0].0, guardians[0].1, residence: resD)))
        if guardians.count > 1 { doc.append(("guardian2", beijingGuardian(guardians[1].0, guardians[1].1, residence: resD))) }
        doc.append(("commitment", commitmentJSON(spec: spec)))
        return (.fields(doc), child.idNumber, guardians.map(\.0.phone))
    }
}
