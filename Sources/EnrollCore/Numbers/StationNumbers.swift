import Foundation

/// A station's collection numbers: the blocks it took in (`enroll numbers import`) and which
/// number went to which application, in its working directory (docs/FORMATS.md, "Station
/// directory"):
/// - `<station dir>/numbers/<first>-<last>.block`: each signed block file, as issued;
/// - `<station dir>/numbers/used.tsv`: one line per number given, `number`, `applicationId`,
///   tab-separated; `#` starts a comment.
///
/// An application keeps its number across revisions; the next new application gets the lowest
/// unused number of the station's blocks.
public struct StationNumbers: Sendable {
    /// The station directory.
    public let directory: String

    /// Where blocks and the used list live.
    public var numbersDirectory: String { directory + "/numbers" }
    var usedFile: String { numbersDirectory + "/used.tsv" }

    /// Opens a station directory's numbers (nothing need exist yet).
    public init(directory: String) {
        self.directory = directory
    }

    /// Takes in a signed block: checks it against the trusted district keys and keeps it.
    /// - Returns: The block.
    /// - Throws: `sig.*`, `station.number-block` (see ``NumberBlockFile/read(_:trust:)``), I/O errors.
    @discardableResult
    public func importBlock(_ path: String, trust: TrustStore) throws -> NumberBlock {
        let (block, _) = try NumberBlockFile.read(path, trust: trust)
        try FileManager.default.createDirectory(atPath: numbersDirectory, withIntermediateDirectories: true)
        let target = numbersDirectory + "/\(block.first)-\(block.last).block"
        if DirectoryWalker.kind(of: target) == nil {
            try FileIO.createExclusive(target, try FileIO.readAll(path))
        }
        return block
    }

    /// The blocks taken in, by first number. Their signatures were checked when they were
    /// taken in; the station directory is the station's own, like its bundle index.
    public func blocks() throws -> [NumberBlock] {
        guard DirectoryWalker.kind(of: numbersDirectory) == .directory else { return [] }
        return try DirectoryWalker.walk(numbersDirectory)
            .filter { $0.kind == .file && !$0.path.contains("/") && $0.path.hasSuffix(".block") }
            .map { try NumberBlockFile.block(in: numbersDirectory + "/" + $0.path) }
            .sorted { $0.first < $1.first }
    }

    /// Which number went to which application.
    public func used() throws -> [String: String] {
        guard DirectoryWalker.kind(of: usedFile) == .file else { return [:] }
        var numbers: [String: String] = [:]
        for (index, line) in String(decoding: try FileIO.readAll(usedFile), as: UTF8.self).split(separator: "\n").enumerated() {
            if line.hasPrefix("#") || line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 2, fields[0].count == 8 else {
                throw EnrollError.invalid(
                    .stationIndexMalformed, Location(file: usedFile, line: index + 1),
                    zh: "采集编号记录的这一行不是“编号<Tab>申请 ID”。请修正或删除该行。",
                    en: "This line of the collection-number record is not NUMBER<tab>APPLICATION-ID. Fix or delete the line.")
            }
            numbers[String(fields[0])] = String(fields[1])
        }
        return numbers
    }

    /// The number for an application at 提交: the one it already has, else the lowest unused
    /// number of the station's blocks; nil when the station has no block with a free number
    /// (the district then assigns one at import).
    /// - Parameters:
    ///   - application: The application id (lower-case UUID).
    ///   - station: The signing station's name; only its blocks are used.
    ///   - year: The form's year; only blocks of that year are used.
    public func number(for application: String, station: String, year: Int?) throws -> String? {
        let used = try used()
        if let mine = used.first(where: { $0.value == application })?.key { return mine }
        for block in try blocks() where block.station == station && (year == nil || block.year == year) {
            if let free = block.numbers.first(where: { used[$0] == nil }) { return free }
        }
        return nil
    }

    /// Records that a number went to an application (after the bundle is signed).
    public func record(_ number: String, application: String) throws {
        var used = try used()
        guard used[number] != application else { return }
        used[number] = application
        try FileManager.default.createDirectory(atPath: numbersDirectory, withIntermediateDirectories: true)
        var text = "# enroll station collection numbers: number, applicationId (tab-separated)\n"
        for (number, id) in used.sorted(by: { $0.key < $1.key }) { text += number + "\t" + id + "\n" }
        try FileIO.replaceAtomically(usedFile, Array(text.utf8))
    }
}
