import Foundation
import PrintKit
import Testing

@Suite("A4 PDF documents, read back with poppler and zbar")
struct DocumentTests {
    @Test("a multi-page form has A4 pages, an embedded CJK subset, extractable text, its images and a readable QR code")
    func collectionFormRoundTrip() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("采集表.pdf")
        let values = CollectionFormValues(seed: 0x5EED_2024)
        let photo = try RasterImage(data: try quadrantJPEG(width: 120, height: 160, directory: directory), source: "photo")
        let logo = try RasterImage(data: PNGFixture.encode(width: 64, height: 64) { quadrantColor(x: $0, y: $1, width: 64, height: 64) })
        #expect(photo.format == .jpeg && photo.width == 120 && photo.height == 160)
        #expect(logo.format == .png && logo.width == 64 && logo.height == 64)
        let created = Date(timeIntervalSince1970: 1_714_552_200)  // 2024-05-01T08:30:00Z
        let metadata = PDFMetadata(
            title: "学龄人口信息采集表", author: "东城区教育委员会（测试）", subject: "信息采集 collection form",
            creator: "enroll PrintKit tests", creationDate: created)

        let layout = try writeCollectionForm(to: path, values: values, photo: photo, logo: logo, metadata: metadata)
        #expect(try directory.listing() == ["采集表.pdf", "quadrants.ppm"].sorted(), "no temporary file is left behind")

        // pdfinfo: page count, A4 size, metadata.
        let info = try pdfInfo(path)
        #expect(layout.pageCount == 3)
        #expect(info["Pages"] == "\(layout.pageCount)")
        let size = try #require(info["Page size"])
        #expect(size.hasPrefix("595.276 x 841.89 pts"), "page size: \(size)")
        for page in 1...layout.pageCount {
            let perPage = try runToolChecked("pdfinfo", ["-f", "\(page)", "-l", "\(page)", path]).text
            #expect(perPage.contains("Page    \(page) size:  595.276 x 841.89 pts"), "page \(page): \(perPage)")
        }
        #expect(info["Title"] == "学龄人口信息采集表")
        #expect(info["Author"] == "东城区教育委员会（测试）")
        #expect(info["Subject"] == "信息采集 collection form")
        #expect(info["Creator"] == "enroll PrintKit tests")
        #expect(info["CreationDate"] == "2024-05-01T08:30:00Z" || info["CreationDate"] == "2024-05-01T08:30:00+00")

        // pdffonts: the CJK font is embedded as a subset, with a Unicode map.
        let fonts = try pdfFonts(path)
        let cjk = fonts.filter { $0.name.contains("NotoSansCJK") }
        #expect(!cjk.isEmpty, "fonts: \(fonts.map(\.name))")
        for font in cjk {
            #expect(font.embedded && font.subset && font.unicode, "\(font)")
            #expect(font.name.range(of: #"^[A-Z]{6}\+"#, options: .regularExpression) != nil, "subset tag in \(font.name)")
        }
        #expect(fonts.contains { $0.name.contains("NotoSansCJK") && $0.name.contains("Bold") }, "the bold title uses the Bold face")
        #expect(fonts.allSatisfy { $0.embedded }, "every font is embedded: \(fonts)")

        // pdftotext: labels and values come back exactly, page by page.
        let first = try pdfText(path, page: 1)
        for expected in [
            "学龄人口信息采集表", "School-age Population Information Collection Form", "所在区：东城区",
            "编号：\(values.number)", "校验码：\(values.checkCode)", "基本信息", "监护人(一)信息", "监护人(二)信息",
            values.childName, values.childID, values.guardianOne, values.guardianOneID, values.guardianOnePhone,
            values.guardianTwo, values.guardianTwoID, values.guardianTwoPhone, "居民身份证", "监护人证件号码",
        ] {
            #expect(first.contains(expected), "page 1 lacks '\(expected)'")
        }
        // Wrapped cells come back line by line: without the line breaks they read whole.
        let unwrapped = first.filter { !$0.isWhitespace }
        for expected in ["户口所在地详细地址", values.address] {
            #expect(unwrapped.contains(expected), "page 1 lacks '\(expected)' even without line breaks")
        }
        #expect(!first.contains("附件清单"))
        let second = try pdfText(path, page: 2)
        let third = try pdfText(path, page: 3)
        #expect(second.contains("附件清单 Attachments") && second.contains("居住证明材料第 1 份"))
        #expect(third.contains("材料名称 Document"), "the header row is repeated on page 3")
        #expect(third.contains("居住证明材料第 40 份"))

