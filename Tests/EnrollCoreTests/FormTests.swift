import CalendarDates
import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// The forms in Schemas/, compiled once for all tests.
let sharedCatalog: FormCatalog = try! FormCatalog(directory: repositoryRoot + "/Schemas")

let fixturesDirectory = repositoryRoot + "/Tests/Fixtures/forms"

/// Validates one fixture's form data (no attachments) and returns schema and rule problems.
func formProblems(_ form: String, _ file: String) throws -> [Diagnostic] {
    let validator = FormValidator(form: try sharedCatalog.form(form))
    let input = FormInput(formJSON: try FileIO.readAll(fixturesDirectory + "/" + form + "/" + file), attachments: [])
    return validator.validate(input, root: "bundle").filter { !$0.code.rawValue.hasPrefix("attachment.") }
}

@Suite("Form schemas and fixtures")
struct FormFixtureTests {
    static let expected: [String: [String]] = {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixturesDirectory + "/expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: [String]]
    }()

    /// Why the fixture list could not be made.
    enum FixtureListError: Error, Equatable {
        /// The form has no fixture folder (or it cannot be listed).
        case missingFolder(form: String)
        /// The form's folder holds fewer `valid-*.json` files than required.
        case tooFewValidFixtures(form: String, found: Int, minimum: Int)
    }

