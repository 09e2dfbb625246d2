import CArchive
import CLinuxShims
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Sees every entry as it is extracted, on the extracting thread: for example to hash the
/// very bytes written to disk, or to start checking finished parts while extraction goes on.
public protocol ExtractionObserver: AnyObject {
    /// An entry passed the reader's checks and is about to be written.
    func willExtract(_ entry: ArchiveEntry)
    /// A block of the current file's data was written to disk, just now, from this very
    /// buffer (still in the cache: hashing it here costs no second read). The buffer is only
    /// valid during the call.
    func didWrite(_ block: UnsafeRawBufferPointer)
    /// The current entry is completely written (data, mode and times).
    func didExtract(_ entry: ArchiveEntry)
}

/// Extracts an untrusted archive into a new directory, all or nothing.
///
/// Every entry passes the checks of ``ArchiveReader`` first. Files are then written with
/// plain POSIX calls relative to a staging directory's descriptor: each path component is
/// opened with `openat(O_DIRECTORY | O_NOFOLLOW)`, each file created with
/// `openat(O_CREAT | O_EXCL | O_NOFOLLOW)`, so nothing is ever written through a symlink or
/// onto an existing file, and `archive_write_disk` (with its owner, ACL, xattr and fflags
/// restoration and user/group lookups) is not used at all.
///
/// The staging directory is a fresh hidden directory beside the destination
/// (`.<name>.extract-XXXXXX`). Only when every entry has been extracted is it renamed onto
/// the destination; on any refusal or error it is removed with everything in it. A caller
/// whose destination is itself a fresh private directory can extract in place instead.
///
/// The chain of open directory descriptors is kept between entries, so an entry costs an
/// `openat` only for the path components that differ from the previous one's.
///
/// An archive written in zstd frames that end between entries (``ArchiveWriter/markSplitPoint()``)
/// can be extracted in parallel parts, one thread each; see
/// ``extract(from:to:limits:root:inPlace:parts:observers:startsWriteback:)``.
public enum ArchiveExtractor {
    /// Extracts `archivePath` into the new directory `destination`.
    ///
    /// Files get their mode bits (masked to 0o777, with owner read/write always kept) and
    /// modification times; directories get theirs (owner rwx always kept) after their
    /// contents are written. Owners, ACLs and extended attributes are never restored.
    /// - Parameters:
    ///   - archivePath: the archive to read.
    ///   - destination: the directory to create; it must not exist, its parent must.
    ///   - limits: bounds enforced while reading.
    ///   - root: top-level directory requirement, as for ``ArchiveReader``.
    ///   - inPlace: create `destination` (mode 0700) and extract straight into it, instead of
    ///     into a sibling staging directory renamed at the end. Use it when `destination` is
    ///     already a private staging directory; it is still removed with everything in it on
    ///     any error, and files are readable under their final paths while extraction goes on.
    ///   - observer: sees each entry and each block of data as it is written.
    ///   - startsWriteback: start writing each file to the disk as soon as it is complete
    ///     (`sync_file_range(SYNC_FILE_RANGE_WRITE)`), for a caller that fsyncs the files
    ///     afterwards: its fsyncs then find the work done or under way.
    /// - Returns: the relative paths of the extracted entries, in archive order.
    /// - Throws: ``ArchiveError/destinationExists(path:)``; every refusal of
    ///   ``ArchiveReader``; ``ArchiveError/io(operation:path:errno:)`` for file system
    ///   failures. After an error nothing of the extraction remains on disk.
    @discardableResult
    public static func extract(
        from archivePath: String, to destination: String, limits: ArchiveLimits = .default,
        root: RootRequirement = .none, inPlace: Bool = false, observer: (any ExtractionObserver)? = nil,
        startsWriteback: Bool = false
    ) throws(ArchiveError) -> [String] {
        try extract(
            from: archivePath, to: destination, limits: limits, root: root, inPlace: inPlace, parts: 1,
            observers: { _ in [observer] }, startsWriteback: startsWriteback)
    }

