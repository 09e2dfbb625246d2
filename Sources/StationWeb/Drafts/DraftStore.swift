import EnrollCore
import Foundation

/// A draft as last saved: an unsigned bundle under `drafts/<application id>/<etag>/`.
public struct DraftSnapshot: Sendable {
    /// The application id (stable across saves and into the submitted bundle).
    public var id: UUID
    /// The save counter: 1 after the first 暂存, one more at each; a save must name the
    /// counter it started from.
    public var etag: Int
    /// The bundle's metadata (form, revision, previous revision).
    public var header: BundleHeader
    /// The draft bundle's directory.
    public var directory: String
    /// The form data as saved.
    public var formJSON: [UInt8]
    /// The attached files: slot and file name (`1.jpg`), in slot and name order.
    public var attachments: [(slot: String, name: String)]
    /// When it was saved.
    public var saved: Date
}

/// A file to add to a draft's slot.
public struct DraftUpload: Sendable {
    /// The slot id (checked against the form by the caller).
    public var slot: String
    /// The temporary file holding it.
    public var file: String
    /// Its type, sniffed from the content.
    public var mediaType: MediaType

    /// Creates an upload.
    public init(slot: String, file: String, mediaType: MediaType) {
        self.slot = slot
        self.file = file
        self.mediaType = mediaType
    }
}

/// The station's drafts (`DIR/drafts/`), each an unsigned bundle written by `BundleWriter`.
///
/// A save writes the whole draft as a new bundle `drafts/<id>/<etag+1>/` (a hidden temporary
/// directory renamed into place, so a killed server leaves the last complete save), then
/// removes the older one. Two saves from the same starting point cannot both win: the second
/// finds its etag stale, or loses the rename, and gets `web.draft-stale` (409).
public struct DraftStore: Sendable {
    /// `DIR/drafts`.
    public let directory: String

    /// Opens the drafts of a station directory.
    public init(stationDirectory: String) {
        directory = stationDirectory + "/drafts"
    }

    /// The latest save of a draft, or nil if there is none.
    /// - Throws: `EnrollError` if the draft's bundle cannot be read.
    public func load(_ id: UUID) throws -> DraftSnapshot? {
        try load(id, verified: true)
    }

    /// A draft's latest save; `verified` checks its bag (every file hashed) first, as opening
    /// one does, while the day's list reads only its header and form data.
    private func load(_ id: UUID, verified: Bool) throws -> DraftSnapshot? {
        let folder = directory + "/" + id.uuidString.lowercased()
        guard let etag = Self.revisions(in: folder).last else { return nil }
        let bundle = folder + "/" + String(etag)
        let header: BundleHeader
        if verified {
            let verification = try BundleVerifier(trust: nil).verify(directory: bundle)
            guard let checked = verification.header else { throw EnrollError(verification.diagnostics.errors) }
            header = checked
        } else {
            header = try BundleHeader.read(bundleDirectory: bundle)
        }
        let formJSON = (try? Data(contentsOf: URL(fileURLWithPath: bundle + "/" + BundleLayout.form))).map(Array.init) ?? Array("{}\n".utf8)
        var attachments: [(String, String)] = []
        let root = bundle + "/" + BundleLayout.attachments
        for slot in ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted() {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: root + slot)) ?? []).sorted(by: Self.byNumber) {
                attachments.append((slot, name))
            }
        }
        let saved = (try? FileManager.default.attributesOfItem(atPath: bundle)[.modificationDate] as? Date) ?? Date()
        return DraftSnapshot(id: id, etag: etag, header: header, directory: bundle, formJSON: formJSON, attachments: attachments, saved: saved)
    }

    /// Every draft's latest save, newest first. For listing: each draft's header and form data
    /// are read, its photos are not hashed (``load(_:)`` verifies a draft when it is opened).
    public func list() -> [DraftSnapshot] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { UUID(uuidString: $0) }.compactMap { try? load($0, verified: false) }.sorted { $0.saved > $1.saved }
    }

    /// Saves a draft.
    /// - Parameters:
    ///   - header: The draft's metadata: a new application's revision 1, or the next revision of a submitted one.
    ///   - etag: The save the page started from (0 for a draft never saved).
    ///   - formJSON: The form data.
    ///   - uploads: Files to add, numbered after the slot's files.
    ///   - removing: Files to drop, as `SLOT/NAME`.
    /// - Returns: The new save.
    /// - Throws: ``StaleDraft`` when the draft was saved since `etag`; `EnrollError` for I/O.
    @discardableResult
    public func save(
        header: BundleHeader, etag: Int, formJSON: [UInt8], uploads: [DraftUpload], removing: Set<String>
    ) throws -> DraftSnapshot {
        let id = header.applicationID
        let folder = directory + "/" + id.uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let current = Self.revisions(in: folder).last ?? 0
        guard current == etag else { throw StaleDraft(current: current) }
        var items = [PayloadItem(path: BundleLayout.form, source: .bytes(formJSON))]
        var counts: [String: Int] = [:]
        if let previous = try load(id) {
            for (slot, name) in previous.attachments where !removing.contains(slot + "/" + name) {
                items.append(PayloadItem(path: BundleLayout.attachments + slot + "/" + name,
                                         source: .file(previous.directory + "/" + BundleLayout.attachments + slot + "/" + name)))
                counts[slot] = max(counts[slot] ?? 0, Int(PathName(name).stem) ?? 0)
            }
        }
        for upload in uploads {
            let number = (counts[upload.slot] ?? 0) + 1
            counts[upload.slot] = number
            items.append(PayloadItem(path: "\(BundleLayout.attachments)\(upload.slot)/\(number).\(upload.mediaType.fileExtension)", source: .file(upload.file)))
        }
        let target = folder + "/" + String(current + 1)
        do {
            try BundleWriter.write(header: header, items: items, to: target)
        } catch let error as EnrollError where error.diagnostics.contains(where: { $0.code == .ioExists }) {
            throw StaleDraft(current: current + 1)
        }
        // The new save is complete; the older one goes.
        for older in Self.revisions(in: folder) where older < current + 1 {
            try? FileManager.default.removeItem(atPath: folder + "/" + String(older))
        }
        guard let saved = try load(id) else { throw StaleDraft(current: current + 1) }
        return saved
    }

    /// Removes a draft (after it was submitted).
    public func remove(_ id: UUID) {
        try? FileManager.default.removeItem(atPath: directory + "/" + id.uuidString.lowercased())
    }

    /// The complete saves in a draft's folder, ascending (hidden partial writes are skipped).
    static func revisions(in folder: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
            name.allSatisfy(\.isNumber) ? Int(name) : nil
        }.sorted()
    }

    static func byNumber(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Int(PathName(a).stem) ?? 0, Int(PathName(b).stem) ?? 0)
        return x != y ? x < y : a < b
    }
}

/// A save refused because the draft was saved since the page was opened.
public struct StaleDraft: Error, Sendable {
    /// The draft's save counter now.
    public var current: Int
}
