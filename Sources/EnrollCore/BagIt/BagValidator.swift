/// The outcome of validating one bag.
public struct BagReport: Sendable {
    /// The bag's base directory (or its name inside an archive).
    public var path: String
    /// The declared BagIt version (`bagit.txt`), if it could be read.
    public var version: String?
    /// The declared `Tag-File-Character-Encoding`, if it could be read.
    public var encoding: String?
    /// The metadata (`bag-info.txt`); empty if absent.
    public var info: BagInfo
    /// The algorithms of the payload manifests present.
    public var payloadAlgorithms: [ChecksumAlgorithm]
    /// The algorithms of the tag manifests present.
    public var tagAlgorithms: [ChecksumAlgorithm]
    /// The number of payload files found.
    public var payloadFileCount: Int
    /// The number of payload bytes found.
    public var payloadByteCount: Int64
    /// Every problem found, errors and warnings, in a stable order.
    public var diagnostics: [Diagnostic]
    /// What was gathered, for callers that need digests or tag-file content.
    public var inventory: BagInventory

    /// Whether the bag is valid (no errors; warnings allowed).
    public var isValid: Bool { !diagnostics.containsErrors }
}

/// A general BagIt validator: RFC 8493 (1.0) and the drafts 0.93–0.97, each by its own rules.
///
/// It reads `bagit.txt` first (always UTF-8 from 0.97 on) and decodes the other tag files in
/// the encoding it declares (UTF-8, UTF-16, or any IANA name Foundation decodes). It checks
/// every payload and tag manifest (any of MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512; weak
/// ones with a warning), completeness in both directions, Payload-Oxum,
/// `fetch.txt`, unsafe and duplicate paths, percent-encoded names, byte-order marks, encodings,
/// line endings and Unicode normalization. It reports every problem it finds instead of
/// stopping at the first, and never modifies the bag.
public struct BagValidator: Sendable {
    /// Creates a validator.
    public init() {}

    /// Validates the bag in a directory.
    /// - Parameter path: The bag's base directory.
    /// - Returns: The report with every problem.
    /// - Throws: `EnrollError` (I/O) if `path` is not a readable directory.
    public func validate(directory path: String) throws -> BagReport {
        guard DirectoryWalker.kind(of: path) == .directory else {
            if DirectoryWalker.kind(of: path) == nil {
                throw EnrollError.io(
                    .ioNotFound, Location(file: path),
                    zh: "找不到该路径。请检查拼写。", en: "The path does not exist. Check its spelling.")
            }
            throw EnrollError.io(
                .bagNotADirectory, Location(file: path),
                zh: "这不是目录；bag 是一个目录。", en: "This is not a directory; a bag is a directory.")
        }
        return check(try BagInventory.gather(directory: path), root: path)
    }

