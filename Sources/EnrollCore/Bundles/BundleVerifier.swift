import Foundation

/// The outcome of checking one application bundle: bag integrity, enroll's metadata and,
/// when a trust store is given, the station's signature.
public struct BundleVerification: Sendable {
    /// The RFC 8493 report.
    public var bag: BagReport
    /// The `Enroll-*` metadata, when it could be read.
    public var header: BundleHeader?
    /// Who signed it, when the signature was checked and is good.
    public var signer: TrustStore.Entry?
    /// Whether the bundle carries a signature file at all.
    public var isSigned: Bool
    /// The SHA-256 of `tagmanifest-sha256.txt`: the revision's identity, used to chain
    /// revisions and to recognise a bundle already imported.
    public var tagManifestDigest: String?
    /// Every problem: the bag's, the metadata's and the signature's.
    public var diagnostics: [Diagnostic]

    /// Whether nothing is wrong (warnings allowed).
    public var isValid: Bool { !diagnostics.containsErrors }
}

/// Checks application bundles.
public struct BundleVerifier: Sendable {
    /// The keys signatures must come from; nil checks integrity only.
    public var trust: TrustStore?

    /// Creates a verifier.
    /// - Parameter trust: The trusted keys; nil to skip the signature check.
    public init(trust: TrustStore?) {
        self.trust = trust
    }

    /// Checks a bundle directory.
    /// - Throws: `EnrollError` (I/O) if the path is not a readable directory.
    public func verify(directory path: String) throws -> BundleVerification {
        let report = try BagValidator().validate(directory: path)
        return verify(report)
    }

    /// Checks a bundle already gathered (from a directory or an archive stream).
    public func verify(inventory: BagInventory, root: String) -> BundleVerification {
        verify(BagValidator().check(inventory, root: root))
    }

