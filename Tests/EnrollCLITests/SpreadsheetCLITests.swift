import Foundation
import Testing

/// `enroll export xlsx` and `enroll schools import|export` end to end, with the outside
/// readers and writers the district office uses: openpyxl and LibreOffice. Both are installed by
/// scripts/setup.sh; a test fails (does not skip) when one is missing.
@Suite("enroll spreadsheets: export xlsx, schools import|export, openpyxl and LibreOffice")
struct SpreadsheetCLITests {
    let cli = CLITests()

    /// A store with three generated Harbin applications, the first admitted to 测试第一小学.
    func store(in dir: String) throws -> [[String: Any]] {
        #expect(try cli.enroll(["keys", "generate", "--out", "keys", "--name", "st"], in: dir).status == 0)
        let made = try cli.enroll(
            ["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "3", "--out", "day", "--key", "keys/st.sec", "--small", "--seed", "7"],
            in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try cli.enroll(["trust", "add", "keys/st.pub", "--store", "store"], in: dir).status == 0)
        let imported = try cli.enroll(["import", "day", "--store", "store"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        let exported = try cli.enroll(["export", "json", "--store", "store"], in: dir)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(exported.stdout.utf8)) as? [[String: Any]])
        try #require(rows.count == 3)
        let first = try #require(rows[0]["collectionNumber"] as? String)
        #expect(try cli.enroll(["review", "verify", first, "--store", "store"], in: dir).status == 0)
        #expect(try cli.enroll(["review", "admit", first, "--store", "store", "--school", "测试第一小学"], in: dir).status == 0)
        return rows
    }

    /// What openpyxl sees in a workbook: per sheet, the freeze pane, the filter and every cell
    /// as [type name, value] (dates as ISO text).
    static let openpyxlDump = """
        import datetime, json, sys, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {}
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows():
                cells = []
                for c in row:
                    v = c.value
                    cells.append([type(v).__name__, v.date().isoformat() if isinstance(v, datetime.datetime) else v])
                rows.append(cells)
            out[ws.title] = {"freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "rows": rows}
        print(json.dumps({"order": wb.sheetnames, "sheets": out}, ensure_ascii=False))
        """

    @Test("export xlsx opens in openpyxl with every value and type as written, and LibreOffice converts it to CSV")
    func exportInterop() throws {
        let dir = try cli.scratch()
        let rows = try store(in: dir)
        let run = try cli.enroll(["export", "xlsx", "--store", "store", "--out", "apps.xlsx", "--lang", "en"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("rows"), "\(run.stdout)")
        let again = try cli.enroll(["export", "xlsx", "--store", "store", "--out", "apps.xlsx", "--lang", "en"], in: dir)
        #expect(again.status == 2 && again.stderr.contains("io.exists"), "\(again.stderr)")

        let shown = try cli.enroll(["forms", "show", "harbin-public-primary-2024", "--format", "json"], in: dir)
        let form = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let fields = try #require(form["fields"] as? [[String: Any]])
        func label(_ pointer: String) throws -> String {
            let field = try #require(fields.first { $0["pointer"] as? String == pointer }, "no field \(pointer)")
            return try #require((field["label"] as? [String: Any])?["zh"] as? String)
        }
        let sheetName = try #require((form["label"] as? [String: Any])?["zh"] as? String)

        let dumped = try CLITests.runPython(Self.openpyxlDump, [dir + "/apps.xlsx"])
        #expect(dumped.status == 0, "openpyxl is needed (scripts/setup.sh): \(dumped.stderr)")
        let workbook = try #require(try JSONSerialization.jsonObject(with: Data(dumped.stdout.utf8)) as? [String: Any])
        #expect(workbook["order"] as? [String] == [sheetName, "录取 测试第一小学"])
        let sheets = try #require(workbook["sheets"] as? [String: [String: Any]])
        let sheet = try #require(sheets[sheetName])
        #expect(sheet["freeze"] as? String == "A2")
        #expect((sheet["filter"] as? String)?.hasPrefix("A1:") == true, "\(String(describing: sheet["filter"]))")
        let table = try #require(sheet["rows"] as? [[[Any]]])
        #expect(table.count == 4)
        let header = table[0].map { $0[1] as? String ?? "" }
        #expect(header.first == "采集编号")
        let idColumn = try #require(header.firstIndex(of: "\(try label("/student")) › \(try label("/student/idNumber"))"), "\(header)")
        let birthColumn = try #require(header.firstIndex(of: "\(try label("/student")) › \(try label("/student/birthDate"))"), "\(header)")
        let revisionColumn = try #require(header.firstIndex(of: "版本"))
        for (index, row) in rows.enumerated() {
            let cells = table[index + 1]
            let data = try #require(row["data"] as? [String: Any])
            let student = try #require(data["student"] as? [String: Any])
            #expect(cells[0][0] as? String == "str" && cells[0][1] as? String == row["collectionNumber"] as? String)
            #expect(cells[idColumn][0] as? String == "str", "ID numbers are text cells")
            #expect(cells[idColumn][1] as? String == student["idNumber"] as? String)
            #expect(cells[birthColumn][0] as? String == "datetime", "dates are dates")
            #expect(cells[birthColumn][1] as? String == student["birthDate"] as? String)
            #expect(cells[revisionColumn][0] as? String == "int" && cells[revisionColumn][1] as? Int == 1)
        }
        let school = try #require(sheets["录取 测试第一小学"]?["rows"] as? [[[Any]]])
        #expect(school.count == 2 && school[1][0][1] as? String == rows[0]["collectionNumber"] as? String)

        // LibreOffice headless, with a profile of its own, converts the first sheet to CSV.
        let profile = dir + "/lo-profile"
        let converted = Process()
        converted.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        converted.arguments = [
            "soffice", "-env:UserInstallation=file://" + profile, "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir", dir + "/csv", dir + "/apps.xlsx",
        ]
        converted.environment = ProcessInfo.processInfo.environment.merging(["HOME": dir]) { $1 }
        let office = try CLITests.collect(converted)
        #expect(office.status == 0, "soffice is needed (scripts/setup.sh installs libreoffice-calc-nogui): \(office.stderr)")
        let csv = try String(contentsOfFile: dir + "/csv/apps.csv", encoding: .utf8)
        let lines = csv.split(whereSeparator: \.isNewline)
        #expect(lines.count == 4, "\(csv.prefix(400))")
        // LibreOffice quotes text fields ("采集编号","状态",…); the first field is the collection number's header.
        let firstField = lines.first?.split(separator: ",").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        #expect(firstField == "采集编号", "\(lines.first ?? "")")
        for row in rows {
            let student = try #require((row["data"] as? [String: Any])?["student"] as? [String: Any])
            let id = try #require(student["idNumber"] as? String)
            #expect(csv.contains(id), "LibreOffice keeps all 18 digits of \(id.prefix(6))…")
            #expect(csv.contains(try #require(student["birthDate"] as? String)), "the date shows as yyyy-mm-dd")
            #expect(csv.contains(try #require(row["collectionNumber"] as? String)))
        }
        #expect(!csv.contains("E+17"))
    }

    /// Writes a school list with openpyxl: the columns in another order plus one nobody asked
    /// for, every value a string; `numberAt` puts a number in 学校联系电话 of that row.
    static let openpyxlSchools = """
        import sys, openpyxl
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "学校名单"
        ws.append(["学校名称", "所属区", "学校联系电话", "学校地址", "学校负责人", "备注"])
        for i in range(1, 7):
            phone = 13800000000 + i if sys.argv[2] == str(i + 1) else "0451-8000000%d" % i
            ws.append(["测试小学%d" % i, "测试区", phone, "测试路%d号" % i, "测试老师%d" % i, "无"])
        wb.save(sys.argv[1])
        """

    @Test("a school list written by openpyxl imports; a number where text belongs is refused at its cell and nothing changes; export reads back")
    func schoolsInterop() throws {
        let dir = try cli.scratch()
        #expect(try CLITests.runPython(Self.openpyxlSchools, [dir + "/schools.xlsx", "0"]).status == 0)
        let imported = try cli.enroll(["schools", "import", "schools.xlsx", "--store", "store", "--lang", "en"], in: dir)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("6 added"), "\(imported.stdout)")
        let listed = try cli.enroll(["schools", "list", "--store", "store", "--format", "json"], in: dir)
        let schools = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(schools.count == 6)
        #expect(schools.first?["name"] as? String == "测试小学1" && schools.first?["phone"] as? String == "0451-80000001")
        #expect(schools.first?["district"] as? String == "测试区" && schools.first?["address"] as? String == "测试路1号")

        #expect(try CLITests.runPython(Self.openpyxlSchools, [dir + "/bad.xlsx", "7"]).status == 0)
        let refused = try cli.enroll(["schools", "import", "bad.xlsx", "--store", "store", "--lang", "en", "--format", "json"], in: dir)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("sheet.not-text") && refused.stdout.contains("学校名单!C7"), "\(refused.stdout)")
        let after = try cli.enroll(["schools", "list", "--store", "store", "--format", "json"], in: dir)
        #expect(after.stdout == listed.stdout, "a refused import changes nothing")

        let exported = try cli.enroll(["schools", "export", "--store", "store", "--out", "back.xlsx"], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        let read = try CLITests.runPython(
            "import sys, openpyxl, json; ws = openpyxl.load_workbook(sys.argv[1]).active; print(json.dumps([[c.value for c in r] for r in ws.iter_rows()], ensure_ascii=False))",
            [dir + "/back.xlsx"])
        let table = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [[Any]])
        #expect(table.first as? [String] == ["学校名称", "所属区", "学校地址", "学校负责人", "学校联系电话"])
        #expect(table.count == 7 && table[1] as? [String] == ["测试小学1", "测试区", "测试路1号", "测试老师1", "0451-80000001"])
        let reimported = try cli.enroll(["schools", "import", "back.xlsx", "--store", "store", "--lang", "en"], in: dir)
        #expect(reimported.status == 0 && reimported.stdout.contains("0 added, 6 updated, 0 removed"), "\(reimported.stdout)\(reimported.stderr)")
    }
}
