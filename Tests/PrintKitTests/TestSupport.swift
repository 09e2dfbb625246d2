import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.path
        let safe = label.filter { $0.isLetter || $0.isNumber }
        var template = Array("\(base)/printkit-\(safe)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// The names in the directory, hidden ones included, sorted.
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }
}

/// What a tool printed and how it ended.
struct ToolResult {
    var status: Int32
    var output: Data
    var errors: String
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// Runs a system tool. A missing tool fails the test (it never skips): run scripts/setup.sh.
func runTool(_ tool: String, _ arguments: [String]) throws -> ToolResult {
    let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)", "/usr/local/bin/\(tool)"]
    let executable = try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
        "\(tool) is not installed; run scripts/setup.sh (poppler-utils, zbar-tools, libjpeg-turbo-progs)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    // Standard error goes to a file, so that neither pipe can fill up and stall the tool.
    let errorPath = FileManager.default.temporaryDirectory.path + "/printkit-stderr-\(UUID().uuidString)"
    try #require(FileManager.default.createFile(atPath: errorPath, contents: nil))
    defer { try? FileManager.default.removeItem(atPath: errorPath) }
    let errors = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    try errors.close()
    let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
    return ToolResult(status: process.terminationStatus, output: data, errors: String(decoding: errorData, as: UTF8.self))
}

/// Runs a tool and requires exit status 0.
func runToolChecked(_ tool: String, _ arguments: [String]) throws -> ToolResult {
    let result = try runTool(tool, arguments)
    try #require(result.status == 0, "\(tool) \(arguments.joined(separator: " ")) exited \(result.status): \(result.errors)")
    return result
}

// MARK: Poppler

/// `pdfinfo`'s "Key: value" lines.
func pdfInfo(_ path: String) throws -> [String: String] {
    let result = try runToolChecked("pdfinfo", ["-isodates", path])
    var fields: [String: String] = [:]
    for line in result.text.split(separator: "\n") {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let key = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        fields[key] = value
    }
    return fields
}

/// One row of `pdffonts`.
struct PDFFontRow {
    var name: String
    var type: String
    var embedded: Bool
    var subset: Bool
    var unicode: Bool
}

/// `pdffonts`'s table, parsed by the columns its dashed header line marks.
func pdfFonts(_ path: String) throws -> [PDFFontRow] {
    let lines = try runToolChecked("pdffonts", [path]).text.split(separator: "\n").map(String.init)
    let ruleIndex = try #require(lines.firstIndex { $0.hasPrefix("----") })
    // Column boundaries from the dashes: "name type encoding emb sub uni object ID".
    var columns: [Range<Int>] = []
    var start: Int?
    for (offset, character) in lines[ruleIndex].enumerated() {
        if character == "-", start == nil { start = offset }
        if character == " ", let begin = start {
            columns.append(begin..<offset)
            start = nil
        }
    }
    if let begin = start { columns.append(begin..<lines[ruleIndex].count) }
    try #require(columns.count >= 6)
    func field(_ line: [Character], _ column: Range<Int>) -> String {
        let lower = min(column.lowerBound, line.count)
        let upper = min(column.upperBound, line.count)
        return String(line[lower..<upper]).trimmingCharacters(in: .whitespaces)
    }
    return lines[(ruleIndex + 1)...].map { line in
        let characters = Array(line)
        return PDFFontRow(
            name: field(characters, columns[0]), type: field(characters, columns[1]),
            embedded: field(characters, columns[3]) == "yes", subset: field(characters, columns[4]) == "yes",
            unicode: field(characters, columns[5]) == "yes")
    }
}

/// The text of pages `first...last` (all when nil), as `pdftotext` extracts it.
func pdfText(_ path: String, page: Int? = nil) throws -> String {
    var arguments = ["-enc", "UTF-8"]
    if let page { arguments += ["-f", "\(page)", "-l", "\(page)"] }
    return try runToolChecked("pdftotext", arguments + [path, "-"]).text
}

/// An RGB raster of one page.
struct Raster {
    var width: Int
    var height: Int
    var pixels: [UInt8]

