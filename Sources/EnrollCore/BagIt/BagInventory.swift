/// Everything a bag holds, gathered from a directory or from an archive stream, ready to check.
///
/// Gathering (reading, hashing) and checking are separate so the same RFC 8493 checks run on a
/// bag on disk and on a bag streaming out of a transfer archive that is never unpacked.
public struct BagInventory {
    /// One file of the bag.
    public struct File: Sendable {
        /// The path relative to the bag's base directory.
        public var path: String
        /// The size in bytes.
        public var size: Int64
        /// The digests computed while reading it.
        public var digests: [ChecksumAlgorithm: String]
    }

    /// The content of the tag files the checks parse (`bagit.txt`, `bag-info.txt`,
    /// `fetch.txt`, manifests and tag manifests), by path.
    public var tagContents: [String: [UInt8]] = [:]
    /// Every file outside `data/`, by path.
    public var tagFiles: [String: File] = [:]
    /// Every file inside `data/`, by path (canonical Unicode equivalence).
    public var payload: [String: File] = [:]
    /// Whether the bag has a `data/` directory (an empty payload is allowed, a missing one is not).
    public var hasPayloadDirectory = false
    /// Problems found while gathering: links, special files, names, name collisions.
    public var problems: [Diagnostic] = []

    /// Creates an empty inventory.
    public init() {}

    /// Whether a root-level file is one the checks read the content of.
    static func isParsedTagFile(_ path: String) -> Bool {
        if path.contains("/") { return false }
        return path == "bagit.txt" || path == "bag-info.txt" || path == "package-info.txt" || path == "fetch.txt"
            || path == BundleLayout.signature
            || (path.hasPrefix("manifest-") && path.hasSuffix(".txt"))
            || (path.hasPrefix("tagmanifest-") && path.hasSuffix(".txt"))
    }

    /// The supported algorithms named by root-level files with `prefix` (`manifest-` or
    /// `tagmanifest-`): what files are hashed with.
    static func algorithms(in names: some Sequence<String>, prefix: String) -> [ChecksumAlgorithm] {
        names.compactMap { name -> ChecksumAlgorithm? in
            guard !name.contains("/"), name.hasPrefix(prefix), name.hasSuffix(".txt") else { return nil }
            return ChecksumAlgorithm(rawValue: String(name.dropFirst(prefix.count).dropLast(4)).lowercased())
        }.sorted()
    }

    /// Records a file, reporting a name that collides with an earlier one under Unicode
    /// normalization.
    mutating func add(_ file: File, root: String) {
        let isPayload = file.path.hasPrefix("data/")
        let existing = isPayload ? payload[file.path] : tagFiles[file.path]
        if let existing {
            problems.append(.error(
                .bagFilenameCollision, Location(file: root + "/" + file.path),
                zh: "文件名“\(file.path)”与“\(existing.path)”在 Unicode 规范化后相同，无法区分。请重命名其中一个。",
                en: "The file name \"\(file.path)\" is the same as \"\(existing.path)\" after Unicode normalization, so the two cannot be told apart. Rename one of them."))
            return
        }
        if isPayload { payload[file.path] = file } else { tagFiles[file.path] = file }
    }

    /// Gathers a bag from a directory: lists it, reads the tag files, hashes every file with
    /// the algorithms its manifests name.
    /// - Parameters:
    ///   - root: The bag's base directory.
    ///   - hashingPayload: False to only list the payload (paths and sizes, no digests) for a
    ///     caller that hashes it later in the same pass as it copies it, then checks again
    ///     with the digests filled in. The checks skip digests that are absent.
    /// - Throws: `EnrollError` (I/O) if the directory cannot be read at all.
    public static func gather(directory root: String, hashingPayload: Bool = true) throws -> BagInventory {
        var inventory = BagInventory()
        let entries = try DirectoryWalker.walk(root) { parent in
            inventory.problems.append(.error(
                .bagFilenameEncoding, Location(file: root + (parent.isEmpty ? "" : "/" + parent)),
                zh: "目录中有文件名不是有效的 UTF-8，无法列入清单。请重命名该文件。",
                en: "A file name in this directory is not valid UTF-8 and cannot be listed in a manifest. Rename the file."))
        }
        let rootNames = entries.filter { !$0.path.contains("/") && $0.kind == .file }.map(\.path)
        let payloadAlgorithms = algorithms(in: rootNames, prefix: "manifest-")
        let tagAlgorithms = algorithms(in: rootNames, prefix: "tagmanifest-")

        for entry in entries {
            let fullPath = root + "/" + entry.path
            switch entry.kind {
            case .directory:
                if entry.path == "data" { inventory.hasPayloadDirectory = true }
                continue
            case .symlink:
                inventory.problems.append(.error(
                    .bagSymlink, Location(file: fullPath),
                    zh: "bag 中有符号链接；链接可能指向 bag 之外，不被接受。请用真实文件替换。",
                    en: "The bag contains a symbolic link, which could point outside the bag and is not accepted. Replace it with the real file."))
                continue
            case .special:
                inventory.problems.append(.error(
                    .bagSpecialFile, Location(file: fullPath),
                    zh: "bag 中有设备、管道或套接字文件，不被接受。请删除它。",
                    en: "The bag contains a device, FIFO or socket, which is not accepted. Remove it."))
                continue
            case .file:
                break
            }
            let isPayload = entry.path.hasPrefix("data/")
            var hasher = MultiHasher(isPayload ? payloadAlgorithms : tagAlgorithms)
            var size: Int64 = 0
            if isPayload && !hashingPayload {
                size = entry.size
            } else if isParsedTagFile(entry.path) {
                let bytes = try FileIO.readAll(fullPath)
                bytes.withUnsafeBytes { hasher.update($0) }
                inventory.tagContents[entry.path] = bytes
                size = Int64(bytes.count)
            } else {
                size = Int64(try FileIO.stream(fullPath) { hasher.update($0) })
            }
            let digests = isPayload && !hashingPayload ? [:] : hasher.finalize()
            inventory.add(File(path: entry.path, size: size, digests: digests), root: root)
        }
        return inventory
    }
}

extension BagInventory: Sendable {}