    /// Every form's `valid-*.json` fixtures, as `form/file`, sorted.
    /// - Throws: ``FixtureListError`` when a form's folder is missing or holds fewer than
    ///   `minimum` valid fixtures, so a moved or emptied fixture folder fails the tests
    ///   instead of running none of them.
    static func validFixtures(in directory: String = fixturesDirectory, forms: [String] = sharedCatalog.ids, minimum: Int = 3) throws -> [String] {
        try forms.flatMap { form in
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory + "/" + form)
            } catch {
                throw FixtureListError.missingFolder(form: form)
            }
            let valid = names.filter { $0.hasPrefix("valid-") && $0.hasSuffix(".json") }.sorted()
            guard valid.count >= minimum else {
                throw FixtureListError.tooFewValidFixtures(form: form, found: valid.count, minimum: minimum)
            }
            return valid.map { form + "/" + $0 }
        }
    }

    @Test("the fixture list refuses a missing or empty fixture folder")
    func fixtureListRefusesMissingOrEmptyFolders() throws {
        let dir = TemporaryDirectory()
        #expect(throws: FixtureListError.missingFolder(form: "harbin-public-primary-2024")) {
            try Self.validFixtures(in: dir.path, forms: ["harbin-public-primary-2024"])
        }
        try FileManager.default.createDirectory(atPath: dir("harbin-public-primary-2024"), withIntermediateDirectories: true)
        try write(dir("harbin-public-primary-2024/invalid-unknown-key.json"), "{}")
        try write(dir("harbin-public-primary-2024/valid-one.json"), "{}")
        #expect(throws: FixtureListError.tooFewValidFixtures(form: "harbin-public-primary-2024", found: 1, minimum: 3)) {
            try Self.validFixtures(in: dir.path, forms: ["harbin-public-primary-2024"])
        }
        try write(dir("harbin-public-primary-2024/valid-two.json"), "{}")
        try write(dir("harbin-public-primary-2024/valid-three.json"), "{}")
        #expect(try Self.validFixtures(in: dir.path, forms: ["harbin-public-primary-2024"]) == [
            "harbin-public-primary-2024/valid-one.json", "harbin-public-primary-2024/valid-three.json",
            "harbin-public-primary-2024/valid-two.json",
        ])
    }

    @Test("every invalid fixture on disk has an expectation, and every expectation a fixture")
    func expectationsMatchTheInvalidFixtures() throws {
        var onDisk: [String] = []
        for form in sharedCatalog.ids {
            onDisk += try FileManager.default.contentsOfDirectory(atPath: fixturesDirectory + "/" + form)
                .filter { $0.hasPrefix("invalid-") }.map { form + "/" + $0 }
        }
        #expect(onDisk.count >= 4 * sharedCatalog.ids.count)
        #expect(onDisk.sorted() == Self.expected.keys.sorted())
    }

    @Test func everyFormIsPresentWithItsVocabulary() throws {
        #expect(sharedCatalog.ids == [
            "beijing-local-primary-2024", "beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025",
            "harbin-public-primary-2024",
        ])
        for form in try sharedCatalog.allForms() {
            #expect(!form.slots.isEmpty, "\(form.id) has no attachment slots")
            #expect(form.slots.contains { $0.id == "commitment" && $0.required }, "\(form.id): the signed commitment must be required")
            #expect(form.rules.contains { $0.rule == "id-number-birth-date" })
            #expect(form.rules.contains { $0.rule == "birth-date-window" })
            #expect(form.crossApplicationRules.contains { $0.rule == "unique" })
            #expect(form.fieldList().count > 30, "\(form.id) has only \(form.fieldList().count) fields")
            #expect(form.fieldList().allSatisfy { !$0.label.zh.isEmpty && !$0.label.en.isEmpty })
        }
        let harbin = try sharedCatalog.form("harbin-public-primary-2024")
        let photo = try #require(harbin.slots.first { $0.id == "student-photo" })
        #expect(photo.pixelSize?.width == 295 && photo.pixelSize?.height == 413)
        #expect(photo.mediaTypes == [.jpeg])
        #expect(harbin.crossApplicationRules.first { $0.rule == "quota" }?.max == 1)
        #expect(try sharedCatalog.form("beijing-local-primary-2024").crossApplicationRules.first { $0.rule == "quota" }?.max == 3)
    }

    @Test(arguments: try validFixtures())
    func validFixturePasses(_ fixture: String) throws {
        let parts = fixture.split(separator: "/").map(String.init)
        let problems = try formProblems(parts[0], parts[1])
        #expect(problems.isEmpty, "\(problems.map(\.description))")
    }

    @Test(arguments: expected.keys.sorted())
    func invalidFixtureFailsWhereExpected(_ fixture: String) throws {
        let parts = fixture.split(separator: "/").map(String.init)
        let problems = try formProblems(parts[0], parts[1])
        #expect(!problems.isEmpty, "\(fixture) was accepted")
        let expectations = Self.expected[fixture]!
        // Each expected error is matched by a diagnostic of the right kind at the right place.
        for expectation in expectations {
            if expectation.hasPrefix("rule:") {
                let rule = String(expectation.dropFirst(5))
                #expect(problems.contains { $0.code.rawValue == "form.rule.\(rule)" }, "\(fixture): no \(expectation) in \(problems.map(\.code.rawValue))")
                continue
            }
            let split = expectation.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let (keyword, place) = (split[0], split[1])
            if keyword == "pattern", expectations.contains("format@" + place) { continue }  // folded into the format error
            let code: String? = switch keyword {
            case "required": "form.required"
            case "format": nil
            case "additionalProperties": "form.unknown-field"
            case "enum", "type": "form.\(keyword)"
            default: nil
            }
            let matched = problems.contains { problem in
                guard let pointer = problem.location.pointer, pointer == place || pointer.hasPrefix(place + "/") || place.isEmpty else { return false }
                if keyword == "format" { return problem.code.rawValue.hasPrefix("form.format.") }
                return code.map { problem.code.rawValue == $0 } ?? problem.code.rawValue.hasPrefix("form.")
            }
            #expect(matched, "\(fixture): nothing matches \(expectation) in \(problems.map { "\($0.code)@\($0.location.pointer ?? "")" })")
        }
        // One mistake, few errors: never a flood (each missing required field counts on its own).
        #expect(problems.filter { $0.code != "form.required" }.count <= expectations.count, "\(fixture): \(problems.map { "\($0.code)@\($0.location.pointer ?? "")" })")
        // Every problem is located and labelled in both languages.
        for problem in problems {
            #expect(problem.location.pointer != nil && problem.location.line != nil && problem.location.column != nil, "\(problem)")
            #expect(!problem.message.zh.isEmpty && !problem.message.en.isEmpty)
        }
    }

    @Test func messagesNameTheFieldByItsLabelAndMaskNothingSensitive() throws {
        let problems = try formProblems("harbin-public-primary-2024", "invalid-missing-student-name.json")
        let required = try #require(problems.first { $0.code == "form.required" })
        #expect(required.location.pointer == "/student/name")
        #expect(required.message.zh.contains("学生姓名"))
        #expect(required.message.en.contains("Student name"))
        let badID = try formProblems("harbin-public-primary-2024", "invalid-bad-id-check-digit.json")
        let format = try #require(badID.first)
        #expect(format.code == "form.format.cn-resident-id")
        let data = try read(fixturesDirectory + "/harbin-public-primary-2024/invalid-bad-id-check-digit.json")
        let number = try #require(try JSONParser.parse(data).value(at: JSONPointer(parsing: "/student/idNumber"))?.stringValue)
        #expect(!format.message.zh.contains(number) && !format.message.en.contains(number))
    }

    @Test func oversizeTruncatedAndMistypedAttachments() throws {
        let form = try sharedCatalog.form("harbin-public-primary-2024")
        let sample = repositoryRoot + "/SampleBundles/valid/harbin-public-primary-2024-000001"
        let photo = try FileIO.readAll(sample + "/data/attachments/student-photo/1.jpg")
        let checker = AttachmentChecker(form: form)
        // A 40 MiB photo: judged by its size, its bytes need not be read.
        var big = AttachmentFile(path: "data/attachments/student-photo/1.jpg", size: 40 << 20, head: photo, tail: Array(photo.suffix(1024)))
        var codes = checker.check([big], document: nil, root: "b").map(\.code.rawValue)
        #expect(codes.contains("attachment.too-large"))
        // A PNG's bytes under a .jpg name, in a JPEG-only slot.
        big = AttachmentFile(path: "data/attachments/student-photo/1.jpg", size: Int64(makePNG(width: 295, height: 413).count),
                             head: makePNG(width: 295, height: 413), tail: [])
        codes = checker.check([big], document: nil, root: "b").map(\.code.rawValue)
        #expect(codes.contains("attachment.media-type"))
        // Cut in half.
        let half = Array(photo.prefix(photo.count / 2))
        codes = checker.check([AttachmentFile(path: "data/attachments/student-photo/1.jpg", size: Int64(half.count), head: half, tail: [])], document: nil, root: "b").map(\.code.rawValue)
        #expect(codes.contains("attachment.truncated"))
        // Too many files in a one-file slot.
        let one = AttachmentFile(path: "data/attachments/student-photo/1.jpg", size: Int64(photo.count), head: photo, tail: [])
        var two = one
        two.path = "data/attachments/student-photo/2.jpg"
        #expect(checker.check([one, two], document: nil, root: "b").map(\.code.rawValue).contains("attachment.count"))
    }

    @Test func malformedJSONIsLocated() throws {
        let form = try sharedCatalog.form("harbin-public-primary-2024")
        let cases: [(String, Int, Int)] = [
            ("{\n  \"student\": {\"name\": \"x\",}\n}", 2, 27),
            ("{\"a\": 1, \"a\": 2}", 1, 10),
            ("{\"student\": ", 1, 13),
        ]
        for (text, line, column) in cases {
            let problems = FormValidator(form: form).validate(FormInput(formJSON: Array(text.utf8), attachments: []), root: "b")
            let first = try #require(problems.first)
            #expect(first.code == "form.json-malformed")
            #expect(first.location.line == line && first.location.column == column, "\(text): \(first.location)")
        }
    }
}

