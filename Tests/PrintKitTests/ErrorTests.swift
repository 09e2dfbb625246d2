import Foundation
import PrintKit
import SystemPackage
import Testing

@Suite("PrintKit refuses bad input with the specific error")
struct ErrorTests {
    @Test("a PDF in a directory that does not exist: cannotWrite naming the path, ENOENT")
    func missingDirectory() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no-such-folder/form.pdf")
        do {
            _ = try PDFDocument(path: path)
            Issue.record("a document was created at \(path)")
        } catch {
            guard case .cannotWrite(let failedPath, _, let errno) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(errno == .noSuchFileOrDirectory)
            #expect(error.english.contains(path) && error.chinese.contains(path))
        }
    }

    @Test("a PDF under a regular file: cannotWrite naming the path, ENOTDIR")
    func parentIsAFile() throws {
        let directory = try TemporaryDirectory()
        let blocker = directory.file("not-a-folder")
        try Data("x".utf8).write(to: URL(fileURLWithPath: blocker))
        let path = blocker + "/form.pdf"
        do {
            _ = try PDFDocument(path: path)
            Issue.record("a document was created at \(path)")
        } catch {
            guard case .cannotWrite(let failedPath, _, let errno) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(errno == .notDirectory)
        }
    }

    @Test("a CJK family that is not installed: fontMissing with an install hint in both languages")
    func missingFontFamily() throws {
        let directory = try TemporaryDirectory()
        let family = "Nonexistent Family Zq9x"
        #expect(throws: PrintError.fontMissing(family: family)) {
            try PDFDocument(path: directory.file("a.pdf"), fontFamily: family)
        }
        #expect(throws: PrintError.fontMissing(family: family)) { try Fonts.requireCJK(family: family) }
        let error = PrintError.fontMissing(family: family)
        #expect(error.english.contains("apt-get install fonts-noto-cjk"))
        #expect(error.chinese.contains("未安装字体「\(family)」") && error.chinese.contains("fonts-noto-cjk"))
        #expect(try directory.listing().isEmpty, "nothing is created when the font check fails")
        #expect(!Fonts.isInstalled(family))
        try Fonts.requireCJK()
        #expect(Fonts.isInstalled(TextStyle.defaultFamily))
    }

    @Test("an installed family without Chinese glyphs cannot be the CJK family")
    func familyWithoutChinese() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: PrintError.fontLacksChinese(family: "DejaVu Sans", sample: "学龄人口信息采集表监护人")) {
            try PDFDocument(path: directory.file("a.pdf"), fontFamily: "DejaVu Sans")
        }
    }

    @Test("text in a style naming a missing family: fontMissing; a character no font has: glyphsMissing")
    func textErrors() throws {
        let directory = try TemporaryDirectory()
        let document = try PDFDocument(path: directory.file("t.pdf"))
        document.beginPage()
        #expect(throws: PrintError.fontMissing(family: "No Such Face 77")) {
            try document.drawText("姓名", at: Point(x: 10, y: 10), style: TextStyle(family: "No Such Face 77"))
        }
        // U+0378 is unassigned: no font has a glyph for it.
        #expect(throws: PrintError.glyphsMissing(text: "王\u{378}明", family: TextStyle.defaultFamily, count: 1)) {
            try document.measure("王\u{378}明")
        }
        try document.drawText("王明", at: Point(x: 10, y: 10))
        try document.finish()
    }

    @Test("an error cairo left on the context fails finish with cairo's message, and leaves no PDF")
    func cairoErrorAtFinish() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("dash.pdf")
        let document = try PDFDocument(path: path)
        document.beginPage()
        try document.drawText("回执", at: Point(x: 40, y: 40))
        document.strokeLine(from: Point(x: 40, y: 80), to: Point(x: 300, y: 80), stroke: Stroke(dash: [-1, 2]))
        let invalidDash = CairoFailure(function: "cairo_status", status: 19, message: "invalid value for a dash setting")
        #expect(throws: PrintError.cairo(invalidDash, path: path)) { try document.finish() }
        #expect(try directory.listing().isEmpty, "neither the PDF nor its temporary file is left")
    }

    @Test("finishing without a page, and finishing twice")
    func finishErrors() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("empty.pdf")
        let empty = try PDFDocument(path: path)
        #expect(throws: PrintError.emptyDocument(path: path)) { try empty.finish() }

        let twice = try PDFDocument(path: directory.file("twice.pdf"))
        twice.beginPage()
        try twice.finish()
        #expect(throws: PrintError.documentFinished(path: directory.file("twice.pdf"))) { try twice.finish() }
    }

    @Test("tables whose spans do not add up, bad widths, and rows taller than a page")
    func tableErrors() throws {
        let directory = try TemporaryDirectory()
        let document = try PDFDocument(path: directory.file("table.pdf"))
        document.beginPage()
        var short = Table(columnWidths: [100, 100, 100])
        short.addRow([TableCell("a"), TableCell("b", columnSpan: 2)])
        short.addRow([TableCell("c"), TableCell("d")])
        #expect(throws: PrintError.invalidTable(.spanMismatch(row: 1, spanned: 2, columns: 3))) {
            try document.draw(short, at: Point(x: 40, y: 40))
        }
        var wide = Table(columnWidths: [100, 100])
        wide.addRow([TableCell("a", columnSpan: 3)])
        #expect(throws: PrintError.invalidTable(.spanMismatch(row: 0, spanned: 3, columns: 2))) {
            try document.draw(wide, at: Point(x: 40, y: 40))
        }
        var zero = Table(columnWidths: [100, 100])
        zero.addRow([TableCell("a", columnSpan: 0), TableCell("b", columnSpan: 2)])
        #expect(throws: PrintError.invalidTable(.badColumnSpan(row: 0, cell: 0, span: 0))) {
            try document.draw(zero, at: Point(x: 40, y: 40))
        }
        #expect(throws: PrintError.invalidTable(.badColumnWidths([100, -5]))) {
            try document.draw(Table(columnWidths: [100, -5]), at: Point(x: 40, y: 40))
        }
        var narrow = Table(columnWidths: [6, 100])
        narrow.addRow([TableCell("a"), TableCell("b")])
        #expect(throws: PrintError.invalidTable(.cellTooNarrow(row: 0, cell: 0, width: 6))) {
            try document.draw(narrow, at: Point(x: 40, y: 40))
        }
        var tall = Table(columnWidths: [200])
        tall.addRow([TableCell("x")], minHeight: 900)
        do {
            try document.draw(tall, at: Point(x: 40, y: 40))
            Issue.record("a 900 pt row was drawn")
        } catch {
            guard case .invalidTable(.rowTooTall(let row, let height, let available)) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(row == 0 && height == 900)
            #expect(abs(available - (841.89 - 2 * .mm(15))) < 0.01)
        }
        #expect(document.pageCount == 1, "a refused table draws nothing and begins no page")
        try document.finish()
    }

    @Test("images: unknown format, truncated JPEG and PNG, oversized dimensions, missing file")
    func imageErrors() throws {
        let directory = try TemporaryDirectory()
        let gif = Array("GIF89a".utf8) + [1, 0, 1, 0]
        #expect(throws: PrintError.unsupportedImage(source: "scan", leadingBytes: Array(gif.prefix(8)))) {
            try RasterImage(data: gif, source: "scan")
        }

        let jpeg = try quadrantJPEG(width: 64, height: 64, directory: directory)
        do {
            _ = try RasterImage(data: Array(jpeg.prefix(jpeg.count / 2)), source: "half.jpg")
            Issue.record("a truncated JPEG was accepted")
        } catch {
            guard case .imageUnreadable(let source, let format, let message) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(source == "half.jpg" && format == .jpeg && !message.isEmpty)
        }

        let png = PNGFixture.encode(width: 16, height: 16) { _, _ in (1, 2, 3) }
        do {
            _ = try RasterImage(data: Array(png.prefix(png.count - 30)), source: "cut.png")
            Issue.record("a truncated PNG was accepted")
        } catch {
            guard case .imageUnreadable(let source, let format, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(source == "cut.png" && format == .png)
        }

        // A 33-byte PNG header claiming 20000 × 20000 pixels is refused before decoding.
        var bomb = Array(png.prefix(33))
        bomb.replaceSubrange(16..<24, with: [0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20])
        #expect(throws: PrintError.imageTooLarge(source: "bomb.png", width: 20_000, height: 20_000, bytes: 0)) {
            try RasterImage(data: bomb, source: "bomb.png")
        }

        let missing = directory.file("nope.jpg")
        #expect(throws: PrintError.cannotRead(path: missing, errno: .noSuchFileOrDirectory)) {
            try RasterImage(contentsOf: missing)
        }
        let onDisk = directory.file("photo.jpg")
        try Data(jpeg).write(to: URL(fileURLWithPath: onDisk))
        let image = try RasterImage(contentsOf: onDisk)
        #expect(image.format == .jpeg && image.width == 64 && image.height == 64)
    }
}