        // The table broke between rows, onto page 3, and every row is listed once, in order.
        #expect(layout.attachments.rows.map(\.index) == Array(0...40))
        #expect(layout.attachments.lastPage == 3)
        let firstOnThird = try #require(layout.attachments.rows.first { $0.page == 3 })
        #expect(firstOnThird.index > 1)
        let headerHeight = layout.attachments.rows[0].frame.height
        #expect(abs(firstOnThird.frame.minY - (.mm(15) + headerHeight)) < 0.001, "right below the repeated header at the top margin")
        #expect(layout.attachments.rows.filter { $0.page == 2 }.allSatisfy { $0.frame.maxY <= 841.89 - .mm(15) + 0.001 })

        // Images: the JPEG is embedded as a JPEG (DCT), the PNG as pixels.
        let images = try runToolChecked("pdfimages", ["-list", path]).text.split(separator: "\n").dropFirst(2)
        let rows = images.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(rows.contains { $0.count > 8 && $0[3] == "120" && $0[4] == "160" && $0[8] == "jpeg" }, "\(rows)")
        #expect(rows.contains { $0.count > 8 && $0[3] == "64" && $0[4] == "64" && $0[8] == "image" }, "\(rows)")

        // The images are drawn the right way up, where they were placed (72 dpi: 1 px = 1 pt).
        let raster = try renderPage(path, page: 1, dpi: 72, directory: directory)
        for (frame, name) in [(layout.photoFrame, "photo"), (layout.logoFrame, "logo")] {
            let quarterX = frame.width / 4
            let quarterY = frame.height / 4
            let samples: [(Double, Double, (UInt8, UInt8, UInt8))] = [
                (frame.minX + quarterX, frame.minY + quarterY, (220, 30, 30)),
                (frame.maxX - quarterX, frame.minY + quarterY, (30, 180, 30)),
                (frame.minX + quarterX, frame.maxY - quarterY, (30, 30, 220)),
                (frame.maxX - quarterX, frame.maxY - quarterY, (255, 255, 255)),
            ]
            for (x, y, expected) in samples {
                let seen = raster.rgb(x: Int(x), y: Int(y))
                #expect(close(seen, expected), "\(name) at (\(Int(x)), \(Int(y))): \(seen), expected \(expected)")
            }
        }
        #expect(raster.width == 595 || raster.width == 596)

        // The guardian table starts where the basic table ends, both at the left margin.
        #expect(layout.guardians.rows[0].frame.minY == layout.form.bottom)
        #expect(layout.guardians.rows[0].frame.minX == layout.form.rows[0].frame.minX)
        #expect(layout.guardians.rows.allSatisfy { $0.page == 1 })

