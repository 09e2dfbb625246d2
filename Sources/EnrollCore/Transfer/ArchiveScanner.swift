import AgeKit
import ArchiveKit
import Foundation

/// The archive-level outcome of scanning a transfer archive.
public struct ArchiveScan: Sendable {
    /// The archive file.
    public var archive: String
    /// The batch directory's name.
    public var root: String?
    /// `batch.txt`, if it was read.
    public var batch: BatchManifest?
    /// Who signed `batch.txt`, when a trust store was given and the signature is good.
    public var batchSigner: TrustStore.Entry?
    /// Problems with the archive itself or its batch (bundle problems are reported per bundle).
    public var diagnostics: [Diagnostic]
    /// How many bundles were found.
    public var bundleCount: Int
    /// Bytes of entry data read.
    public var bytes: Int64

    /// Whether the archive-level checks passed.
    public var isValid: Bool { !diagnostics.containsErrors }
}

/// Reads a transfer archive once, front to back, checking every bundle as it streams by —
/// hashing each entry as it is read, never unpacking to disk — and checking `batch.txt`
/// against what was found.
///
/// Memory stays bounded by one bundle's tag files and attachment heads, whatever the number of
/// bundles; results are handed to a closure one bundle at a time.
public struct ArchiveScanner: Sendable {
    /// The keys bundle and batch signatures must come from; nil checks integrity only.
    public var trust: TrustStore?
    /// When set, bundles are also checked against their forms.
    public var validator: ApplicationValidator?
    /// The limits that protect against hostile archives.
    public var limits: ArchiveLimits
    /// The keys that decrypt an encrypted (age) archive while it streams; without them an
    /// encrypted archive is refused (`crypt.identity-required`).
    public var identities: [AgeIdentity]?

    /// Creates a scanner.
    public init(
        trust: TrustStore?, validator: ApplicationValidator? = nil, limits: ArchiveLimits = .default, identities: [AgeIdentity]? = nil
    ) {
        self.trust = trust
        self.validator = validator
        self.limits = limits
        self.identities = identities
    }

    /// Scans an archive.
    /// - Parameters:
    ///   - path: The archive file.
    ///   - onBundle: Called with each bundle's result, in archive order, with the bundle's
    ///     name in the archive (`bundles/<name>`).
    /// - Returns: The archive-level outcome.
    public func scan(_ path: String, onBundle: (String, BundleVerification) -> Void) -> ArchiveScan {
        var scan = ArchiveScan(archive: path, root: nil, batch: nil, batchSigner: nil, diagnostics: [], bundleCount: 0, bytes: 0)
        var batchBytes: [UInt8]?
        var batchSignature: [UInt8]?
        var found: [String: String] = [:]  // bundles/<name> → tagmanifest digest
        var current: BundleAssembly?
        var finished: Set<String> = []
        let verifier = BundleVerifier(trust: trust)

        func finish() {
            guard let assembly = current else { return }
            current = nil
            var result = verifier.verify(inventory: assembly.inventory(), root: assembly.displayRoot)
            if let validator, let header = result.header {
                if header.kind.carriesForm, let form = assembly.formJSON {
                    result.diagnostics += validator.formDiagnostics(header, FormInput(formJSON: form, attachments: assembly.attachments), root: assembly.displayRoot)
                } else if header.kind == .withdrawal, let request = assembly.withdrawalJSON {
                    result.diagnostics += validator.withdrawalDiagnostics(header, request, root: assembly.displayRoot)
                }
            }
            found[assembly.name] = result.tagManifestDigest ?? ""
            scan.bundleCount += 1
            onBundle(assembly.name, result)
        }

        do {
            let reader = try ArchiveEncryption.openReader(path, identities: identities, limits: limits, root: .learnFromFirstEntry).reader
            while let entry = try reader.next() {
                let root = reader.requiredRoot ?? ""
                scan.root = root
                guard entry.path != root else { continue }
                let relative = String(entry.path.dropFirst(root.count + 1))
                if relative == "batch.txt" || relative == "batch.txt.sig" {
                    let bytes = try entry.readAll()
                    scan.bytes += Int64(bytes.count)
                    if relative == "batch.txt" { batchBytes = bytes } else { batchSignature = bytes }
                    continue
                }
                if relative == "bundles" && entry.kind == .directory { continue }
                let parts = relative.split(separator: "/", maxSplits: 2).map(String.init)
                guard parts.count >= 2, parts[0] == "bundles" else {
                    scan.diagnostics.append(.error(
                        .archiveUnexpectedEntry, Location(file: path, entry: entry.path),
                        zh: "归档中有不属于任何申请包的条目。归档可能被改动过。",
                        en: "The archive holds an entry that belongs to no bundle. The archive may have been altered."))
                    if entry.kind == .file { try entry.readData { _ in } }
                    continue
                }
                let name = "bundles/" + parts[1]
                // A bundle's own directory entry carries nothing; other tars write all
                // directories first, so it must not open the bundle.
                guard parts.count == 3 else { continue }
                if current?.name != name {
                    finish()
                    if finished.contains(name) {
                        scan.diagnostics.append(.error(
                            .archiveBundleSplit, Location(file: path, entry: entry.path),
                            zh: "申请包“\(parts[1])”的文件在归档中不连续。请用 enroll pack 重新打包。",
                            en: "The files of bundle \"\(parts[1])\" are not together in the archive. Pack it again with enroll pack."))
                    }
                    finished.insert(name)
                    current = BundleAssembly(name: name, displayRoot: "\(path):\(root)/\(name)")
                }
                try current!.add(entry, relative: parts[2])
                scan.bytes += entry.size
            }
            finish()
        } catch {
            current = nil
            if let archiveError = error as? ArchiveError {
                scan.diagnostics.append(archiveError.diagnostic(archive: path))
            } else if let enrollError = error as? EnrollError {
                scan.diagnostics += enrollError.diagnostics
            } else {
                scan.diagnostics.append(.error(.archiveFailed, Location(file: path), zh: "\(error)", en: "\(error)"))
            }
            return scan
        }

        let batch = Self.checkBatch(archive: path, root: scan.root ?? "", batchBytes, batchSignature, found, trust: trust)
        scan.batch = batch.batch
        scan.batchSigner = batch.signer
        scan.diagnostics += batch.diagnostics
        return scan
    }