    private func verify(_ report: BagReport) -> BundleVerification {
        let root = report.path
        let inventory = report.inventory
        var diagnostics = report.diagnostics
        let infoPath = root + "/bag-info.txt"

        // The bundle profile (DESIGN §3) is stricter than BagIt: what the general validator
        // accepts from other tools is an error in an enroll bundle.
        var profileBreaks: [LocalizedText] = []
        if report.version != nil && report.version != "1.0" {
            profileBreaks.append(LocalizedText(zh: "BagIt 版本为 \(report.version ?? "")", en: "BagIt version \(report.version ?? "")"))
        }
        if let encoding = report.encoding, encoding != "UTF-8" {
            profileBreaks.append(LocalizedText(zh: "标签文件编码为 \(encoding)", en: "tag-file encoding \(encoding)"))
        }
        if report.diagnostics.contains(where: { $0.code == .bagBomIgnored }) {
            profileBreaks.append(LocalizedText(zh: "标签文件有字节顺序标记", en: "a tag file has a byte-order mark"))
        }
        if !profileBreaks.isEmpty {
            diagnostics.append(.error(
                .bagBundleProfile, Location(file: root + "/bagit.txt"),
                zh: "enroll 申请包必须是 BagIt 1.0、UTF-8 编码且无 BOM（DESIGN §3）；此包：\(profileBreaks.map(\.zh).joined(separator: "；"))。",
                en: "An enroll bundle must be BagIt 1.0 with UTF-8 tag files and no byte-order mark (DESIGN §3); this one has: \(profileBreaks.map(\.en).joined(separator: "; "))."))
        }

        let (header, headerProblems) = BundleHeader.parse(report.info, file: infoPath)
        diagnostics += headerProblems

        // The signature covers the tag manifest; it must cover the metadata and payload manifest.
        let tagManifest = inventory.tagContents[BundleLayout.tagManifest]
        if tagManifest == nil || inventory.tagContents[BundleLayout.manifest] == nil {
            diagnostics.append(.error(
                .bagBundleIncomplete, Location(file: root),
                zh: "enroll 申请包必须有 manifest-sha256.txt 和 tagmanifest-sha256.txt。",
                en: "An enroll bundle must have manifest-sha256.txt and tagmanifest-sha256.txt."))
        } else if let tagManifest {
            let listed = Manifest(
                text: TagFileText(bytes: tagManifest, file: root + "/" + BundleLayout.tagManifest),
                file: BundleLayout.tagManifest, algorithm: .sha256, isTagManifest: true)
            for name in ["bagit.txt", "bag-info.txt", BundleLayout.manifest] where listed.entries[name] == nil {
                diagnostics.append(.error(
                    .bagTagNotCovered, Location(file: root + "/" + BundleLayout.tagManifest),
                    zh: "tagmanifest-sha256.txt 没有列出 \(name)，签名因此不覆盖它。",
                    en: "tagmanifest-sha256.txt does not list \(name), so the signature does not cover it."))
            }
        }
        let known = Set(BundleLayout.tagFiles + ["fetch.txt"])
        for name in inventory.tagFiles.keys.sorted() where !known.contains(name) {
            diagnostics.append(.warning(
                .bagExtraTagFile, Location(file: root + "/" + name),
                zh: "申请包中有多余的标签文件，签名不覆盖它，其内容不会被使用。",
                en: "The bundle has an extra tag file; the signature does not cover it and its content is not used."))
        }
        if let header {
            let expected = header.kind.carriesForm ? BundleLayout.form : BundleLayout.withdrawal
            if inventory.payload[expected] == nil {
                diagnostics.append(.error(
                    .bagBundleIncomplete, Location(file: root + "/" + expected),
                    zh: "\(header.kind.carriesForm ? "申请" : "撤销")包缺少 \(expected)。",
                    en: "The \(header.kind.rawValue) bundle lacks \(expected)."))
            }
        }

        // The signature.
        let signatureBytes = inventory.tagContents[BundleLayout.signature]
        var signer: TrustStore.Entry?
        let signatureLocation = Location(file: root + "/" + BundleLayout.signature)
        if let trust {
            if let signatureBytes, let tagManifest {
                do {
                    let signature = try SignifySignature(bytes: signatureBytes, path: signatureLocation.file!)
                    if let keyID = header?.keyID, keyID != signature.keyID {
                        diagnostics.append(.error(
                            .sigKeyMismatch, signatureLocation,
                            zh: "签名密钥 \(signature.keyID) 与 bag-info.txt 中的 Enroll-Key-ID \(keyID) 不一致。",
                            en: "The signing key \(signature.keyID) differs from Enroll-Key-ID \(keyID) in bag-info.txt."))
                    }
                    switch trust.verify(signature, message: tagManifest, location: signatureLocation) {
                    case .trusted(let entry):
                        signer = entry
                        if let station = header?.station, station != entry.name {
                            diagnostics.append(.error(
                                .sigStationMismatch, Location(file: infoPath),
                                zh: "申请包声称来自站点“\(station)”，但签名密钥属于“\(entry.name)”。",
                                en: "The bundle claims to come from station \"\(station)\", but the signing key belongs to \"\(entry.name)\"."))
                        }
                    case .rejected(let diagnostic):
                        diagnostics.append(diagnostic)
                    }
                } catch let error as EnrollError {
                    diagnostics += error.diagnostics
                } catch {
                    diagnostics.append(.error(.sigMalformed, signatureLocation, zh: "\(error)", en: "\(error)"))
                }
            } else if signatureBytes == nil {
                diagnostics.append(.error(
                    .sigMissing, signatureLocation,
                    zh: "申请包没有签名（草稿，暂存）。请在采集点用 enroll sign 签名后再提交。",
                    en: "The bundle is not signed (a draft). Sign it at the station with enroll sign before submitting it."))
            }
        }

        return BundleVerification(
            bag: report, header: header, signer: signer, isSigned: signatureBytes != nil,
            tagManifestDigest: tagManifest.map { sha256Hex($0) }, diagnostics: diagnostics)
    }
}