        // The QR code decodes to exactly what was put in.
        let decoded = try decodeQRCodes(path, page: 1, directory: directory)
        #expect(String(decoding: decoded, as: UTF8.self) == values.qrPayload)
    }

    @Test("the form's table rows grow with wrapped text and the cells line up")
    func tableRowsGrowWithWrappedText() throws {
        let directory = try TemporaryDirectory()
        let document = try PDFDocument(path: directory.file("rows.pdf"))
        document.beginPage()
        let address = String(repeating: "北京市东城区景山前街", count: 4)
        var table = Table(columnWidths: [80, 120, 80, 120])
        table.addRow([.label("姓名"), TableCell("王小明"), .label("性别"), TableCell("男")], minHeight: 24)
        table.addRow([.label("户口所在地详细地址"), TableCell(address, columnSpan: 3)], minHeight: 24)
        let placed = try document.draw(table, at: Point(x: 50, y: 60))
        // 40 ideographs of 10.5 pt (420 pt) in 320 − 2 × 4 pt of padding take two lines.
        let wrapped = try document.measure(address, style: TextStyle().wrapped(at: 312))
        try document.finish()

        #expect(wrapped.lineCount == 2)
        #expect(placed.rows.count == 2)
        let short = placed.rows[0].frame
        let tall = placed.rows[1].frame
        #expect(short.height == 24, "a one-line row keeps its minimum height")
        #expect(tall.height == wrapped.size.height + 2 * 3, "the row is as tall as its two lines plus padding")
        #expect(tall.height > 24)
        #expect(tall.minY == short.maxY, "rows are stacked without gaps")
        #expect(short.width == 400 && tall.width == 400)
        #expect(placed.bottom == tall.maxY)
    }

    @Test("text measures as it draws, wraps at its width and grows with its size")
    func textMetrics() throws {
        let directory = try TemporaryDirectory()
        let document = try PDFDocument(path: directory.file("text.pdf"))
        document.beginPage()
        let style = TextStyle(size: 12)
        let line = "学龄人口信息采集表"
        let measured = try document.measure(line, style: style)
        let drawn = try document.drawText(line, at: Point(x: 40, y: 40), style: style)
        #expect(measured == drawn)
        #expect(measured.lineCount == 1)
        // Noto Sans CJK's ideographs are one em wide.
        #expect(abs(measured.size.width - 9 * 12) < 0.5, "\(measured.size.width)")
        #expect(measured.baseline > 0 && measured.baseline < measured.size.height)

        let double = try document.measure(line, style: style.sized(24))
        #expect(abs(double.size.width - 2 * measured.size.width) < 0.5)

        let wrapped = try document.measure(line, style: style.wrapped(at: 40))
        #expect(wrapped.lineCount == 3, "three ideographs of 12 pt fit in 40 pt")
        #expect(wrapped.size.width <= 40)
        #expect(wrapped.size.height > 2.5 * measured.size.height)

        let lines = try document.measure("第一行\n第二行", style: style)
        #expect(lines.lineCount == 2)
        try document.finish()
    }

    @Test("pages of other sizes, blank pages and page counts")
    func pagesAndSizes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("pages.pdf")
        let document = try PDFDocument(path: path)
        document.beginPage()
        try document.drawText("回执 Receipt", at: Point(x: 30, y: 30))
        document.beginPage(size: .a5)
        #expect(document.currentPageSize == .a5)
        document.beginPage()  // left blank, still a page
        #expect(document.pageCount == 3)
        try document.finish()

        #expect(try pdfInfo(path)["Pages"] == "3")
        let sizes = try runToolChecked("pdfinfo", ["-f", "1", "-l", "3", path]).text
        #expect(sizes.contains("Page    1 size:  595.276 x 841.89 pts"))
        #expect(sizes.contains("Page    2 size:  419.528 x 595.276 pts"))
        #expect(sizes.contains("Page    3 size:  595.276 x 841.89 pts"))
    }

    @Test("finishing replaces an existing file atomically; an abandoned document leaves the old one")
    func atomicOutput() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("receipt.pdf")
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))

        do {
            let abandoned = try PDFDocument(path: path)
            abandoned.beginPage()
            try abandoned.drawText("草稿", at: Point(x: 30, y: 30))
            #expect(try directory.listing().count == 2, "the PDF is written beside the target first")
        }
        #expect(try directory.listing() == ["receipt.pdf"], "the temporary file is removed")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old contents")

        let document = try PDFDocument(path: path)
        document.beginPage()
        try document.drawText("正式回执", at: Point(x: 30, y: 30))
        try document.finish()
        #expect(try directory.listing() == ["receipt.pdf"])
        #expect(try pdfText(path).contains("正式回执"))
    }
}
