import Foundation
import Testing

@testable import EnrollCore

/// The JSON files in Schemas/ are the source of the forms: a district office edits them when
/// next year's form arrives. These tests hold every file to the conventions (``SchemaLint``)
/// and keep docs/FORMS.md's generated tables equal to the schemas.
@Suite("Schemas/ conventions")
struct FormLintTests {
    static let seeds = sharedDirectory + "/seeds"

    @Test("every schema file in Schemas/ follows the conventions")
    func schemasFollowTheConventions() throws {
        try #require(FileManager.default.fileExists(atPath: Self.seeds), "the seed manuals are expected in \(Self.seeds)")
        let lint = try SchemaLint(directory: repositoryRoot + "/Schemas", seeds: Self.seeds)
        for problem in lint.problems { Issue.record("\(problem)") }
        // Not vacuous: the five forms and five shared-definition files, every declared node.
        #expect(lint.files.count == 10, "\(lint.files)")
        #expect(lint.files.filter { $0.hasSuffix(".schema.json") }.count == 5)
        #expect(lint.declaredNodes > 250, "only \(lint.declaredNodes) declared fields and sections were checked")
    }

    @Test("a form that follows the conventions passes")
    func conformingFormPasses() throws {
        let lint = try Self.lint(Self.minimalForm)
        #expect(lint.problems.isEmpty, "\(lint.problems)")
        #expect(lint.declaredNodes >= 6)
    }

    /// One broken convention: the change to the minimal form, and where the lint must say
    /// the problem is.
    struct Violation: CustomTestStringConvertible, Sendable {
        var name: String
        var find: String
        var replace: String
        var file = "test-form-2024.schema.json"
        var pointer: String
        var message: String
        var testDescription: String { name }
    }