    /// Extracts `archivePath` into the new directory `destination`, with up to `parts`
    /// threads when the archive allows it.
    ///
    /// A `.tar.zst` archive whose zstd stream is several frames (``ArchiveWriter`` ends one
    /// at each split point its caller marks) is cut at frame starts into up to `parts` ranges
    /// of about equal size (``ZstdFrames``), and each range is decompressed, checked and
    /// written by its own thread, into the same staging directory. The readers share one
    /// tally, so names, counts and totals are checked across the whole archive. Each range
    /// but the last must end exactly between two entries, where its reader meets a clean end;
    /// a range that ends inside an entry fails as truncated. (Only a crafted archive can make
    /// the parts read differently from one reader: an end-of-archive marker in the middle,
    /// after which one reader stops, or a pax header just before a frame end, which then
    /// does not reach its entry. Every entry a part yields still passes every check above,
    /// and enroll then verifies each bundle's bytes and refuses bundles its signed batch.txt
    /// does not list.)
    ///
    /// If any part fails for any reason, everything written is removed and the archive is
    /// extracted again by one thread from the start, so the outcome and the error reported
    /// are exactly those of a sequential extraction; a damaged or hostile archive therefore
    /// costs at most two passes, each within the limits. Archives of one frame, `.tar.gz` and
    /// zip are always extracted by one thread.
    /// - Parameters:
    ///   - parts: the most threads to use; 1 extracts sequentially.
    ///   - observers: called once per attempt with the number of parts (1 for a sequential
    ///     attempt) and returns an observer (or nil) for each; part `i`'s observer sees its
    ///     entries on part `i`'s thread. Only the last call's observers saw a successful
    ///     extraction.
    ///   - The other parameters are as for ``extract(from:to:limits:root:inPlace:observer:startsWriteback:)``.
    /// - Returns: the relative paths of the extracted entries, in archive order.
    /// - Throws: as ``extract(from:to:limits:root:inPlace:observer:startsWriteback:)``.
    @discardableResult
    public static func extract(
        from archivePath: String, to destination: String, limits: ArchiveLimits = .default,
        root: RootRequirement = .none, inPlace: Bool = false, parts: Int,
        observers: (_ count: Int) -> [(any ExtractionObserver)?], startsWriteback: Bool = false
    ) throws(ArchiveError) -> [String] {
        // A file that cannot be opened here is reported by the sequential reader.
        let bytes = parts > 1 ? try? ArchiveFileBytes(path: archivePath) : nil
        return try extract(
            from: bytes, named: archivePath, to: destination, limits: limits, root: root, inPlace: inPlace, parts: parts,
            observers: observers, startsWriteback: startsWriteback
        ) { () throws(ArchiveError) in
            try ArchiveReader(path: archivePath, limits: limits, root: root)
        }
    }

    /// Extracts an archive given as random-access bytes into the new directory `destination`,
    /// in up to `parts` parts as ``extract(from:to:limits:root:inPlace:parts:observers:startsWriteback:)``
    /// does for a file: the way to extract an encrypted archive in parts, through a plaintext
    /// view that authenticates what each part reads.
    ///
    /// The zstd frames are found through ``RandomAccessBytes/readForPlanning(at:into:)``, and
    /// each part reads its range through ``RandomAccessBytes/read(at:into:)``. When the bytes
    /// do not split (one frame, not zstd, no `bytes` at all) or any part fails, the archive is
    /// extracted by the reader `sequentially` makes, from the start: that attempt decides the
    /// outcome and the error.
    /// - Parameters:
    ///   - bytes: the archive's bytes; nil to extract sequentially only.
    ///   - name: what to call the archive in errors.
    ///   - sequentially: makes a fresh reader of the same archive with `limits` and `root`;
    ///     called only when the parts do not extract it.
    ///   - The other parameters are as for the file variant.
    /// - Returns: the relative paths of the extracted entries, in archive order.
    /// - Throws: as the file variant, and whatever `sequentially` or its reader throw.
    @discardableResult
    public static func extract(
        from bytes: (any RandomAccessBytes)?, named name: String, to destination: String, limits: ArchiveLimits = .default,
        root: RootRequirement = .none, inPlace: Bool = false, parts: Int,
        observers: (_ count: Int) -> [(any ExtractionObserver)?], startsWriteback: Bool = false,
        sequentially: () throws(ArchiveError) -> ArchiveReader
    ) throws(ArchiveError) -> [String] {
        try inStaging(destination, inPlace: inPlace) { (staging) throws(ArchiveError) -> [String] in
            if parts > 1, let bytes, let segments = ZstdFrames.segments(of: bytes, parts: parts) {
                do {
                    return try extractParts(
                        bytes, named: name, into: staging, segments: segments, limits: limits, root: root,
                        observers: observers(segments.count), startsWriteback: startsWriteback)
                } catch {
                    // Start again from nothing, sequentially: that attempt decides.
                    POSIX.removeTree(staging)
                    try makePrivateDirectory(staging)
                }
            }
            let reader = try sequentially()
            let sink = try StagingSink(root: staging, startsWriteback: startsWriteback)
            let extracted = try extractEntries(of: reader, into: sink, observer: observers(1).first ?? nil)
            try sink.finish()
            return extracted
        }
    }