    /// Runs every RFC 8493 check on a gathered inventory.
    /// - Parameters:
    ///   - inventory: The bag's files, digests and tag-file content.
    ///   - root: How to name the bag in locations (a directory or an archive entry prefix).
    /// - Returns: The report.
    public func check(_ inventory: BagInventory, root: String) -> BagReport {
        var diagnostics = inventory.problems
        func location(_ file: String, line: Int? = nil) -> Location {
            Location(file: root + "/" + file, line: line)
        }

        // bagit.txt: the declaration, always read first (RFC 8493 §2.1.1): the encoding of
        // every other tag file depends on it.
        var version: String?
        var encodingName: String?
        var bagVersion = BagItVersion.rfc8493
        var encoding = TagFileEncoding.utf8
        if let bytes = inventory.tagContents["bagit.txt"] {
            let declaration = Self.readDeclaration(bytes, file: root + "/bagit.txt")
            diagnostics += declaration.diagnostics
            version = declaration.version
            encodingName = declaration.encoding
            if let version {
                if let parsed = BagItVersion(version), BagItVersion.known.contains(parsed) {
                    bagVersion = parsed
                } else {
                    diagnostics.append(.error(
                        .bagVersionUnsupported, location("bagit.txt", line: 1),
                        zh: "不支持的 BagIt 版本“\(version)”（支持 0.93–0.97 和 1.0）。",
                        en: "Unsupported BagIt version \"\(version)\" (0.93–0.97 and 1.0 are supported)."))
                }
            }
            if let encodingName {
                if let resolved = TagFileEncoding(ianaName: encodingName) {
                    encoding = resolved
                    if !resolved.isUTF8 && bagVersion.isRFC8493 {
                        diagnostics.append(.warning(
                            .bagEncodingNotUTF8, location("bagit.txt", line: 2),
                            zh: "标签文件编码为 \(encodingName)；BagIt 1.0（RFC 8493 §2.1.1）建议使用 UTF-8。",
                            en: "The tag files are encoded in \(encodingName); BagIt 1.0 (RFC 8493 §2.1.1) recommends UTF-8."))
                    }
                } else {
                    diagnostics.append(.error(
                        .bagEncodingUnsupported, location("bagit.txt", line: 2),
                        zh: "无法解码声明的标签文件编码“\(encodingName)”（不是本机认识的 IANA 字符集名称）。请改用 UTF-8。",
                        en: "The declared tag-file encoding \"\(encodingName)\" cannot be decoded here (not an IANA character-set name this platform knows). Use UTF-8."))
                }
            }
            diagnostics += declaration.encodingProblems(bagVersion, file: root + "/bagit.txt")
        } else {
            diagnostics.append(.error(
                .bagDeclarationMissing, location("bagit.txt"),
                zh: "缺少 bagit.txt，这不是一个 BagIt 包。", en: "bagit.txt is missing; this is not a BagIt bag."))
        }

        if !inventory.hasPayloadDirectory && inventory.payload.isEmpty {
            diagnostics.append(.error(
                .bagPayloadMissing, location("data"),
                zh: "缺少载荷目录 data/。", en: "The payload directory data/ is missing."))
        }

        // bag-info.txt (package-info.txt up to 0.95).
        var info = BagInfo()
        let infoName = bagVersion.metadataFile
        if let bytes = inventory.tagContents[infoName] {
            let infoPath = root + "/" + infoName
            let text = TagFileText(bytes: bytes, file: infoPath, encoding: encoding, byteOrderMark: .warning)
            let parsed = BagInfo.parse(text, file: infoPath, version: bagVersion)
            info = parsed.0
            diagnostics += parsed.1
        }

        // fetch.txt: files that may legitimately be absent.
        var fetched: Set<String> = []
        var fetchLines: [String: Int] = [:]
        if let bytes = inventory.tagContents["fetch.txt"] {
            let text = TagFileText(bytes: bytes, file: root + "/fetch.txt", encoding: encoding, byteOrderMark: .warning)
            diagnostics += text.diagnostics
            for line in text.lines where !line.text.isEmpty {
                let parts = line.text.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" })
                let path = parts.count == 3 ? BagPath.decode(String(parts[2])) : ""
                guard parts.count == 3, parts[1] == "-" || Int64(parts[1]) != nil,
                      path.hasPrefix("data/"), BagPath.escapeReason(path) == nil
                else {
                    diagnostics.append(.error(
                        .bagFetchMalformed, location("fetch.txt", line: line.number),
                        zh: "fetch.txt 行格式错误：应为“URL 长度 data/路径”。",
                        en: "Malformed fetch.txt line: expected \"URL length data/path\"."))
                    continue
                }
                fetched.insert(path)
                fetchLines[path] = line.number
            }
        }

        // Payload manifests.
        let rootFiles = Array(inventory.tagFiles.keys)
        var manifests: [Manifest] = []
        for name in rootFiles.sorted() where !name.contains("/") && name.hasPrefix("manifest-") && name.hasSuffix(".txt") {
            guard let manifest = parseManifest(name, prefix: "manifest-", inventory, encoding, bagVersion, root, &diagnostics) else { continue }
            manifests.append(manifest)
        }
        if manifests.isEmpty {
            diagnostics.append(.error(
                .bagManifestMissing, location("manifest-sha256.txt"),
                zh: "缺少载荷清单（manifest-<算法>.txt）。", en: "No payload manifest (manifest-<algorithm>.txt) was found."))
        }
        for manifest in manifests {
            for path in manifest.orderedPaths {
                let entry = manifest.entries[path]!
                guard let file = inventory.payload[path] else {
                    if fetched.contains(path) {
                        diagnostics.append(.warning(
                            .bagFetchPending, location(path),
                            zh: "文件列在 fetch.txt 中尚未取回；enroll 不会下载它。",
                            en: "The file is listed in fetch.txt and has not been retrieved; enroll never downloads it."))
                    } else {
                        diagnostics.append(.error(
                            .bagFileMissing, location(path),
                            zh: "清单 \(manifest.file) 第 \(entry.line) 行列出的文件不存在。文件可能在复制中丢失，请从原始来源重新复制该申请包。",
                            en: "The file listed on line \(entry.line) of \(manifest.file) does not exist. It may have been lost in copying; copy the bundle again from its source."))
                    }
                    continue
                }
                if Array(file.path.utf8) != Array(path.utf8) {
                    diagnostics.append(.warning(
                        .bagPathNormalization, location(file.path),
                        zh: "清单中的路径与磁盘上的文件名 Unicode 规范化形式不同（NFC/NFD），按同一文件处理。",
                        en: "The manifest path and the file name on disk differ in Unicode normalization (NFC/NFD); they are treated as the same file."))
                }
                if let actual = file.digests[manifest.algorithm], actual != entry.checksum {
                    diagnostics.append(.error(
                        .bagChecksumMismatch, location(file.path),
                        zh: "文件内容与清单 \(manifest.file) 不符（\(manifest.algorithm.rawValue) 校验和不同）：文件已被改动或损坏。请从原始来源重新复制。",
                        en: "The file's content does not match \(manifest.file) (different \(manifest.algorithm.rawValue) checksum): it was changed or damaged. Copy it again from its source."))
                }
            }
            for path in inventory.payload.keys.sorted() where manifest.entries[path] == nil {
                diagnostics.append(.error(
                    .bagFileUnlisted, location(path),
                    zh: "载荷文件没有列在 \(manifest.file) 中：它是后来加入的，不属于签名的内容。请删除它，或重新制作该包。",
                    en: "The payload file is not listed in \(manifest.file): it was added afterwards and is not part of what was signed. Remove it or make the bag again."))
            }
        }

        // RFC 8493 §2.2.3: every file fetch.txt names must be in every payload manifest.
        if bagVersion.isRFC8493 {
            for path in fetched.sorted() {
                for manifest in manifests where manifest.entries[path] == nil {
                    diagnostics.append(.error(
                        .bagFetchUnlisted, location("fetch.txt", line: fetchLines[path]),
                        zh: "fetch.txt 列出的“\(path)”不在载荷清单 \(manifest.file) 中；BagIt 1.0 要求每个载荷清单都列出它。",
                        en: "fetch.txt lists \"\(path)\", which \(manifest.file) does not; BagIt 1.0 requires every payload manifest to list it."))
                }
            }
        }

        // Payload-Oxum.
        let payloadBytes = inventory.payload.values.reduce(Int64(0)) { $0 + $1.size }
        if let field = info.field("Payload-Oxum") {
            let parts = field.value.split(separator: ".")
            if parts.count == 2, let octets = Int64(parts[0]), let streams = Int(parts[1]) {
                if octets != payloadBytes || streams != inventory.payload.count {
                    diagnostics.append(.error(
                        .bagOxumMismatch, location(infoName, line: field.line),
                        zh: "Payload-Oxum 声明 \(octets) 字节、\(streams) 个文件，实际为 \(payloadBytes) 字节、\(inventory.payload.count) 个文件。载荷不完整或被改动。",
                        en: "Payload-Oxum declares \(octets) bytes in \(streams) files; the payload has \(payloadBytes) bytes in \(inventory.payload.count) files. The payload is incomplete or was changed."))
                }
            } else {
                diagnostics.append(.error(
                    .bagInfoMalformed, location(infoName, line: field.line),
                    zh: "Payload-Oxum 应为“字节数.文件数”，实际为“\(field.value)”。",
                    en: "Payload-Oxum must be \"octets.files\", not \"\(field.value)\"."))
            }
        }

        // Tag manifests.
        var tagAlgorithms: [ChecksumAlgorithm] = []
        for name in rootFiles.sorted() where !name.contains("/") && name.hasPrefix("tagmanifest-") && name.hasSuffix(".txt") {
            guard let manifest = parseManifest(name, prefix: "tagmanifest-", inventory, encoding, bagVersion, root, &diagnostics) else { continue }
            tagAlgorithms.append(manifest.algorithm)
            var tagProblems: [Diagnostic] = []
            defer {
                // Before 0.97 tag manifests were optional and not verified: what they find is
                // reported, as a warning.
                diagnostics += bagVersion.verifiesTagManifests ? tagProblems : tagProblems.map { problem in
                    var copy = problem
                    copy.severity = .warning
                    return copy
                }
            }
            for path in manifest.orderedPaths {
                let entry = manifest.entries[path]!
                guard let file = inventory.tagFiles[path] else {
                    tagProblems.append(.error(
                        .bagTagFileMissing, location(path),
                        zh: "标签清单 \(name) 第 \(entry.line) 行列出的标签文件不存在。",
                        en: "The tag file listed on line \(entry.line) of \(name) does not exist."))
                    continue
                }
                if let actual = file.digests[manifest.algorithm], actual != entry.checksum {
                    tagProblems.append(.error(
                        .bagTagChecksumMismatch, location(path),
                        zh: "标签文件内容与 \(name) 不符：它在制作后被改动过。",
                        en: "The tag file does not match \(name): it was changed after the bag was made."))
                }
            }
        }

        return BagReport(
            path: root, version: version, encoding: encodingName, info: info,
            payloadAlgorithms: manifests.map(\.algorithm), tagAlgorithms: tagAlgorithms,
            payloadFileCount: inventory.payload.count, payloadByteCount: payloadBytes,
            diagnostics: diagnostics, inventory: inventory)
    }

