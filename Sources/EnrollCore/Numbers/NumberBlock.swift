import Foundation

/// A block of 8-digit collection numbers (信息采集编号) the district signed for one station
/// (DESIGN §12): the station gives the next one at 提交, so the family leaves with its number.
///
/// Numbers are two digits of the year and a six-digit sequence (`24000101`); a block is a run
/// of consecutive sequence numbers taken from the same counter the district assigns from at
/// import, so block numbers and assigned numbers never meet.
public struct NumberBlock: Sendable, Hashable, Codable {
    /// The file's format name.
    public static let format = "enroll-number-block"

    /// Always ``format``.
    public var format: String
    /// The file format's version (1).
    public var version: Int
    /// The station the numbers are for (`Enroll-Station`).
    public var station: String
    /// The intake year.
    public var year: Int
    /// The first number of the block.
    public var first: String
    /// The last number of the block.
    public var last: String
    /// When the district issued it (ISO 8601).
    public var issuedAt: String

    public init(station: String, year: Int, first: String, last: String, issuedAt: String) {
        format = Self.format
        version = 1
        self.station = station
        self.year = year
        self.first = first
        self.last = last
        self.issuedAt = issuedAt
    }

    /// How many numbers the block holds.
    public var count: Int { (Int(last) ?? 0) - (Int(first) ?? 0) + 1 }

    /// Whether a number lies in the block.
    public func contains(_ number: String) -> Bool {
        guard number.count == 8, let value = Int(number), let low = Int(first), let high = Int(last) else { return false }
        return low <= value && value <= high
    }

    /// The block's numbers, in order.
    public var numbers: [String] {
        guard let low = Int(first), let high = Int(last), low <= high else { return [] }
        return (low...high).map { String(format: "%08d", $0) }
    }

    /// A collection number: two digits of the year, six of the sequence.
    public static func number(year: Int, sequence: Int) -> String { String(format: "%02d%06d", year % 100, sequence) }
}

/// The signed block file `enroll numbers issue` writes: a signify signature with the message
/// embedded (`signify -S -e`), so `signify -V -e -p district.pub -x FILE` checks it too:
/// ```
/// untrusted comment: verify with district.pub
/// <base64 signature>
/// {"first": "24000101", …}          the block, JSON
/// ```
public enum NumberBlockFile {
    /// The file's content for a block, signed with the district's key.
    /// - Throws: `EnrollError` if swift-crypto fails to sign.
    public static func contents(_ block: NumberBlock, key: SignifySecretKey, keyName: String) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let message = Array(try encoder.encode(block)) + [0x0A]
        return try key.sign(message).fileContents(publicKeyName: keyName) + message
    }

    /// Writes a signed block file; it must not exist.
    /// - Throws: `io.exists`, I/O errors.
    public static func write(_ block: NumberBlock, key: SignifySecretKey, keyName: String, to path: String) throws {
        guard DirectoryWalker.kind(of: path) == nil else {
            throw EnrollError.io(.ioExists, Location(file: path), zh: "文件已存在，不会覆盖。", en: "The file exists and will not be overwritten.")
        }
        try FileIO.createExclusive(path, try contents(block, key: key, keyName: keyName))
    }

    /// Reads and checks a block file against trusted district keys.
    /// - Returns: The block and the key that signed it.
    /// - Throws: `EnrollError`: `sig.*` when the signature is missing, invalid or by an
    ///   untrusted or revoked key; `station.number-block` when the content is not a block.
    public static func read(_ path: String, trust: TrustStore) throws -> (block: NumberBlock, signer: TrustStore.Entry) {
        let (signature, message) = try parts(path)
        switch trust.verify(try SignifySignature(bytes: signature, path: path), message: message, location: Location(file: path)) {
        case .rejected(let diagnostic):
            throw EnrollError([diagnostic])
        case .trusted(let signer):
            return (try decode(message, path: path), signer)
        }
    }

    /// The block in a file already checked (a station's kept copy), without checking again.
    static func block(in path: String) throws -> NumberBlock {
        try decode(try parts(path).message, path: path)
    }

    /// The signature lines and the embedded message.
    static func parts(_ path: String) throws -> (signature: [UInt8], message: [UInt8]) {
        let bytes = try FileIO.readAll(path)
        var newlines = 0
        guard let split = bytes.firstIndex(where: { byte in
            if byte == 0x0A { newlines += 1 }
            return newlines == 2
        }) else { throw malformed(path, "no embedded block after the signature") }
        return (Array(bytes[...split]), Array(bytes[(split + 1)...]))
    }

    static func decode(_ message: [UInt8], path: String) throws -> NumberBlock {
        guard let block = try? JSONDecoder().decode(NumberBlock.self, from: Data(message)),
              block.format == NumberBlock.format, block.version == 1, block.count >= 1,
              block.first.count == 8, block.last.count == 8
        else { throw malformed(path, "the signed content is not an enroll-number-block version 1") }
        return block
    }

    static func malformed(_ path: String, _ why: String) -> EnrollError {
        EnrollError.invalid(
            .stationNumberBlock, Location(file: path),
            zh: "这不是 enroll 的采集编号段文件（\(why)）。请使用区教育局 enroll numbers issue 生成的文件。",
            en: "This is not an enroll collection-number block (\(why)). Use the file the district's enroll numbers issue wrote.")
    }
}