    /// Extracts every entry `reader` yields into the new directory `destination`, by this
    /// one thread: the way to extract an archive that is not a file, such as one read from
    /// a decrypting stream (``ArchiveReader/init(streamNamed:limits:root:source:)``).
    ///
    /// The limits and root requirement are the reader's. Everything else is as for
    /// ``extract(from:to:limits:root:inPlace:observer:startsWriteback:)``: hostile entries
    /// refused, nothing written through a symlink, all or nothing. Since the reader checks
    /// its stream to the end before it reports the end of the archive, a stream that fails
    /// anywhere, its very end included, leaves nothing on disk.
    /// - Parameters:
    ///   - reader: a fresh reader (no entry read yet).
    ///   - destination, inPlace, observer, startsWriteback: as for the file variant.
    /// - Returns: the relative paths of the extracted entries, in archive order.
    /// - Throws: as the file variant, and ``ArchiveError/streamFailed(entry:failure:)``.
    @discardableResult
    public static func extract(
        from reader: ArchiveReader, to destination: String, inPlace: Bool = false,
        observer: (any ExtractionObserver)? = nil, startsWriteback: Bool = false
    ) throws(ArchiveError) -> [String] {
        try inStaging(destination, inPlace: inPlace) { (staging) throws(ArchiveError) -> [String] in
            let sink = try StagingSink(root: staging, startsWriteback: startsWriteback)
            let extracted = try extractEntries(of: reader, into: sink, observer: observer)
            try sink.finish()
            return extracted
        }
    }

    /// Creates the staging directory for `destination`, lets `body` extract into it, then
    /// makes it readable, fsyncs it and renames it onto `destination` (unless `inPlace`).
    /// After an error of `body` or of these steps, nothing of the staging directory remains.
    private static func inStaging(
        _ destination: String, inPlace: Bool, _ body: (_ staging: String) throws(ArchiveError) -> [String]
    ) throws(ArchiveError) -> [String] {
        let destination = POSIX.trimmingTrailingSlashes(destination)
        if POSIX.exists(destination) { throw .destinationExists(path: destination) }
        let parent = POSIX.directoryName(destination)
        let staging: String
        if inPlace {
            try makePrivateDirectory(destination)
            staging = destination
        } else {
            var template = Array("\(parent)/.\(POSIX.baseName(destination)).extract-XXXXXX".utf8CString)
            guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
                throw .io(operation: "create staging directory in", path: parent, errno: errno)
            }
            staging = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        var succeeded = false
        defer { if !succeeded { POSIX.removeTree(staging) } }

        let extracted = try body(staging)
        if chmod(staging, 0o755) != 0 { throw .io(operation: "chmod", path: staging, errno: errno) }
        try POSIX.syncDirectory(staging)
        if !inPlace {
            do {
                try POSIX.renameNoReplace(staging, destination)
            } catch .io(_, _, EEXIST) {
                throw .destinationExists(path: destination)
            }
        }
        succeeded = true
        try? POSIX.syncDirectory(parent)
        return extracted
    }

    /// Creates `path` as a directory only its owner can enter (mode 0700).
    private static func makePrivateDirectory(_ path: String) throws(ArchiveError) {
        if mkdir(path, 0o700) != 0 {
            if errno == EEXIST { throw .destinationExists(path: path) }
            throw .io(operation: "create directory", path: path, errno: errno)
        }
    }