    /// What `bagit.txt` says, and how it was encoded.
    struct Declaration {
        /// The `BagIt-Version` value.
        var version: String?
        /// The `Tag-File-Character-Encoding` value.
        var encoding: String?
        /// Problems with its lines.
        var diagnostics: [Diagnostic]
        /// Whether the file was UTF-16 rather than UTF-8.
        var wasUTF16: Bool
        /// Whether the file began with a UTF-8 byte-order mark.
        var hadByteOrderMark: Bool

        /// The encoding problems, which depend on the version it declares: 0.97 and 1.0
        /// require UTF-8 without a byte-order mark; earlier bags get a warning.
        func encodingProblems(_ version: BagItVersion, file: String) -> [Diagnostic] {
            var problems: [Diagnostic] = []
            let location = Location(file: file, line: 1, column: 1)
            if wasUTF16 {
                let zh = "bagit.txt 是 UTF-16 编码；BagIt \(version) 要求它为 UTF-8（RFC 8493 §2.1.1）。请用 UTF-8 重新保存。"
                let en = "bagit.txt is encoded in UTF-16; BagIt \(version) requires UTF-8 (RFC 8493 §2.1.1). Save it again as UTF-8."
                problems.append(version.declarationMustBeUTF8
                    ? .error(.bagDeclarationEncoding, location, zh: zh, en: en)
                    : .warning(.bagDeclarationEncoding, location, zh: "bagit.txt 是 UTF-16 编码（BagIt \(version) 未禁止），已读取。", en: "bagit.txt is encoded in UTF-16 (BagIt \(version) did not forbid it); it was read."))
            }
            if hadByteOrderMark {
                problems.append(version.declarationMustBeUTF8
                    ? .error(.bagBom, location,
                             zh: "bagit.txt 以字节顺序标记（BOM）开头，BagIt \(version) 不允许（RFC 8493 §2.1.1）。请保存为无 BOM 的 UTF-8。",
                             en: "bagit.txt starts with a byte-order mark (BOM), which BagIt \(version) forbids (RFC 8493 §2.1.1). Save it as UTF-8 without a BOM.")
                    : .warning(.bagBomIgnored, location,
                               zh: "bagit.txt 以字节顺序标记（BOM）开头（BagIt \(version) 未禁止），已忽略。",
                               en: "bagit.txt starts with a byte-order mark (BOM) (BagIt \(version) did not forbid it); it was ignored."))
            }
            return problems
        }
    }

