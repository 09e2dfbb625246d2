import Foundation
import JSONSchema

/// A file to put into a bundle's payload.
public struct PayloadItem: Sendable {
    /// Where the content comes from.
    public enum Source: Sendable {
        /// A file to copy.
        case file(String)
        /// Bytes in memory.
        case bytes([UInt8])
    }

    /// The path inside the bag, starting with `data/`.
    public var path: String
    /// The content.
    public var source: Source

    /// Creates a payload item.
    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }
}

/// Writes application bundles: BagIt 1.0 bags with enroll's metadata, optionally signed.
///
/// A bundle is written into a hidden temporary directory beside the target and renamed into
/// place only when complete, so a crash or a full disk never leaves a half bundle that looks
/// whole.
public enum BundleWriter {
    /// The `Bag-Software-Agent` written into every bag.
    public static let softwareAgent = "enroll/\(EnrollVersion.current) (https://schemas.enroll.invalid)"

    /// Writes a bundle.
    /// - Parameters:
    ///   - header: The `Enroll-*` metadata (station and key are filled in from `signer`).
    ///   - items: The payload files.
    ///   - directory: The bundle directory to create; it must not exist.
    ///   - signer: The key and station name to sign with, or nil for an unsigned draft.
    ///   - date: The bagging date.
    ///   - submission: For a bundle signed here, what is stamped at 提交 (`Enroll-Signed-At`,
    ///     `Enroll-Late-Reason`, `Enroll-Collection-Number`); the commands always give it (they
    ///     sign through ``BundleOperations/sign(_:key:station:submission:check:)``).
    /// - Returns: The SHA-256 of the written tag manifest (the revision's identity).
    /// - Throws: `EnrollError` if the target exists or a file cannot be read or written.
    @discardableResult
    public static func write(
        header: BundleHeader, items: [PayloadItem], to directory: String,
        signer: (key: SignifySecretKey, station: String)? = nil, date: Date = StoreClock.date(),
        submission: Submission? = nil
    ) throws -> String {
        guard DirectoryWalker.kind(of: directory) == nil else {
            throw EnrollError.io(
                .ioExists, Location(file: directory),
                zh: "目标目录已存在，不会覆盖。请换一个输出路径。",
                en: "The target directory already exists and will not be overwritten. Choose another output path.")
        }
        let staging = PathName(directory).hiddenSibling(suffix: ".\(UUID().uuidString).partial")
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(atPath: staging + "/data", withIntermediateDirectories: true)
            var digests: [(path: String, digest: String)] = []
            var octets: Int64 = 0
            var formDocument: JSONValue?
            for item in items {
                precondition(item.path.hasPrefix("data/") && BagPath.escapeReason(item.path) == nil)
                let target = staging + "/" + item.path
                try fileManager.createDirectory(atPath: PathName(target).parent, withIntermediateDirectories: true)
                var hasher = MultiHasher([.sha256])
                var bytes: [UInt8]
                switch item.source {
                case .bytes(let content): bytes = content
                case .file(let source): bytes = try FileIO.readAll(source)
                }
                if item.path == BundleLayout.form, submission?.notices.isEmpty == false { formDocument = try? JSONParser.parse(bytes) }
                bytes.withUnsafeBytes { hasher.update($0) }
                try FileIO.createExclusive(target, bytes)
                octets += Int64(bytes.count)
                digests.append((item.path, hasher.finalize()[.sha256]!))
                bytes = []
            }
            var info = BagInfo([
                ("Bagging-Date", Self.baggingDate(date)),
                ("Bag-Software-Agent", softwareAgent),
                ("Payload-Oxum", "\(octets).\(items.count)"),
            ])
            var signedHeader = header
            if let signer {
                signedHeader.station = signer.station
                signedHeader.keyID = signer.key.keyID
                submission?.stamp(&signedHeader, form: formDocument)
            }
            signedHeader.apply(to: &info)
            try FileIO.createExclusive(staging + "/bagit.txt", Array("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n".utf8))
            try FileIO.createExclusive(staging + "/" + BundleLayout.manifest, Manifest.render(digests))
            try FileIO.createExclusive(staging + "/bag-info.txt", info.rendered())
            let tagManifest = try tagManifestContents(in: staging)
            try FileIO.createExclusive(staging + "/" + BundleLayout.tagManifest, tagManifest)
            if let signer {
                try writeSignature(signer.key, station: signer.station, over: tagManifest, in: staging)
            }
            guard rename(staging, directory) == 0 else {
                throw FileIO.ioError(errno, directory, verb: ("创建", "create"))
            }
            return sha256Hex(tagManifest)
        } catch {
            try? fileManager.removeItem(atPath: staging)
            throw error
        }
    }

    /// The `tagmanifest-sha256.txt` content for the standard tag files in a bag directory.
    static func tagManifestContents(in directory: String) throws -> [UInt8] {
        var digests: [(path: String, digest: String)] = []
        for name in ["bagit.txt", "bag-info.txt", BundleLayout.manifest] {
            digests.append((name, sha256Hex(try FileIO.readAll(directory + "/" + name))))
        }
        return Manifest.render(digests)
    }

    /// Writes `tagmanifest-sha256.txt.sig`.
    static func writeSignature(_ key: SignifySecretKey, station: String, over tagManifest: [UInt8], in directory: String) throws {
        let signature = try key.sign(tagManifest)
        try FileIO.createExclusive(
            directory + "/" + BundleLayout.signature, signature.fileContents(publicKeyName: station + ".pub"))
    }

    static func baggingDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: date)
    }
}

/// The version of enroll.
public enum EnrollVersion {
    /// The version string shown by `enroll --version` and written into bags.
    public static let current = "0.1.0"
}
