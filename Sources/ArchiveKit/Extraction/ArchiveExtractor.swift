import CArchive
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Sees every entry as it is extracted, on the extracting thread: for example to hash the
/// very bytes written to disk, or to start checking finished parts while extraction goes on.
public protocol ExtractionObserver: AnyObject {
    /// An entry passed the reader's checks and is about to be written.
    func willExtract(_ entry: ArchiveEntry)
    /// A block of the current file's data was written to disk. The buffer is only valid
    /// during the call.
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
/// Directory descriptors are reused between consecutive entries of the same directory, so
/// a file costs one `openat` and not one per path component.
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
        let destination = POSIX.trimmingTrailingSlashes(destination)
        if POSIX.exists(destination) { throw .destinationExists(path: destination) }
        let parent = POSIX.directoryName(destination)
        let staging: String
        if inPlace {
            if mkdir(destination, 0o700) != 0 {
                if errno == EEXIST { throw .destinationExists(path: destination) }
                throw .io(operation: "create directory", path: destination, errno: errno)
            }
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

        let reader = try ArchiveReader(path: archivePath, limits: limits, root: root)
        let sink = try StagingSink(root: staging, startsWriteback: startsWriteback)
        var extracted: [String] = []
        while let entry = try reader.next() {
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
        try sink.finish()
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
}

/// Writes entries below one staging directory, through directory descriptors only.
///
/// Not `Sendable`: it owns open directory descriptors, closed when it is released; used by
/// one extraction only.
private final class StagingSink {
    let root: String
    private let rootFD: Int32
    /// The directory the last file went into, kept open for the next file of the same
    /// directory (entries of one directory usually come together).
    private var lastDirectory: (path: ArraySlice<Substring>, fd: Int32)?
    /// Directories whose metadata is applied at the end (writing files changes a
    /// directory's mtime), deepest first.
    private var directories: [(path: String, mode: UInt16, time: Date)] = []

    private let startsWriteback: Bool

    init(root: String, startsWriteback: Bool) throws(ArchiveError) {
        self.root = root
        self.startsWriteback = startsWriteback
        rootFD = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if rootFD < 0 { throw .io(operation: "open", path: root, errno: errno) }
    }

    /// Opens (creating when missing) every directory of `components`, returning a
    /// descriptor of the last one. Never follows a symlink.
    private func openDirectory(_ components: ArraySlice<Substring>, fullPath: String) throws(ArchiveError) -> Int32 {
        var fd = dup(rootFD)
        if fd < 0 { throw .io(operation: "dup", path: root, errno: errno) }
        for component in components {
            let name = String(component)
            if mkdirat(fd, name, 0o700) != 0 && errno != EEXIST {
                let code = errno
                close(fd)
                throw .io(operation: "mkdir", path: fullPath, errno: code)
            }
            let next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let code = errno
            close(fd)
            if next < 0 { throw .io(operation: "open directory", path: fullPath, errno: code) }
            fd = next
        }
        return fd
    }

    func makeDirectory(_ path: String, mode: UInt16, modificationTime: Date) throws(ArchiveError) {
        let components = path.split(separator: "/")
        let fd = try openDirectory(components[...], fullPath: path)
        close(fd)
        directories.append((path, mode, modificationTime))
    }

    /// A descriptor of the directory `components`, reused from the previous file when it is
    /// the same directory. Owned by the sink: do not close it.
    private func directory(_ components: ArraySlice<Substring>, fullPath: String) throws(ArchiveError) -> Int32 {
        if let last = lastDirectory, last.path.elementsEqual(components) { return last.fd }
        let fd = try openDirectory(components, fullPath: fullPath)
        if let last = lastDirectory { close(last.fd) }
        lastDirectory = (components, fd)
        return fd
    }

    func writeFile(_ entry: ArchiveEntry, observer: (any ExtractionObserver)?) throws(ArchiveError) {
        let components = entry.path.split(separator: "/")
        let directory = try directory(components.dropLast(), fullPath: entry.path)
        let name = String(components.last!)
        let fd = openat(directory, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(operation: "create", path: entry.path, errno: errno) }
        defer { close(fd) }
        do {
            try entry.readData { chunk in
                try POSIX.writeAll(fd, chunk, path: entry.path)
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
        if startsWriteback { _ = enroll_sync_file_range(fd, 0, 0, enroll_SYNC_FILE_RANGE_WRITE) }
    }

    deinit {
        if let last = lastDirectory { close(last.fd) }
        close(rootFD)
    }

    /// Applies directory modes and times, deepest first.
    func finish() throws(ArchiveError) {
        let ordered = directories.sorted { $0.path.utf8.count > $1.path.utf8.count }
        for directory in ordered {
            let components = directory.path.split(separator: "/")
            let fd = try openDirectory(components[...], fullPath: directory.path)
            defer { close(fd) }
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
