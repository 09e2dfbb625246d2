import AgeKit
import ArchiveKit
import Foundation

/// A transfer archive extracted into a private staging directory, ready to be checked.
///
/// Extraction goes through `ArchiveExtractor`, which refuses hostile entries and writes nothing
/// outside the staging directory; the bundles are then verified from the bytes actually on disk.
/// Used by `unpack` (which moves the bundles into place only if everything checks) and by the
/// district importer (which imports each good bundle and quarantines the rest).
struct ExtractedBatch {
    /// The archive file.
    let archive: String
    /// The staging directory (removed by `remove()`).
    let staging: String
    /// The batch directory's name inside the archive.
    let root: String
    /// The bundle names under `bundles/`, sorted.
    let bundles: [String]

    /// Extracts an archive into a new directory inside `parent`.
    /// - Parameters:
    ///   - parts: The most threads extracting at once: an archive packed by enroll is
    ///     extracted in up to this many parts (see `ArchiveExtractor`).
    ///   - observing: Makes the observers of one extraction attempt, given the staging
    ///     directory and the number of parts (extraction is in place: files are at their
    ///     final staging paths at once). The last call's observers saw the extraction.
    ///   - durable: The files will be fsynced and kept (the district import): start writing
    ///     them to the disk as soon as each is extracted.
    ///   - identities: The keys that decrypt an encrypted (age) archive. With `parts` > 1 it is
    ///     extracted in parts like a plain one, through a plaintext view that authenticated
    ///     the final chunk on opening and authenticates every chunk a part reads; otherwise
    ///     it is decrypted while it streams in, by one thread. Either way the whole
    ///     ciphertext, its last chunk included, is authenticated before this returns: a
    ///     failure anywhere leaves nothing behind.
    /// - Throws: `EnrollError` with the refused entry, after removing everything written;
    ///   `crypt.*` for an encrypted archive that cannot be decrypted or authenticated.
    init(
        _ archive: String, in parent: String, limits: ArchiveLimits, parts: Int = 1,
        observing: ((_ staging: String, _ parts: Int) -> [any ExtractionObserver])? = nil, durable: Bool = false,
        identities: [AgeIdentity]? = nil
    ) throws {
        self.archive = archive
        staging = parent + "/.enroll-extract-" + UUID().uuidString
        let entries: [String]
        let staging = staging
        if ArchiveEncryption.isEncrypted(archive) {
            if parts > 1, let plaintext = ArchiveEncryption.openPlaintext(archive, identities: identities) {
                // In parts, each authenticating the chunks it reads; the final chunk, and so
                // the length, was authenticated on opening. Should a part fail, the archive is
                // decrypted again as one stream, which reports the exact error.
                do {
                    entries = try ArchiveExtractor.extract(
                        from: plaintext, named: archive, to: staging, limits: limits, root: .learnFromFirstEntry, inPlace: true,
                        parts: parts, observers: { count in observing?(staging, count) ?? [] }, startsWriteback: durable
                    ) { () throws(ArchiveError) in
                        do {
                            return try ArchiveEncryption.openReader(archive, identities: identities, limits: limits, root: .learnFromFirstEntry).reader
                        } catch {
                            throw .streamFailed(entry: nil, failure: StreamFailure(error))
                        }
                    }
                } catch {
                    throw error.enrollError(archive: archive)
                }
            } else {
                let reader = try ArchiveEncryption.openReader(archive, identities: identities, limits: limits, root: .learnFromFirstEntry).reader
                do {
                    entries = try ArchiveExtractor.extract(
                        from: reader, to: staging, inPlace: true, observer: observing?(staging, 1).first, startsWriteback: durable)
                } catch {
                    throw error.enrollError(archive: archive)
                }
            }
        } else {
            do {
                entries = try ArchiveExtractor.extract(
                    from: archive, to: staging, limits: limits, root: .learnFromFirstEntry, inPlace: true, parts: parts,
                    observers: { count in observing?(staging, count) ?? [] }, startsWriteback: durable)
            } catch {
                throw error.enrollError(archive: archive)
            }
        }
        root = entries.first.map { String($0.split(separator: "/").first ?? "") } ?? ""
        bundles = ((try? FileManager.default.contentsOfDirectory(atPath: staging + "/" + root + "/bundles")) ?? []).sorted()
    }

    /// Where a bundle was extracted.
    func directory(of name: String) -> String { staging + "/" + root + "/bundles/" + name }

    /// How a bundle is named in messages: `archive:root/bundles/name`.
    func displayName(of name: String) -> String { "\(archive):\(root)/bundles/\(name)" }

    /// The batch's own problems: `batch.txt` and its signature against the bundles found
    /// (`name` → tag-manifest digest).
    func batchDiagnostics(found: [String: String], trust: TrustStore?) -> [Diagnostic] {
        let base = staging + "/" + root
        return ArchiveScanner.checkBatch(
            archive: archive, root: root, try? FileIO.readAll(base + "/batch.txt"), try? FileIO.readAll(base + "/batch.txt.sig"),
            Dictionary(uniqueKeysWithValues: found.map { ("bundles/" + $0.key, $0.value) }), trust: trust
        ).diagnostics
    }

    /// Names diagnostics by archive entry instead of staging path.
    func relocate(_ diagnostics: [Diagnostic], bundle name: String) -> [Diagnostic] {
        diagnostics.map { $0.relocated(from: directory(of: name), to: displayName(of: name)) }
    }

    /// Removes the staging directory.
    func remove() {
        try? FileManager.default.removeItem(atPath: staging)
    }
}