    /// Reads `bagit.txt`: UTF-8, or UTF-16 when its bytes show it (a UTF-16 byte-order mark or
    /// a NUL in the first two bytes), which only versions before 0.97 tolerate.
    static func readDeclaration(_ bytes: [UInt8], file: String) -> Declaration {
        let looksUTF16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
            || (bytes.count >= 2 && (bytes[0] == 0) != (bytes[1] == 0))
        let encoding = looksUTF16 ? TagFileEncoding(ianaName: "UTF-16LE")! : TagFileEncoding.utf8
        var sniffed = encoding
        if looksUTF16 && (bytes.starts(with: [0xFE, 0xFF]) || bytes.first == 0) {
            sniffed = TagFileEncoding(ianaName: "UTF-16BE")!
        }
        let text = TagFileText(bytes: bytes, file: file, encoding: sniffed, byteOrderMark: .warning)
        var declaration = Declaration(
            version: nil, encoding: nil,
            diagnostics: text.diagnostics.filter { $0.code != .bagBomIgnored },
            wasUTF16: looksUTF16, hadByteOrderMark: text.diagnostics.contains { $0.code == .bagBomIgnored })
        let lines = text.lines.filter { !$0.text.isEmpty }
        let expected = ["BagIt-Version", "Tag-File-Character-Encoding"]
        if lines.count != 2 {
            declaration.diagnostics.append(.error(
                .bagDeclarationMalformed, Location(file: file),
                zh: "bagit.txt 应恰好有两行：BagIt-Version 和 Tag-File-Character-Encoding。",
                en: "bagit.txt must have exactly two lines: BagIt-Version and Tag-File-Character-Encoding."))
        }
        for (index, line) in lines.prefix(2).enumerated() {
            let parts = line.text.split(separator: ":", maxSplits: 1).map { String($0) }
            guard parts.count == 2, parts[0] == expected[index], parts[1].hasPrefix(" ") else {
                declaration.diagnostics.append(.error(
                    .bagDeclarationMalformed, Location(file: file, line: line.number),
                    zh: "第 \(index + 1) 行应为“\(expected[index]): …”。",
                    en: "Line \(index + 1) must be \"\(expected[index]): …\"."))
                continue
            }
            let value = parts[1].trimmingCharacters(in: [" ", "\t"])
            if index == 0 { declaration.version = value } else { declaration.encoding = value }
        }
        return declaration
    }