@Suite("Chinese ID numbers and formats")
struct FormatTests {
    static let today = ISO8601DateFormatter().date(from: "2026-06-01T00:00:00Z")!

    @Test func residentIDCheckDigit() {
        let number = ResidentID.make(region: "230103", birthDate: CalendarDate(2018, 3, 15), sequence: 123, male: true)
        #expect(number.count == 18)
        #expect(ResidentID.isValid(number, today: Self.today))
        #expect(ResidentID.isMale(number) == true)
        // The GB 11643 example: 11010519491231002X.
        #expect(ResidentID.checkCharacter("11010519491231002") == "X")
        #expect(ResidentID.isValid("11010519491231002X", today: Self.today))
        #expect(!ResidentID.isValid("11010519491231002x", today: Self.today), "lower-case x")
        #expect(!ResidentID.isValid("110105194912310021", today: Self.today), "wrong check digit")
    }

    @Test func residentIDDateAndRegion() {
        let feb30 = "230103" + "20180230" + "123"
        #expect(!ResidentID.isValid(feb30 + String(ResidentID.checkCharacter(feb30)!), today: Self.today))
        let future = "230103" + "20300101" + "123"
        #expect(!ResidentID.isValid(future + String(ResidentID.checkCharacter(future)!), today: Self.today))
        let badRegion = "990103" + "20180101" + "123"
        #expect(!ResidentID.isValid(badRegion + String(ResidentID.checkCharacter(badRegion)!), today: Self.today))
        let old = "110105" + "18991231" + "123"
        #expect(!ResidentID.isValid(old + String(ResidentID.checkCharacter(old)!), today: Self.today))
    }

    @Test func otherFormats() {
        let formats = FormFormats.all(today: Self.today)
        func check(_ name: String, _ value: String) -> Bool { formats[name]!(value) }
        #expect(check("cn-mobile", "13912345678"))
        #expect(!check("cn-mobile", "12912345678"))
        #expect(!check("cn-mobile", "1391234567"))
        #expect(!check("cn-mobile", "139123456789"))
        #expect(check("passport", "E12345678"))
        #expect(!check("passport", "e12345678"))
        #expect(check("cn-hk-macao-permit", "H12345678"))
        #expect(check("cn-hk-macao-permit", "M1234567890"))
        #expect(!check("cn-hk-macao-permit", "X12345678"))
        #expect(check("cn-taiwan-permit", "12345678"))
        #expect(!check("cn-taiwan-permit", "1234567"))
        let hk = ResidentID.make(region: "810000", birthDate: CalendarDate(2018, 5, 1), sequence: 10, male: false)
        #expect(check("cn-hmt-residence-permit", hk))
        #expect(!check("cn-hmt-residence-permit", ResidentID.make(region: "110105", birthDate: CalendarDate(2018, 5, 1), sequence: 10, male: false)))
        #expect(check("cn-foreign-permanent-residence-id", "USA110018050112"))
        #expect(!check("cn-foreign-permanent-residence-id", "USA110018023012"))
        let body = "911" + "000" + "20180501" + "123"
        #expect(check("cn-foreign-permanent-residence-id", body + String(ResidentID.checkCharacter(body)!)))
    }
}