    /// What checking `batch.txt` found.
    struct BatchCheck {
        var batch: BatchManifest?
        var signer: TrustStore.Entry?
        var diagnostics: [Diagnostic] = []
    }

    /// Checks `batch.txt` and its signature against the bundles found (`bundles/<name>` →
    /// tag-manifest digest).
    /// - Parameters:
    ///   - path: The archive, for locations.
    ///   - root: The batch directory's name in the archive.
    static func checkBatch(
        archive path: String, root: String, _ bytes: [UInt8]?, _ signature: [UInt8]?, _ found: [String: String], trust: TrustStore?
    ) -> BatchCheck {
        var result = BatchCheck()
        let batchEntry = root + "/batch.txt"
        guard let bytes else {
            result.diagnostics.append(.error(
                .archiveBatchMissing, Location(file: path, entry: batchEntry),
                zh: "归档缺少 batch.txt，无法确认内容完整。请向采集点索取用 enroll pack 打包的归档。",
                en: "The archive lacks batch.txt, so its completeness cannot be confirmed. Ask the station for an archive made with enroll pack."))
            return result
        }
        // The signature first: an edited batch.txt is reported as such even if it no longer parses.
        if let trust {
            let location = Location(file: path, entry: batchEntry + ".sig")
            if let signature {
                do {
                    switch trust.verify(try SignifySignature(bytes: signature, path: path), message: bytes, location: location) {
                    case .trusted(let entry): result.signer = entry
                    case .rejected(let diagnostic): result.diagnostics.append(diagnostic)
                    }
                } catch let error as EnrollError {
                    result.diagnostics += error.diagnostics.map { var d = $0; d.location = location; return d }
                } catch {}
            } else {
                result.diagnostics.append(.error(
                    .sigMissing, location,
                    zh: "batch.txt 没有签名，无法确认归档来自哪个采集点。", en: "batch.txt is not signed, so the archive's station cannot be confirmed."))
            }
        }
        let batch: BatchManifest
        do {
            batch = try BatchManifest(bytes: bytes, file: path + ":" + batchEntry)
        } catch let error as EnrollError {
            result.diagnostics += error.diagnostics
            return result
        } catch {
            return result
        }
        result.batch = batch
        if let signer = result.signer, signer.name != batch.station {
            result.diagnostics.append(.error(
                .sigStationMismatch, Location(file: path, entry: batchEntry),
                zh: "batch.txt 声称来自“\(batch.station)”，但签名密钥属于“\(signer.name)”。",
                en: "batch.txt claims to come from \"\(batch.station)\", but the signing key belongs to \"\(signer.name)\"."))
        }
        var listed: Set<String> = []
        for entry in batch.entries {
            listed.insert(entry.path)
            let location = Location(file: path, entry: root + "/" + entry.path)
            guard let digest = found[entry.path] else {
                result.diagnostics.append(.error(
                    .archiveBundleMissing, location,
                    zh: "batch.txt 列出了这个申请包，但归档中没有。归档不完整：请重新复制。",
                    en: "batch.txt lists this bundle but the archive does not hold it. The archive is incomplete; copy it again."))
                continue
            }
            if digest != entry.digest {
                result.diagnostics.append(.error(
                    .archiveBundleChanged, location,
                    zh: "申请包内容与打包时不同（tagmanifest 校验和不符）：在转运中被改动过。",
                    en: "The bundle differs from what was packed (its tag manifest checksum differs): it was changed in transit."))
            }
        }
        for name in found.keys.sorted() where !listed.contains(name) {
            result.diagnostics.append(.error(
                .archiveBundleUnlisted, Location(file: path, entry: root + "/" + name),
                zh: "归档中的这个申请包不在 batch.txt 中：它是打包后被加入的。",
                en: "This bundle in the archive is not listed in batch.txt: it was added after packing."))
        }
        return result
    }
}

