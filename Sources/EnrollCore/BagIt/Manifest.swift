/// A parsed BagIt manifest or tag manifest (`manifest-<alg>.txt`, `tagmanifest-<alg>.txt`).
struct Manifest {
    /// One line: a checksum and the path it covers.
    struct Entry {
        /// The decoded path relative to the bag's base directory.
        var path: String
        /// The checksum, lower-cased.
        var checksum: String
        /// The 1-based line the entry is on.
        var line: Int
    }

    /// The manifest's file name, e.g. `manifest-sha256.txt`.
    var file: String
    /// The algorithm named in the file name.
    var algorithm: ChecksumAlgorithm
    /// The entries by path (canonical Unicode equivalence, as Swift compares strings).
    var entries: [String: Entry]
    /// Entries in file order.
    var orderedPaths: [String]
    /// Problems found while parsing.
    var diagnostics: [Diagnostic]

    /// Parses a manifest.
    /// - Parameters:
    ///   - text: The decoded tag file.
    ///   - file: The manifest's name, for locations.
    ///   - algorithm: The algorithm its name declares.
    ///   - isTagManifest: Whether this is a tag manifest (its paths must not be payload).
    ///   - version: The bag's version: a path listed twice with the same checksum is an error
    ///     in 1.0 (RFC 8493 §2.1.3) and a warning before.
    init(text: TagFileText, file: String, algorithm: ChecksumAlgorithm, isTagManifest: Bool, version: BagItVersion = .rfc8493) {
        self.file = file
        self.algorithm = algorithm
        entries = [:]
        orderedPaths = []
        diagnostics = text.diagnostics

        for line in text.lines {
            let location = Location(file: file, line: line.number)
            if line.text.allSatisfy({ $0 == " " || $0 == "\t" }) {
                diagnostics.append(.warning(
                    .bagManifestBlankLine, location,
                    zh: "清单中有空行，已忽略。", en: "The manifest has a blank line; it was ignored."))
                continue
            }
            guard let separator = line.text.firstIndex(where: { $0 == " " || $0 == "\t" }),
                  separator != line.text.startIndex
            else {
                diagnostics.append(.error(
                    .bagManifestMalformed, location,
                    zh: "清单行格式错误：应为“校验和 空格 文件路径”。",
                    en: "Malformed manifest line: expected \"checksum, whitespace, file path\"."))
                continue
            }
            let checksum = String(line.text[..<separator]).lowercased()
            var rawPath = String(line.text[separator...].drop(while: { $0 == " " || $0 == "\t" }))
            if rawPath.last == " " || rawPath.last == "\t" {
                diagnostics.append(.warning(
                    .bagManifestTrailingWhitespace, location,
                    zh: "清单行末尾有空白字符，已去掉。", en: "The manifest line ends in whitespace; it was removed."))
                while rawPath.last == " " || rawPath.last == "\t" { rawPath.removeLast() }
            }
            guard checksum.count == algorithm.hexLength, Hex.decode(checksum) != nil else {
                diagnostics.append(.error(
                    .bagManifestMalformed, location,
                    zh: "校验和“\(checksum)”不是 \(algorithm.hexLength) 位十六进制数（\(algorithm.rawValue)）。",
                    en: "The checksum \"\(checksum)\" is not \(algorithm.hexLength) hexadecimal digits (\(algorithm.rawValue))."))
                continue
            }
            var path = BagPath.decode(rawPath)
            if path.hasPrefix("./") {
                diagnostics.append(.warning(
                    .bagPathDotPrefix, location,
                    zh: "路径“\(path)”以“./”开头；按去掉前缀处理。",
                    en: "The path \"\(path)\" starts with \"./\"; it is read without the prefix."))
                path.removeFirst(2)
            }
            if let reason = BagPath.escapeReason(path) {
                diagnostics.append(.error(
                    .bagPathUnsafe, location,
                    zh: "清单路径“\(path)”不安全：\(reason.zh)。",
                    en: "The manifest path \"\(path)\" is unsafe: \(reason.en)."))
                continue
            }
            let isPayload = path.hasPrefix("data/")
            if isTagManifest && isPayload {
                diagnostics.append(.error(
                    .bagTagmanifestListsPayload, location,
                    zh: "标签清单列出了载荷文件“\(path)”；载荷文件只能列在 manifest-*.txt 中。",
                    en: "The tag manifest lists the payload file \"\(path)\"; payload files belong in manifest-*.txt only."))
                continue
            }
            if !isTagManifest && !isPayload {
                diagnostics.append(.error(
                    .bagManifestPathOutsidePayload, location,
                    zh: "载荷清单列出了 data/ 之外的文件“\(path)”。",
                    en: "The payload manifest lists \"\(path)\", which is outside data/."))
                continue
            }
            if isTagManifest && path == file {
                diagnostics.append(.error(
                    .bagTagmanifestListsItself, location,
                    zh: "标签清单不能列出它自己。", en: "A tag manifest cannot list itself."))
                continue
            }
            if let earlier = entries[path] {
                let sameBytes = Array(earlier.path.utf8) == Array(path.utf8)
                if !version.isRFC8493 && sameBytes && earlier.checksum == checksum {
                    diagnostics.append(.warning(
                        .bagManifestRepeated, location,
                        zh: "路径“\(path)”以相同校验和重复列出（第 \(earlier.line) 行已列出）；BagIt \(version) 允许，已忽略。",
                        en: "The path \"\(path)\" is listed again with the same checksum (already on line \(earlier.line)); BagIt \(version) allows it, and the repeat was ignored."))
                    continue
                }
                diagnostics.append(.error(
                    .bagManifestDuplicate, location,
                    zh: sameBytes
                        ? "路径“\(path)”在清单中重复出现（第 \(earlier.line) 行已列出）。"
                        : "路径“\(path)”与第 \(earlier.line) 行的路径在 Unicode 规范化后相同。",
                    en: sameBytes
                        ? "The path \"\(path)\" is listed twice (already on line \(earlier.line))."
                        : "The path \"\(path)\" is the same as line \(earlier.line)'s after Unicode normalization."))
                continue
            }
            entries[path] = Entry(path: path, checksum: checksum, line: line.number)
            orderedPaths.append(path)
        }
    }

    /// Renders manifest lines for `digests` (path → hex digest), sorted by path.
    static func render(_ digests: [(path: String, digest: String)]) -> [UInt8] {
        var text = ""
        for (path, digest) in digests.sorted(by: { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }) {
            text += "\(digest)  \(BagPath.encode(path))\n"
        }
        return Array(text.utf8)
    }
}