    private func parseManifest(
        _ name: String, prefix: String, _ inventory: BagInventory, _ encoding: TagFileEncoding,
        _ version: BagItVersion, _ root: String,
        _ diagnostics: inout [Diagnostic]
    ) -> Manifest? {
        let algorithmName = String(name.dropFirst(prefix.count).dropLast(4))
        let location = Location(file: root + "/" + name)
        guard let algorithm = ChecksumAlgorithm(rawValue: algorithmName.lowercased()) else {
            diagnostics.append(.error(
                .bagAlgorithmUnsupported, location,
                zh: "不支持清单算法“\(algorithmName)”（支持 md5、sha1、sha224、sha256、sha384、sha512），无法校验该清单。请使用 sha256 或 sha512。",
                en: "The manifest algorithm \"\(algorithmName)\" is not supported (md5, sha1, sha224, sha256, sha384 and sha512 are), so the manifest cannot be checked. Use sha256 or sha512."))
            return nil
        }
        if algorithm.isWeak {
            diagnostics.append(.warning(
                .bagAlgorithmWeak, location,
                zh: "\(algorithm.rawValue) 不能防止有意篡改；请改用 sha256 或 sha512。",
                en: "\(algorithm.rawValue) does not protect against deliberate tampering; use sha256 or sha512."))
        }
        guard let bytes = inventory.tagContents[name] else { return nil }
        let text = TagFileText(bytes: bytes, file: root + "/" + name, encoding: encoding, byteOrderMark: .warning)
        let manifest = Manifest(
            text: text, file: name, algorithm: algorithm, isTagManifest: prefix == "tagmanifest-", version: version)
        diagnostics += manifest.diagnostics.map { diagnostic in
            var copy = diagnostic
            copy.location.file = root + "/" + name
            return copy
        }
        return manifest
    }
}