    static let violations: [Violation] = [
        Violation(name: "an open object", find: #""additionalProperties": false, "x-label": {"zh": "学生", "en": "Student"}"#,
                  replace: #""x-label": {"zh": "学生", "en": "Student"}"#,
                  pointer: "/properties/student", message: "additionalProperties"),
        Violation(name: "a field without English label", find: #"{"zh": "出生日期", "en": "Birth date"}"#, replace: #"{"zh": "出生日期"}"#,
                  pointer: "/properties/student/properties/birthDate", message: "x-label"),
        Violation(name: "a field with an empty label", find: #"{"zh": "出生日期", "en": "Birth date"}"#, replace: #"{"zh": "出生日期", "en": " "}"#,
                  pointer: "/properties/student/properties/birthDate", message: "x-label"),
        Violation(name: "a section without label", find: #", "x-label": {"zh": "报名信息", "en": "Registration"}"#, replace: "",
                  pointer: "/properties/application", message: "x-label"),
        Violation(name: "a property name that is not lowerCamelCase", find: #""choice": {"#, replace: #""Choice": {"#,
                  pointer: "/properties/application/properties/Choice", message: "lowerCamelCase"),
        Violation(name: "a format without a pattern", find: #", "pattern": "^\\d{17}[0-9X]$""#, replace: "",
                  pointer: "/properties/student/properties/idNumber", message: "pattern"),
        Violation(name: "a $ref to nothing", find: "#/$defs/harbinDistrict", replace: "#/$defs/harbinDistricts",
                  pointer: "/properties/application/properties/district/$ref", message: "does not name"),
        Violation(name: "a wrong $id", find: "invalid/test-form-2024.schema.json", replace: "invalid/test-form.schema.json",
                  pointer: "/$id", message: "$id"),
        Violation(name: "x-form.id differs from the file name", find: #""id": "test-form-2024""#, replace: #""id": "test-form""#,
                  pointer: "/x-form/id", message: "file's name"),
        Violation(name: "a version without the year", find: #""version": "2024.1""#, replace: #""version": "1""#,
                  pointer: "/x-form/version", message: "<year>.<n>"),
        Violation(name: "an unknown region", find: #""region": "harbin""#, replace: #""region": "shanghai""#,
                  pointer: "/x-form/region", message: "region"),
        Violation(name: "a source that is not a seed", find: "000_345dd1e71e050ae1.txt", replace: "999_unknown.txt",
                  pointer: "/x-form/source", message: "seed manuals"),
        Violation(name: "an application district that is not a field", find: #""applicationDistrict": "/application/district""#,
                  replace: #""applicationDistrict": "/application/county""#, pointer: "/x-form/applicationDistrict", message: "declared field"),
        Violation(name: "an unknown attachment key", find: #""maxBytes": 20971520}"#, replace: #""maxBytes": 20971520, "maxSize": 1}"#,
                  pointer: "/x-attachments/1", message: "maxSize"),
        Violation(name: "a pixel size on another slot", find: #""mediaTypes": ["image/jpeg", "image/png"], "maxBytes": 20971520}"#,
                  replace: #""mediaTypes": ["image/jpeg", "image/png"], "maxBytes": 20971520, "pixelSize": {"width": 1, "height": 1}}"#,
                  pointer: "/x-attachments/1/pixelSize", message: "student-photo"),
        Violation(name: "an unknown media type", find: #"["image/jpeg", "image/png"]"#, replace: #"["image/jpeg", "image/gif"]"#,
                  pointer: "/x-attachments/1/mediaTypes", message: "mediaTypes"),
        Violation(name: "no commitment slot", find: #""id": "commitment""#, replace: #""id": "pledge""#,
                  pointer: "/x-attachments", message: "commitment slot"),
        Violation(name: "counts out of order", find: #""minCount": 1, "maxCount": 2"#, replace: #""minCount": 3, "maxCount": 2"#,
                  pointer: "/x-attachments/1", message: "minCount"),
        Violation(name: "an unknown rule", find: #""rule": "birth-date-window""#, replace: #""rule": "age-window""#,
                  pointer: "/x-rules/0/rule", message: "rule must be one of"),
        Violation(name: "a rule parameter missing", find: #", "to": "2018-08-31""#, replace: "",
                  pointer: "/x-rules/0/params", message: "[\"to\"]"),
        Violation(name: "a rule pointing to no field", find: #""birthDate": "/student/birthDate""#, replace: #""birthDate": "/student/birthday""#,
                  pointer: "/x-rules/0/params/birthDate", message: "declared field"),
        Violation(name: "a birth window in reverse", find: #""from": "2017-09-01""#, replace: #""from": "2018-09-01""#,
                  pointer: "/x-rules/0/params", message: "from not after to"),
        Violation(name: "a cross-application key that is no field", find: #""key": "/student/idNumber""#, replace: #""key": "/student/id""#,
                  pointer: "/x-cross-application-rules/0/params/key", message: "declared field"),
        Violation(name: "a quota without max", find: #", "max": 1"#, replace: "",
                  pointer: "/x-cross-application-rules/1/params/max", message: "max"),
        Violation(name: "an immutable field that is no field", find: #""x-enroll-immutable": ["/student/idNumber""#,
                  replace: #""x-enroll-immutable": ["/student/idNo""#, pointer: "/x-enroll-immutable/0", message: "declared field"),
        Violation(name: "a revision kind that changes an immutable field", find: #""changes": ["/application/phone"]"#,
                  replace: #""changes": ["/application/district"]"#, pointer: "/x-enroll-revision-kinds/0/changes/0", message: "immutable"),
        Violation(name: "an unknown revision kind", find: #""kind": "school-change""#, replace: #""kind": "grade-change""#,
                  pointer: "/x-enroll-revision-kinds/0/kind", message: "authorization-revoked, name-change, school-change"),
        Violation(name: "a revision kind that sets a field it does not change", find: #""changes": ["/application/phone"]}"#,
                  replace: #""changes": ["/application/phone"], "sets": {"/application/choice": "甲"}}"#,
                  pointer: "/x-enroll-revision-kinds/0/sets", message: "not among its changes"),
        Violation(name: "a notice whose text is not shipped", find: #""x-enroll-notices": []"#,
                  replace: #""x-enroll-notices": [{"id": "n", "version": "2024.1", "label": {"zh": "须知", "en": "Notice"}, "file": "notices/missing.txt"}]"#,
                  pointer: "/x-enroll-notices/0/file", message: "inside the schema directory"),
        Violation(name: "a collection window in reverse", find: #""from": "2024-06-03T08:00:00+08:00""#,
                  replace: #""from": "2024-06-15T08:00:00+08:00""#, pointer: "/x-enroll-windows/0", message: "from before to"),
        Violation(name: "a collection window without its offset", find: #""to": "2024-06-14T23:59:59+08:00""#,
                  replace: #""to": "2024-06-14T23:59:59""#, pointer: "/x-enroll-windows/0/to", message: "ISO 8601"),
        Violation(name: "a shared definition without label", find: #""x-label": {"zh": "测试值", "en": "Test value"}"#, replace: #""title": "x""#,
                  file: "defs/test.json", pointer: "/$defs/value", message: "x-label"),
        Violation(name: "an open object among the shared definitions",
                  find: #""type": "object", "additionalProperties": false, "properties""#, replace: #""type": "object", "properties""#,
                  file: "defs/test.json", pointer: "/$defs/pair", message: "additionalProperties"),
    ]

    @Test("each broken convention is reported with its file and JSON pointer", arguments: violations)
    func brokenConventionIsLocated(_ violation: Violation) throws {
        var files = ["test-form-2024.schema.json": Self.minimalForm, "defs/test.json": Self.testDefinitions]
        let original = try #require(files[violation.file])
        try #require(original.components(separatedBy: violation.find).count == 2, "\(violation.find) must occur once")
        files[violation.file] = original.replacingOccurrences(of: violation.find, with: violation.replace)
        let lint = try Self.lint(files)
        #expect(lint.problems.count == 1, "\(lint.problems)")
        let problem = try #require(lint.problems.first)
        #expect(problem.file == violation.file)
        #expect(problem.pointer == violation.pointer, "\(problem)")
        #expect(problem.message.contains(violation.message), "\(problem)")
    }

    /// docs/FORMS.md's field tables are rendered from the schemas by scripts/forms/gen_docs.py.
    @Test("docs/FORMS.md's tables are the ones the schemas give")
    func formsDocumentationIsUpToDate() throws {
        let result = try runProcess("python3", [repositoryRoot + "/scripts/forms/gen_docs.py", "--check"])
        #expect(result.status == 0, "run python3 scripts/forms/gen_docs.py after editing Schemas/: \(result.stdout) \(result.stderr)")
    }

    @Test("the documentation check fails when a table is out of date")
    func staleDocumentationIsCaught() throws {
        let dir = TemporaryDirectory()
        var text = try read(repositoryRoot + "/docs/FORMS.md")
        let row = "| `/student/name` | 学生姓名 |"
        try #require(text.contains(row))
        text = text.replacingOccurrences(of: row, with: "| `/student/name` | 姓名 |")
        try write(dir("FORMS.md"), text)
        let result = try runProcess("python3", [
            repositoryRoot + "/scripts/forms/gen_docs.py", "--check", "--schemas", repositoryRoot + "/Schemas", "--doc", dir("FORMS.md"),
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("out of date"), "\(result.stderr)")
        // --check never writes.
        #expect(try read(dir("FORMS.md")) == text)
    }

    // MARK: The minimal form

    /// Lints a temporary schema directory holding the real shared definitions and `files`.
    static func lint(_ files: [String: String]) throws -> SchemaLint {
        let dir = TemporaryDirectory()
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Schemas/defs", toPath: dir("defs"))
        for (name, text) in files { try write(dir(name), text) }
        return try SchemaLint(directory: dir.path, seeds: seeds)
    }

    static func lint(_ form: String) throws -> SchemaLint {
        try lint(["test-form-2024.schema.json": form, "defs/test.json": testDefinitions])
    }

    static let testDefinitions = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://schemas.enroll.invalid/defs/test.json",
          "x-label": {"zh": "测试定义", "en": "Test definitions"},
          "$defs": {
            "value": {"type": "string", "enum": ["甲", "乙"], "x-label": {"zh": "测试值", "en": "Test value"}},
            "pair": {"type": "object", "additionalProperties": false, "properties": {
              "first": {"type": "string", "x-label": {"zh": "第一", "en": "First"}}
            }, "x-label": {"zh": "一对", "en": "Pair"}}
          }
        }
        """#

    static let minimalForm = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "$id": "https://schemas.enroll.invalid/test-form-2024.schema.json",
          "title": "测试表",
          "x-label": {"zh": "测试表", "en": "Test form"},
          "x-form": {"id": "test-form-2024", "version": "2024.1", "label": {"zh": "测试表", "en": "Test form"}, "region": "harbin",
                     "year": 2024, "source": "000_345dd1e71e050ae1.txt", "applicationDistrict": "/application/district"},
          "x-attachments": [
            {"id": "student-photo", "label": {"zh": "照片", "en": "Photo"}, "required": true, "minCount": 1, "maxCount": 1,
             "mediaTypes": ["image/jpeg"], "maxBytes": 20971520, "pixelSize": {"width": 295, "height": 413}},
            {"id": "commitment", "label": {"zh": "承诺书", "en": "Commitment"}, "required": true, "minCount": 1, "maxCount": 2,
             "mediaTypes": ["image/jpeg", "image/png"], "maxBytes": 20971520}
          ],
          "x-rules": [
            {"id": "student-birth-window", "rule": "birth-date-window", "label": {"zh": "适龄", "en": "Eligible age"},
             "params": {"birthDate": "/student/birthDate", "from": "2017-09-01", "to": "2018-08-31"}}
          ],
          "x-cross-application-rules": [
            {"id": "one-application-per-child", "rule": "unique", "label": {"zh": "一人一份", "en": "One per child"},
             "params": {"key": "/student/idNumber"}},
            {"id": "phone-quota", "rule": "quota", "label": {"zh": "手机号限额", "en": "Phone quota"},
             "params": {"keys": ["/application/phone"], "max": 1}}
          ],
          "x-enroll-immutable": ["/student/idNumber", "/student/birthDate", "/application/district"],
          "x-enroll-revision-kinds": [
            {"kind": "school-change", "label": {"zh": "修改填报学校", "en": "School change"}, "changes": ["/application/phone"]}
          ],
          "x-enroll-notices": [],
          "x-enroll-windows": [
            {"from": "2024-06-03T08:00:00+08:00", "to": "2024-06-14T23:59:59+08:00", "label": {"zh": "报名", "en": "Registration"}}
          ],
          "type": "object",
          "properties": {
            "application": {"type": "object", "additionalProperties": false, "properties": {
              "district": {"$ref": "defs/regions.json#/$defs/harbinDistrict", "x-label": {"zh": "区县", "en": "District"}},
              "phone": {"$ref": "defs/common.json#/$defs/mobile", "x-label": {"zh": "电话", "en": "Phone"}},
              "choice": {"$ref": "defs/test.json#/$defs/value", "x-label": {"zh": "选择", "en": "Choice"}}
            }, "x-label": {"zh": "报名信息", "en": "Registration"}},
            "student": {"type": "object", "additionalProperties": false, "x-label": {"zh": "学生", "en": "Student"}, "properties": {
              "idNumber": {"type": "string", "format": "cn-resident-id", "pattern": "^\\d{17}[0-9X]$", "x-label": {"zh": "身份证号", "en": "ID number"}},
              "birthDate": {"$ref": "defs/common.json#/$defs/date", "x-label": {"zh": "出生日期", "en": "Birth date"}}
            }}
          },
          "required": ["application", "student"],
          "additionalProperties": false
        }
        """#
}