    /// Writes every entry `reader` yields through `sink`; returns their paths. Stops with
    /// ``ArchiveError/io(operation:path:errno:)`` (`ECANCELED`) when `shouldStop` says so.
    private static func extractEntries(
        of reader: ArchiveReader, into sink: StagingSink, observer: (any ExtractionObserver)?,
        shouldStop: () -> Bool = { false }
    ) throws(ArchiveError) -> [String] {
        var extracted: [String] = []
        while let entry = try reader.next() {
            if shouldStop() { throw .io(operation: "stop extracting (another part failed)", path: reader.path, errno: ECANCELED) }
            observer?.willExtract(entry)
            switch entry.kind {
            case .directory:
                try sink.makeDirectory(entry.path, mode: entry.mode, modificationTime: entry.modificationTime)
            case .file:
                try sink.writeFile(entry, observer: observer)
            }
            extracted.append(entry.path)
            observer?.didExtract(entry)
        }
        return extracted
    }

    /// Extracts each of `segments` on its own thread into `staging`; throws the first
    /// failure after every part has stopped. Directory metadata is applied once all parts are done.
    private static func extractParts(
        _ bytes: any RandomAccessBytes, named name: String, into staging: String, segments: [Range<Int64>], limits: ArchiveLimits,
        root: RootRequirement, observers: [(any ExtractionObserver)?], startsWriteback: Bool
    ) throws(ArchiveError) -> [String] {
        let run = PartsRun(count: segments.count)
        let tally = try ReadTally(limits: limits, root: root)
        let observers = UncheckedBox(observers)
        DispatchQueue.concurrentPerform(iterations: segments.count) { index in
            let outcome = Result { () throws(ArchiveError) -> ([String], StagingSink) in
                let reader = try ArchiveReader(name: name, bytes: bytes, range: segments[index], tally: tally)
                let sink = try StagingSink(root: staging, startsWriteback: startsWriteback)
                let observer = index < observers.value.count ? observers.value[index] : nil
                let paths = try extractEntries(of: reader, into: sink, observer: observer, shouldStop: { run.hasFailed })
                return (paths, sink)
            }
            run.record(outcome, part: index)
        }
        let outcomes = try run.outcomes()
        let finisher = try StagingSink(root: staging, startsWriteback: false)
        for (_, sink) in outcomes { finisher.adoptDirectories(of: sink) }
        try finisher.finish()
        return outcomes.flatMap(\.0)
    }
}

/// The outcomes of the parts of one parallel extraction; a failure tells the other parts to stop.
///
/// `@unchecked Sendable`: every field is guarded by `lock`; each sink is used by its own
/// part's thread until the run ends, and by the caller after.
private final class PartsRun: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<([String], StagingSink), ArchiveError>?]
    private var failed = false

    init(count: Int) { results = Array(repeating: nil, count: count) }

    var hasFailed: Bool { lock.withLock { failed } }

    func record(_ outcome: Result<([String], StagingSink), ArchiveError>, part: Int) {
        lock.withLock {
            results[part] = outcome
            if case .failure = outcome { failed = true }
        }
    }

    /// Every part's paths and sink, in part order, or the first failure by part.
    func outcomes() throws(ArchiveError) -> [([String], StagingSink)] {
        try lock.withLock { results }.map { (result) throws(ArchiveError) in try result!.get() }
    }
}

/// Carries values that are used by one thread at a time across a `@Sendable` boundary.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Writes entries below one staging directory, through directory descriptors only.
///
/// Not `Sendable`: it owns open directory descriptors, closed when it is released; used by
/// one extraction only.
private final class StagingSink {
    let root: String
    private let rootFD: Int32
    /// The open chain of directories from below the root down to the last one used:
    /// `chain[i]` is the directory of the first `i + 1` components. Consecutive entries
    /// mostly share their directories, so each costs one `openat` for what differs.
    private var chain: [(name: Substring, fd: Int32)] = []
    /// Directories whose metadata is applied at the end (writing files changes a
    /// directory's mtime).
    private var directories: [(path: String, mode: UInt16, time: Date)] = []
    private let startsWriteback: Bool