    func rgb(x: Int, y: Int) -> (Int, Int, Int) {
        let offset = (y * width + x) * 3
        return (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
    }
}

/// Renders one page with `pdftoppm` to a binary PPM and parses it.
func renderPage(_ path: String, page: Int, dpi: Int, directory: TemporaryDirectory) throws -> Raster {
    let prefix = directory.file("raster-\(page)-\(dpi)")
    _ = try runToolChecked("pdftoppm", ["-r", "\(dpi)", "-f", "\(page)", "-l", "\(page)", "-singlefile", path, prefix])
    let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: prefix + ".ppm")))
    // "P6\n<width> <height>\n255\n" then RGB bytes.
    var fields: [String] = []
    var index = 0
    while fields.count < 4 {
        while index < data.count, data[index] == 0x20 || data[index] == 0x0A { index += 1 }
        let start = index
        while index < data.count, data[index] != 0x20, data[index] != 0x0A { index += 1 }
        fields.append(String(decoding: data[start..<index], as: UTF8.self))
    }
    index += 1
    try #require(fields[0] == "P6" && fields[3] == "255")
    let width = try #require(Int(fields[1]))
    let height = try #require(Int(fields[2]))
    try #require(data.count - index == width * height * 3)
    return Raster(width: width, height: height, pixels: Array(data[index...]))
}

/// Renders one page to PNG at 150 dpi and decodes its QR codes with `zbarimg --raw`,
/// as bytes (`-Sbinary`: no character set guessing).
func decodeQRCodes(_ path: String, page: Int, directory: TemporaryDirectory) throws -> [UInt8] {
    let prefix = directory.file("qr-\(page)")
    _ = try runToolChecked("pdftoppm", ["-r", "150", "-png", "-f", "\(page)", "-l", "\(page)", "-singlefile", path, prefix])
    let result = try runToolChecked("zbarimg", ["--raw", "-q", "-Sbinary", prefix + ".png"])
    return [UInt8](result.output)
}

// MARK: Fixtures

/// Fake people for forms: names, ID numbers and phone numbers made from a seed, never
/// anyone's real data.
struct FakePeople {
    private var state: UInt64

    init(seed: UInt64) { state = seed | 1 }

    private mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    private mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// A two- or three-character Chinese name.
    mutating func name() -> String {
        let surnames = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "胡", "郭"]
        let given = ["子", "涵", "浩", "宇", "欣", "怡", "梓", "轩", "雨", "泽", "思", "嘉", "一", "诺", "晨", "睿", "安", "然"]
        let length = 1 + Int(next() % 2)
        return pick(surnames) + (0..<length).map { _ in pick(given) }.joined()
    }

    /// A resident ID number with a valid check digit (GB 11643), born on `birth` (YYYYMMDD),
    /// in the made-up sequence range 9xx.
    mutating func idNumber(birth: String) -> String {
        let body = "110101" + birth + "9" + String(format: "%02d", Int(next() % 100))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return body + String(check)
    }

    /// An 11-digit mobile number in the reserved-for-fiction style 1380000xxxx.
    mutating func phone() -> String { "1380000" + String(format: "%04d", Int(next() % 10000)) }
}

/// A minimal PNG encoder (8-bit RGB, stored deflate blocks), so the PNG fixtures do not
/// come from cairo, the library under test.
enum PNGFixture {
    static func encode(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)  // filter: none
            for x in 0..<width {
                let (r, g, b) = pixel(x, y)
                raw += [r, g, b]
            }
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, raw.count - offset)
            let final: UInt8 = offset + count == raw.count ? 1 : 0
            zlib += [final, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<offset + count]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in raw {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        zlib += bigEndian((b << 16) | a)

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }
}

/// Four colour quadrants (red, green / blue, white), to see orientation and position.
func quadrantColor(x: Int, y: Int, width: Int, height: Int) -> (UInt8, UInt8, UInt8) {
    switch (x < width / 2, y < height / 2) {
    case (true, true): (220, 30, 30)
    case (false, true): (30, 180, 30)
    case (true, false): (30, 30, 220)
    case (false, false): (255, 255, 255)
    }
}

/// A JPEG of the quadrant pattern made with libjpeg-turbo's `cjpeg` from a PPM.
func quadrantJPEG(width: Int, height: Int, directory: TemporaryDirectory) throws -> [UInt8] {
    var ppm = Array("P6\n\(width) \(height)\n255\n".utf8)
    for y in 0..<height {
        for x in 0..<width {
            let (r, g, b) = quadrantColor(x: x, y: y, width: width, height: height)
            ppm += [r, g, b]
        }
    }
    let source = directory.file("quadrants.ppm")
    try Data(ppm).write(to: URL(fileURLWithPath: source))
    let result = try runToolChecked("cjpeg", ["-quality", "92", source])
    return [UInt8](result.output)
}

/// Whether two colours are within `tolerance` on every channel.
func close(_ a: (Int, Int, Int), _ b: (UInt8, UInt8, UInt8), tolerance: Int = 40) -> Bool {
    abs(a.0 - Int(b.0)) <= tolerance && abs(a.1 - Int(b.1)) <= tolerance && abs(a.2 - Int(b.2)) <= tolerance
}
