import Foundation
import PrintKit
import Testing

@Suite("QR codes through libqrencode, decoded by zbar")
struct QRCodeTests {
    /// Writes one QR code per page and returns what zbar reads from each page.
    private func roundTrip(_ codes: [QRCode], directory: TemporaryDirectory) throws -> [[UInt8]] {
        let path = directory.file("qr.pdf")
        let document = try PDFDocument(path: path)
        for code in codes {
            document.beginPage()
            document.drawQRCode(code, in: Rect(x: 100, y: 100, width: 300, height: 300))
        }
        try document.finish()
        return try (1...codes.count).map { try decodeQRCodes(path, page: $0, directory: directory) }
    }

    @Test("UTF-8 Chinese text, ASCII, mixed modes and binary bytes come back byte for byte")
    func decodesWhatWasEncoded() throws {
        let directory = try TemporaryDirectory()
        var people = FakePeople(seed: 42)
        let name = people.name()
        let text = "11010042|\(name)|110101********0012|东城区|sig=3q2+7w=="
        let binary: [UInt8] = [0x00, 0xFF, 0x01, 0xFE, 0x80, 0x7F, 0x0A, 0x0D, 0x1B] + (0..<64).map { UInt8(($0 * 37 + 11) % 256) }
        let codes = [
            try QRCode(text: text),
            try QRCode(text: "HELLO 12345678901234567890 ENROLL", errorCorrection: .high),
            try QRCode(bytes: binary, errorCorrection: .quartile),
        ]
        let decoded = try roundTrip(codes, directory: directory)
        #expect(decoded[0] == Array(text.utf8))
        #expect(String(decoding: decoded[0], as: UTF8.self).contains(name))
        #expect(decoded[1] == Array("HELLO 12345678901234567890 ENROLL".utf8))
        #expect(decoded[2] == binary)
    }

    @Test("with the UTF-8 ECI a reader that converts charsets returns the text itself")
    func utf8ECI() throws {
        let directory = try TemporaryDirectory()
        // Without a declared charset zbar takes these bytes for Shift JIS and returns mojibake.
        let text = "EP1|R|83776da7-1fb0-41cc-9279-529ca5ea5414|李紫萱|340102********5200|朝阳区|station-a"
        let path = directory.file("eci.pdf")
        let document = try PDFDocument(path: path)
        document.beginPage()
        document.drawQRCode(try QRCode(utf8Text: text), in: Rect(x: 100, y: 100, width: 300, height: 300))
        try document.finish()
        let prefix = directory.file("eci")
        _ = try runToolChecked("pdftoppm", ["-r", "150", "-png", "-singlefile", path, prefix])
        let converted = try runToolChecked("zbarimg", ["--raw", "-q", prefix + ".png"])
        #expect(converted.text.trimmingCharacters(in: .newlines) == text)
        #expect(throws: PrintError.qrDataEmpty) { try QRCode(utf8Text: "") }
    }

    @Test("text containing NUL is encoded as bytes")
    func textWithNUL() throws {
        let directory = try TemporaryDirectory()
        let text = "a\u{0}b\u{0}学"
        let decoded = try roundTrip([try QRCode(text: text)], directory: directory)
        #expect(decoded[0] == Array(text.utf8))
    }

    @Test("the module matrix has the QR structure: size, finder patterns, timing pattern")
    func moduleMatrix() throws {
        let code = try QRCode(text: "enroll", errorCorrection: .low)
        #expect(code.version == 1)
        #expect(code.size == 21)
        #expect(code.errorCorrection == .low)
        // A finder pattern: a 7×7 dark ring, a light ring, a 3×3 dark centre; in three corners.
        for (left, top) in [(0, 0), (code.size - 7, 0), (0, code.size - 7)] {
            for y in 0..<7 {
                for x in 0..<7 {
                    let ring = max(abs(x - 3), abs(y - 3))
                    #expect(code.isDark(x: left + x, y: top + y) == (ring != 2), "finder at (\(left), \(top)) module (\(x), \(y))")
                }
            }
        }
        // No finder pattern in the bottom-right corner.
        #expect(!(0..<7).allSatisfy { code.isDark(x: code.size - 1 - $0, y: code.size - 1) })
        // The timing pattern alternates along row 6 and column 6 between the finders.
        for index in 8..<(code.size - 8) {
            #expect(code.isDark(x: index, y: 6) == (index % 2 == 0))
            #expect(code.isDark(x: 6, y: index) == (index % 2 == 0))
        }
    }

    @Test("a larger payload or a higher level needs a larger version")
    func versionGrowsWithData() throws {
        let short = try QRCode(bytes: Array(repeating: 0x41, count: 10), errorCorrection: .low)
        let long = try QRCode(bytes: Array(repeating: 0x41, count: 1000), errorCorrection: .low)
        let longHigh = try QRCode(bytes: Array(repeating: 0x41, count: 1000), errorCorrection: .high)
        #expect(short.version < long.version && long.version < longHigh.version)
        #expect(long.size == 17 + 4 * long.version)
    }

    @Test("2953 bytes fit at level L (version 40); one more is a typed error")
    func capacityLimit() throws {
        let largest = try QRCode(bytes: Array(repeating: 0xA5, count: 2953), errorCorrection: .low)
        #expect(largest.version == 40 && largest.size == 177)
        #expect(throws: PrintError.qrDataTooLong(byteCount: 2954, errorCorrection: .low)) {
            try QRCode(bytes: Array(repeating: 0xA5, count: 2954), errorCorrection: .low)
        }
        #expect(throws: PrintError.qrDataTooLong(byteCount: 1500, errorCorrection: .high)) {
            try QRCode(bytes: Array(repeating: 0xA5, count: 1500), errorCorrection: .high)
        }
        let text = String(repeating: "学", count: 1000)  // 3000 bytes of UTF-8
        #expect(throws: PrintError.qrDataTooLong(byteCount: 3000, errorCorrection: .medium)) {
            try QRCode(text: text)
        }
        do {
            _ = try QRCode(text: text)
            Issue.record("3000 bytes were accepted")
        } catch {
            #expect(error.english.contains("3000 bytes do not fit"))
            #expect(error.chinese.contains("3000 字节"))
        }
    }

    @Test("empty data is refused")
    func emptyData() {
        #expect(throws: PrintError.qrDataEmpty) { try QRCode(text: "") }
        #expect(throws: PrintError.qrDataEmpty) { try QRCode(bytes: []) }
    }
}