    init(root: String, startsWriteback: Bool) throws(ArchiveError) {
        self.root = root
        self.startsWriteback = startsWriteback
        rootFD = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if rootFD < 0 { throw .io(operation: "open", path: root, errno: errno) }
    }

    deinit {
        for link in chain { close(link.fd) }
        close(rootFD)
    }

    /// A descriptor of the directory `components` below the root, opening (and, when
    /// `creating`, making) only the components that differ from the open chain. Every
    /// component is opened with `O_NOFOLLOW` relative to its parent's descriptor, so no
    /// symlink is ever followed. The descriptor belongs to the sink: do not close it.
    private func directory(_ components: [Substring], fullPath: String, creating: Bool = true) throws(ArchiveError) -> Int32 {
        var shared = 0
        while shared < min(chain.count, components.count), chain[shared].name == components[shared] { shared += 1 }
        while chain.count > shared { close(chain.removeLast().fd) }
        for component in components[shared...] {
            let parent = chain.last?.fd ?? rootFD
            let name = String(component)
            if creating && mkdirat(parent, name, 0o700) != 0 && errno != EEXIST {
                throw .io(operation: "mkdir", path: fullPath, errno: errno)
            }
            let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd < 0 { throw .io(operation: "open directory", path: fullPath, errno: errno) }
            chain.append((component, fd))
        }
        return chain.last?.fd ?? rootFD
    }

    /// Takes over the directories whose metadata `other` would apply, to apply them in
    /// ``finish()`` (after all parts of a parallel extraction are written).
    func adoptDirectories(of other: StagingSink) {
        directories += other.directories
    }

    func makeDirectory(_ path: String, mode: UInt16, modificationTime: Date) throws(ArchiveError) {
        _ = try directory(path.split(separator: "/"), fullPath: path)
        directories.append((path, mode, modificationTime))
    }

    func writeFile(_ entry: ArchiveEntry, observer: (any ExtractionObserver)?) throws(ArchiveError) {
        let components = entry.path.split(separator: "/")
        let directory = try directory(Array(components.dropLast()), fullPath: entry.path)
        let name = String(components.last!)
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(operation: "create", path: entry.path, errno: errno) }
        defer { close(fd) }
        do {
            try entry.readData { chunk in
                try POSIX.writeAll(FileDescriptor(rawValue: fd), chunk, path: entry.path)
                observer?.didWrite(chunk)
            }
        } catch let error as ArchiveError {
            throw error
        } catch {
            preconditionFailure("only ArchiveError is thrown while extracting")
        }
        if fchmod(fd, mode_t((entry.mode & 0o777) | 0o600)) != 0 {
            throw .io(operation: "chmod", path: entry.path, errno: errno)
        }
        var times = [timespec(entry.modificationTime), timespec(entry.modificationTime)]
        if futimens(fd, &times) != 0 { throw .io(operation: "set times of", path: entry.path, errno: errno) }
        // Only a head start for a later fsync; failure changes nothing.
        if startsWriteback { _ = enroll_start_writeback(fd, 0, 0) }
    }

    /// Applies directory modes and times, every directory after all those below it: in
    /// descending byte order of paths a directory's descendants (its path plus "/…") come
    /// before it, and siblings' subtrees stay together, so the open chain is reused.
    func finish() throws(ArchiveError) {
        let ordered = directories.sorted { !$0.path.utf8.lexicographicallyPrecedes($1.path.utf8) && $0.path != $1.path }
        for directory in ordered {
            let fd = try self.directory(directory.path.split(separator: "/"), fullPath: directory.path, creating: false)
            if fchmod(fd, mode_t((directory.mode & 0o777) | 0o700)) != 0 {
                throw .io(operation: "chmod", path: directory.path, errno: errno)
            }
            var times = [timespec(directory.time), timespec(directory.time)]
            if futimens(fd, &times) != 0 { throw .io(operation: "set times of", path: directory.path, errno: errno) }
        }
    }
}

extension timespec {
    fileprivate init(_ date: Date) {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let nanoseconds = Int((date.timeIntervalSince1970 - seconds) * 1e9)
        self.init(tv_sec: Int(seconds), tv_nsec: min(max(nanoseconds, 0), 999_999_999))
    }
}

