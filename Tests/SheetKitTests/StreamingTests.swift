import Foundation
import Testing

@testable import SheetKit

/// Memory is measured by the writer's own high-water mark, not by the process's resident
/// set: other suites run in the same process at the same time, so RSS would measure them
/// too. The mark counts every byte of sheet XML held in memory at once (the scratch file's
/// 64 KiB buffer, and the largest piece libxml2 handed over from its own buffer); nothing
/// else grows with the number of rows. (Measured separately for the report: peak RSS of a
/// process doing only this export.)
@Suite("Streaming a large export")
struct StreamingTests {
    @Test("200,000 rows × 10 columns are written in bounded memory and read back as a stream")
    func twoHundredThousandRows() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("large.xlsx")
        let columns = ["编号", "姓名", "身份证号", "出生日期", "性别", "户籍", "电话", "学校", "分数", "已录取"].map { SheetColumn($0) }
        let rowCount = 200_000
        // A thousand fake ID numbers, reused: computing one per row would cost more than writing it.
        let ids = (0..<1000).map { fakeResidentID(birth: (2017 + $0 % 2, 1 + $0 % 12, 1 + $0 % 28), sequence: $0) }
        let writer = try XLSXWriter(creatingAt: path)
        try writer.addSheet(name: "学生", columns: columns)
        for index in 0..<rowCount {
            try writer.appendRow([
                .number(Double(index + 1)),
                .text("学生\(index)"),
                .text(ids[index % 1000]),
                .date(year: 2017 + index % 2, month: 1 + index % 12, day: 1 + index % 28),
                .text(index % 2 == 0 ? "男" : "女"),
                .text("黑龙江省哈尔滨市道里区"),
                .text("138\(String(10_000_000 + index))"),
                .text("第\(index % 40)小学"),
                .number(Double(index % 1000) / 10),
                .bool(index % 3 == 0),
            ])
        }
        #expect(writer.rowCount == rowCount)
        let peak = writer.peakBufferedBytes
        try writer.commit()

        #expect(peak <= SheetSpool.capacity, "at most one buffer of sheet XML in memory: \(peak) bytes")
        let size = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size > 5 << 20)

        // Checked with Python (zipfile streams the entry through zlib and checks its CRC):
        // reading 200,000 rows back through a debug build would take longer than writing.
        let script = """
            import json, re, sys, zipfile
            z = zipfile.ZipFile(sys.argv[1])
            rows, tail, size = 0, b"", 0
            with z.open("xl/worksheets/sheet1.xml") as sheet:
                while True:
                    chunk = sheet.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    rows += chunk.count(b"<row ")
                    tail = (tail + chunk)[-4096:]
            last = re.findall(rb'<row r="(\\d+)">(.*?)</row>', tail)[-1]
            cells = re.findall(rb'<c r="([A-Z]+)\\d+"', last[1])
            print(json.dumps({"rows": rows, "last": int(last[0]), "cells": [c.decode() for c in cells], "size": size,
                              "filter": re.search(rb'<autoFilter ref="([^"]+)"', tail).group(1).decode()}))
            """
        let result = try json(runPython(script, [path]))
        #expect(result["rows"] as? Int == rowCount + 1)
        #expect(result["last"] as? Int == rowCount + 1)
        #expect(result["cells"] as? [String] == ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"])
        #expect(result["filter"] as? String == "A1:J\(rowCount + 1)")
        #expect((result["size"] as? Int ?? 0) > 50 << 20, "the sheet's XML is far larger than the memory used")

        // The reader streams it too: the first rows come without reading the rest.
        let rows = try XLSXReader(path: path).rows(of: "学生")
        #expect(try rows.next()?[2] == .text("身份证号"))
        #expect(try rows.next()?[2] == .text(ids[0]))
        rows.close()
    }

    @Test("a reader closed early stops its worker thread and can be dropped")
    func closeEarly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("early.xlsx")
        let writer = try XLSXWriter(creatingAt: path)
        try writer.addSheet(name: "学生", columns: [SheetColumn("编号"), SheetColumn("备注")])
        for index in 0..<30_000 { try writer.appendRow([.number(Double(index)), .text(String(repeating: "备注", count: 20))]) }
        try writer.commit()

        for _ in 0..<20 {
            let rows = try XLSXReader(path: path).rows(of: "学生")
            #expect(try rows.next()?.number == 1)
            #expect(try rows.next()?.number == 2)
            rows.close()
            #expect(try rows.next() == nil)
        }
        // Dropped without close(): deinit stops the worker.
        for _ in 0..<20 {
            let rows = try XLSXReader(path: path).rows(of: "学生")
            #expect(try rows.next() != nil)
        }
    }
}