/// One bundle being gathered from an archive stream, entry by entry and block by block.
///
/// Fed either by pulling each entry's data (`add(_:relative:)`, when scanning an archive) or
/// by pushing blocks as they go past (`begin`, `update`, `end`, when extracting one).
struct BundleAssembly {
    let name: String
    let displayRoot: String
    private var tagBytes: [String: [UInt8]] = [:]
    private var payload: [BagInventory.File] = []
    private var hasPayloadDirectory = false
    private(set) var formJSON: [UInt8]?
    private(set) var withdrawalJSON: [UInt8]?
    private(set) var attachments: [AttachmentFile] = []
    private var file: OpenFile?

    /// The file whose blocks are arriving.
    private struct OpenFile {
        let relative: String
        let isTagFile: Bool
        let keepsAll: Bool
        let isAttachment: Bool
        var hasher: MultiHasher
        var size: Int64 = 0
        var kept: [UInt8] = []
        var head: [UInt8] = []
        var tail: [UInt8] = []

        mutating func update(_ block: UnsafeRawBufferPointer) {
            size += Int64(block.count)
            if keepsAll { kept.append(contentsOf: block) }
            guard !isTagFile else { return }
            hasher.update(block)
            if isAttachment {
                // Slices by index: Sequence's prefix/suffix would walk the whole block.
                if head.count < AttachmentFile.headLength {
                    head.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[..<min(block.count, AttachmentFile.headLength - head.count)]))
                }
                tail.append(contentsOf: UnsafeRawBufferPointer(rebasing: block[max(0, block.count - AttachmentFile.tailLength)...]))
                if tail.count > AttachmentFile.tailLength { tail.removeFirst(tail.count - AttachmentFile.tailLength) }
            }
        }
    }

    init(name: String, displayRoot: String) {
        self.name = name
        self.displayRoot = displayRoot
    }

    /// Adds an entry, reading its data from the archive.
    mutating func add(_ entry: ArchiveEntry, relative: String) throws {
        begin(relative, isDirectory: entry.kind == .directory)
        if entry.kind == .file { try entry.readData { update($0) } }
        end()
    }

    /// Starts an entry at `relative` (a path inside the bundle).
    mutating func begin(_ relative: String, isDirectory: Bool) {
        file = nil
        if isDirectory {
            if relative == "data" { hasPayloadDirectory = true }
            return
        }
        guard relative.hasPrefix("data/") else {
            file = OpenFile(relative: relative, isTagFile: true, keepsAll: true, isAttachment: false, hasher: MultiHasher([]))
            return
        }
        hasPayloadDirectory = true
        // Tag files come first in enroll's archives; without a manifest yet, hash for both
        // algorithms enroll bundles may use.
        var algorithms = BagInventory.algorithms(in: tagBytes.keys, prefix: "manifest-")
        if algorithms.isEmpty { algorithms = [.sha256, .sha512] }
        file = OpenFile(
            relative: relative, isTagFile: false,
            keepsAll: relative == BundleLayout.form || relative == BundleLayout.withdrawal,
            isAttachment: relative.hasPrefix(BundleLayout.attachments), hasher: MultiHasher(algorithms))
    }

    /// Adds a block of the current file's data.
    mutating func update(_ block: UnsafeRawBufferPointer) {
        file?.update(block)
    }

    /// Finishes the current entry.
    mutating func end() {
        guard let file else { return }
        self.file = nil
        if file.isTagFile {
            tagBytes[file.relative] = file.kept
            return
        }
        if file.relative == BundleLayout.form { formJSON = file.kept }
        if file.relative == BundleLayout.withdrawal { withdrawalJSON = file.kept }
        if file.isAttachment {
            attachments.append(AttachmentFile(path: file.relative, size: file.size, head: file.head, tail: file.tail))
        }
        payload.append(BagInventory.File(path: file.relative, size: file.size, digests: file.hasher.finalize()))
    }

    /// The gathered inventory, tag files hashed with the algorithms their tag manifests name.
    func inventory() -> BagInventory {
        var inventory = BagInventory()
        inventory.hasPayloadDirectory = hasPayloadDirectory
        let tagAlgorithms = BagInventory.algorithms(in: tagBytes.keys, prefix: "tagmanifest-")
        for (path, bytes) in tagBytes.sorted(by: { $0.key < $1.key }) {
            var hasher = MultiHasher(tagAlgorithms)
            bytes.withUnsafeBytes { hasher.update($0) }
            if BagInventory.isParsedTagFile(path) { inventory.tagContents[path] = bytes }
            inventory.add(BagInventory.File(path: path, size: Int64(bytes.count), digests: hasher.finalize()), root: displayRoot)
        }
        for file in payload { inventory.add(file, root: displayRoot) }
        return inventory
    }
}
