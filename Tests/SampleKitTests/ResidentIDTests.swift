import Foundation
import Testing
import CalendarDates
import EnrollCore
@testable import SampleKit

@Suite("Resident ID numbers")
struct ResidentIDTests {
    @Test("check characters computed by hand")
    func checkCharacters() {
        // 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+4*6+9*3+1*7+2*9+3*10+1*5+0*8+0*4+2*2 = 167; 167 % 11 = 2 → X
        #expect(ResidentID.checkCharacter("11010519491231002") == "X")
        // 2*7+3*9+0+1*5+1*8+0+2*2+0+1*6+8*3+0+3*9+1*10+5*5+2*8+0+6*2 = 178; 178 % 11 = 2 → X
        #expect(ResidentID.checkCharacter("23011020180315206") == "X")
        // 2*7+3*9+0+1*5+0+3*4+2*2+0+1*6+7*3+1*7+1*9+0+2*5+0+5*4+7*2 = 149; 149 % 11 = 6 → 6
        #expect(ResidentID.checkCharacter("23010320171102057") == "6")
        #expect(ResidentID.checkCharacter("1234") == nil)
    }

    @Test("make fixes the sequence parity and appends the check character")
    func make() {
        #expect(ResidentID.make(region: "230110", birthDate: CalendarDate(2018, 3, 15), sequence: 206, male: false) == "23011020180315206X")
        #expect(ResidentID.make(region: "230103", birthDate: CalendarDate(2017, 11, 2), sequence: 57, male: true) == "230103201711020576")
        // 206 is even (female); asking for a male moves to 207.
        let m = ResidentID.make(region: "230110", birthDate: CalendarDate(2018, 3, 15), sequence: 206, male: true)
        #expect(m.hasPrefix("23011020180315207"))
        #expect(ResidentID.isValid(m))
        // Fixture IDs from forms-work.
        for id in ["110108201801233158", "370102201902142319", "23088219900418062X", "230110198607211355"] {
            #expect(ResidentID.isValid(id), "\(id)")
        }
    }

    @Test("isValid rejects bad check digit, bad date, bad province, bad shape")
    func rejects() {
        #expect(!ResidentID.isValid("230110201803152061"))  // wrong check character
        let feb30 = "11010520180230" + "001"
        #expect(!ResidentID.isValid(feb30 + String(ResidentID.checkCharacter(feb30)!)))
        let badProvince = "99010520180215" + "001"
        #expect(!ResidentID.isValid(badProvince + String(ResidentID.checkCharacter(badProvince)!)))
        let future = "11010521000101" + "001"
        #expect(!ResidentID.isValid(future + String(ResidentID.checkCharacter(future)!), today: ISO8601DateFormatter().date(from: "2024-06-01T00:00:00Z")!))
        #expect(!ResidentID.isValid("23011020180315206x"))  // lowercase x
        #expect(!ResidentID.isValid("2301102018031520"))
    }

    @Test("HK/Macao/Taiwan residence permits and 2023 permanent residence IDs share the check")
    func relatedNumbers() {
        let tw = ResidentID.make(region: "830000", birthDate: CalendarDate(2019, 6, 9), sequence: 23, male: true)
        #expect(tw == "83000020190609023X")
        #expect(ResidentID.isValidHMTResidencePermit(tw))
        #expect(!ResidentID.isValid(tw))  // 83 is not a resident-ID province code
        let fpr = ResidentID.makeForeignPermanent(province: "11", country: "410", birthDate: CalendarDate(2018, 11, 30),
                                                  sequence: 5, male: true)
        #expect(fpr.count == 18 && fpr.hasPrefix("911410") && ResidentID.checkCharacter(String(fpr.prefix(17))).map { String($0) } == String(fpr.suffix(1)))
    }
}
