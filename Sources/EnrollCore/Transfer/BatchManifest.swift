import Foundation

/// `batch.txt`: what a transfer archive holds, signed by the station that packed it.
///
/// ```
/// Enroll-Batch-Version: 1
/// Station: station-01
/// Key-ID: 0123456789abcdef
/// Created: 2026-06-03T17:05:00Z
/// Bundle-Count: 2
///
/// <sha256 of tagmanifest-sha256.txt>  bundles/<name>
/// …
/// ```
public struct BatchManifest: Sendable, Hashable {
    /// One bundle line.
    public struct Entry: Sendable, Hashable {
        /// The SHA-256 of the bundle's `tagmanifest-sha256.txt` (the revision's identity).
        public var digest: String
        /// The bundle's path inside the batch directory, `bundles/<name>`.
        public var path: String
    }

    /// The packing station.
    public var station: String
    /// The packing key.
    public var keyID: String
    /// When the batch was packed (ISO 8601).
    public var created: String
    /// The bundles, in archive order.
    public var entries: [Entry]

    /// The file content.
    public func rendered() -> [UInt8] {
        var text = "Enroll-Batch-Version: 1\nStation: \(station)\nKey-ID: \(keyID)\nCreated: \(created)\nBundle-Count: \(entries.count)\n\n"
        for entry in entries { text += "\(entry.digest)  \(entry.path)\n" }
        return Array(text.utf8)
    }

    /// Parses the file content.
    /// - Throws: `EnrollError` `archive.batch-malformed` with the line.
    public init(bytes: [UInt8], file: String) throws {
        func malformed(_ line: Int, _ zh: String, _ en: String) -> EnrollError {
            EnrollError.invalid(.archiveBatchMalformed, Location(file: file, line: line), zh: "batch.txt 格式错误：\(zh)。", en: "batch.txt is malformed: \(en).")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw malformed(1, "不是 UTF-8 文本", "it is not UTF-8 text") }
        var fields: [String: String] = [:]
        var entries: [Entry] = []
        var inHeader = true
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if inHeader {
                if line.isEmpty { inHeader = false; continue }
                guard let colon = line.firstIndex(of: ":") else { throw malformed(index + 1, "头部行应为“名称: 值”", "a header line must be \"Name: value\"") }
                fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                continue
            }
            if line.isEmpty { continue }
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, parts[0].count == 64, Hex.decode(parts[0]) != nil else {
                throw malformed(index + 1, "申请包行应为“SHA-256  bundles/名称”", "a bundle line must be \"sha256  bundles/name\"")
            }
            let path = parts[1].trimmingCharacters(in: .whitespaces)
            let name = path.dropFirst("bundles/".count)
            guard path.hasPrefix("bundles/"), !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
                throw malformed(index + 1, "申请包路径应为“bundles/名称”", "a bundle path must be \"bundles/name\"")
            }
            entries.append(Entry(digest: String(parts[0]).lowercased(), path: path))
        }
        guard fields["Enroll-Batch-Version"] == "1" else { throw malformed(1, "缺少或不支持的 Enroll-Batch-Version", "missing or unsupported Enroll-Batch-Version") }
        guard let count = fields["Bundle-Count"].flatMap(Int.init), count == entries.count else {
            throw malformed(5, "Bundle-Count 与列出的申请包数不符", "Bundle-Count differs from the number of bundles listed")
        }
        station = fields["Station"] ?? ""
        keyID = fields["Key-ID"] ?? ""
        created = fields["Created"] ?? ""
        self.entries = entries
    }

    /// Creates a manifest.
    public init(station: String, keyID: String, created: String, entries: [Entry]) {
        self.station = station
        self.keyID = keyID
        self.created = created
        self.entries = entries
    }
}

/// The formats a transfer archive can be written in.
public enum TransferFormat: String, Sendable, CaseIterable {
    /// pax tar compressed with zstd (the default).
    case tarZstd = "tar.zst"
    /// pax tar compressed with gzip.
    case tarGzip = "tar.gz"
    /// zip.
    case zip

    /// The batch directory's name for an archive file: its name without the extension (and
    /// without the `.age` of an encrypted one).
    static func batchName(for path: String) -> String {
        var name = PathName(path).lastComponent
        if name.lowercased().hasSuffix(".age") { name = String(name.dropLast(4)) }
        for suffix in [".tar.zst", ".tzst", ".tar.gz", ".tgz", ".zip", ".tar"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name.isEmpty || name.hasPrefix(".") ? "batch" : name
    }

    /// Whether a file looks like a transfer archive (by its first bytes).
    public static func looksLikeArchive(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = Array((try? handle.read(upToCount: 512)) ?? Data())
        if head.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) { return true }  // zstd
        if head.starts(with: [0x1F, 0x8B]) { return true }  // gzip
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) { return true }  // zip
        if head.count >= 262, Array(head[257..<262]) == Array("ustar".utf8) { return true }  // tar
        return head.starts(with: Array("age-encryption.org/".utf8))  // an encrypted archive
    }
}
