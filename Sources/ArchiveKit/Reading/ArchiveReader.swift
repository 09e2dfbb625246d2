import CArchive
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Streams the entries of an untrusted archive, refusing anything unsafe.
///
/// Detects the container (tar in its pax/ustar/GNU variants, or zip) and the compression
/// (zstd, gzip or none) itself; other formats are refused as corrupt. Each entry is checked
/// by ``next()`` *before* its data can be read: its name (UTF-8, relative, no `..`, no
/// empty components, no duplicates or Unicode/case collisions, inside the required root),
/// its type (regular file or directory only) and its declared size. While data streams,
/// the bytes actually produced are checked again against the declared size, the limits and
/// the compression ratio.
///
/// Any refusal or read error poisons the reader: later calls rethrow the same error.
///
/// Not `Sendable`: it owns a libarchive read handle (`struct archive *`), which is not
/// thread-safe, and its entries read through it; use it from one task at a time.
public final class ArchiveReader {
    /// The archive file being read.
    public let path: String
    /// The limits enforced on this archive.
    public var limits: ArchiveLimits { tally.limits }
    /// The top-level directory every entry must be inside, once known (given or learned).
    public var requiredRoot: String? { tally.root }

    private let handle: OpaquePointer
    private let rules: EntryNameRules
    /// Names, counts and totals: this reader's own, or shared by the parts of one archive.
    private let tally: ReadTally
    /// The part of the bytes read, when the archive is read as a range of random-access
    /// bytes (a part of a parallel extraction).
    private let source: RangeSource?
    /// The caller's byte stream, when the archive is not read from a file.
    private let stream: StreamSource?
    private var failure: ArchiveError?
    private var atEnd = false

    /// Data bytes this reader produced (for the compression ratio of its own input).
    private var producedHere: Int64 = 0

    /// State of the entry most recently returned by ``next()``.
    private struct Current {
        var generation: Int
        var name: String
        var declaredSize: Int64?
        var produced: Int64 = 0
        var finished = false
    }
    private var current: Current?
    private var generation = 0

    /// Size of the reads from the archive file: 256 KiB.
    static let readBlockSize = 256 << 10

    /// Fills the front of the buffer it is given with the next bytes of the archive and
    /// returns how many it wrote, 0 at the end (the shape of POSIX `read`). After it returned
    /// 0 it is not called again.
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    /// Opens `path` for reading.
    ///
    /// Calls `archive_read_new`, `archive_read_support_format_tar`,
    /// `archive_read_support_format_zip`, `archive_read_support_filter_zstd`,
    /// `archive_read_support_filter_gzip` and `archive_read_open_filename`. Only these
    /// formats and filters are enabled, so nothing else (cpio, 7z, rar, raw, xz …) is
    /// parsed at all.
    /// - Parameters:
    ///   - path: the archive file.
    ///   - limits: the bounds to enforce; ``ArchiveLimits/default`` unless given.
    ///   - root: whether every entry must be under one top-level directory; see
    ///     ``RootRequirement``. Defaults to ``RootRequirement/none``.
    /// - Throws: ``ArchiveError/corruptArchive(entry:failure:)`` when the file cannot be
    ///   opened or is not a supported archive; ``ArchiveError/unsafePath(entry:problem:)``
    ///   if `root` is not a single safe name.
    public convenience init(path: String, limits: ArchiveLimits = .default, root: RootRequirement = .none) throws(ArchiveError) {
        try self.init(path: path, range: nil, tally: ReadTally(limits: limits, root: root))
    }

    /// Reads an archive from a byte stream instead of a file: for example the plaintext of a
    /// decryptor, so nothing decrypted is ever written to disk.
    ///
    /// Calls the same setup functions as ``init(path:limits:root:)`` but opens the stream
    /// with `archive_read_open` and a read callback that pulls 256 KiB blocks from `source`.
    /// At the end of the archive the rest of the stream is read too (and discarded), so a
    /// source that checks its input as a whole (an authenticated decryption) has finished
    /// those checks before ``next()`` returns `nil`. Parallel parts need a file; a stream is
    /// always read by this one reader.
    /// - Parameters:
    ///   - name: what to call the archive in errors (``path``), e.g. the encrypted file.
    ///   - limits: the bounds to enforce; ``ArchiveLimits/default`` unless given.
    ///   - root: see ``RootRequirement``.
    ///   - source: where the archive's bytes come from.
    /// - Throws: as ``init(path:limits:root:)``; an error `source` throws surfaces as
    ///   ``ArchiveError/streamFailed(entry:failure:)``, here or from any later call.
    public convenience init(
        streamNamed name: String, limits: ArchiveLimits = .default, root: RootRequirement = .none,
        source: @escaping Source
    ) throws(ArchiveError) {
        try self.init(path: name, range: nil, tally: ReadTally(limits: limits, root: root), stream: StreamSource(source))
    }

    /// Opens only the bytes `range` of the file at `path`, counting into `tally`; see
    /// ``init(name:bytes:range:tally:)``.
    convenience init(path: String, range: Range<Int64>, tally: ReadTally) throws(ArchiveError) {
        try self.init(name: path, bytes: ArchiveFileBytes(path: path), range: range, tally: tally)
    }

    /// Opens the bytes `range` of `bytes`, counting into `tally`.
    ///
    /// A range must start where a compressed frame (or the archive) starts and end where one
    /// ends; the parts of a parallel extraction each read one, sharing one tally so that
    /// names, counts and totals are checked across the whole archive. The range is read
    /// through ``RandomAccessBytes/read(at:into:)`` in blocks of up to 1 MiB, through
    /// `archive_read_open` callbacks.
    /// - Parameter name: what to call the archive in errors (``path``).
    convenience init(name: String, bytes: any RandomAccessBytes, range: Range<Int64>, tally: ReadTally) throws(ArchiveError) {
        try self.init(path: name, range: RangeSource(bytes: bytes, range: range), tally: tally)
    }

    init(path: String, range: RangeSource?, tally: ReadTally, stream: StreamSource? = nil) throws(ArchiveError) {
        self.path = path
        self.tally = tally
        self.stream = stream
        rules = EntryNameRules(limits: tally.limits)
        source = range

        guard let handle = archive_read_new() else {
            throw .libarchive(
                LibarchiveFailure(function: "archive_read_new", code: ARCHIVE_FATAL, message: "out of memory", errno: ENOMEM),
                entry: nil)
        }
        self.handle = handle
        // From here on deinit frees the handle.
        try Libarchive.check(archive_read_support_format_tar(handle), handle, "archive_read_support_format_tar")
        try Libarchive.check(archive_read_support_format_zip(handle), handle, "archive_read_support_format_zip")
        try Libarchive.check(archive_read_support_filter_zstd(handle), handle, "archive_read_support_filter_zstd")
        try Libarchive.check(archive_read_support_filter_gzip(handle), handle, "archive_read_support_filter_gzip")
        let opened: Int32
        if let stream {
            let client = Unmanaged.passUnretained(stream).toOpaque()
            opened = UTF8Locale.run {
                archive_read_open(handle, client, nil, { _, client, buffer in StreamSource.read(client: client, buffer: buffer) }, nil)
            }
        } else if let source {
            let client = Unmanaged.passUnretained(source).toOpaque()
            opened = UTF8Locale.run {
                archive_read_open(handle, client, nil, { _, client, buffer in RangeSource.read(client: client, buffer: buffer) }, nil)
            }
        } else {
            opened = UTF8Locale.run { archive_read_open_filename(handle, path, Self.readBlockSize) }
        }
        if opened != ARCHIVE_OK {
            let function = source == nil && stream == nil ? "archive_read_open_filename" : "archive_read_open"
            throw readFailure(entry: nil, function: function, code: opened)
        }
    }

    /// The error for a failed libarchive read call: the stream's own error when the stream
    /// caused it, else ``ArchiveError/corruptArchive(entry:failure:)`` with libarchive's message.
    private func readFailure(entry: String?, function: String, code: Int32) -> ArchiveError {
        if let failure = stream?.failure { return .streamFailed(entry: entry, failure: StreamFailure(failure)) }
        return .corruptArchive(entry: entry, failure: Libarchive.failure(handle, function: function, code: code))
    }

    deinit {
        archive_read_free(handle)
    }

    /// Advances to the next entry and checks it, or returns `nil` at the end.
    ///
    /// Any unread data of the previous entry is first read and discarded through the same
    /// checks as ``ArchiveEntry/readData(_:)`` (so skipping cannot hide a bomb). Then calls
    /// `archive_read_next_header` and validates the header.
    /// - Returns: the checked entry, or `nil` after the last one.
    /// - Throws: any refusal listed on ``ArchiveError`` naming the entry, or
    ///   ``ArchiveError/corruptArchive(entry:failure:)`` for truncated or damaged input.
    public func next() throws(ArchiveError) -> ArchiveEntry? {
        if let failure { throw failure }
        if atEnd { return nil }
        do {
            if let current, !current.finished {
                try drainCurrent()
            }
            return try readHeader()
        } catch {
            failure = error
            throw error
        }
    }

    /// Calls `body` for every remaining entry, in archive order.
    ///
    /// - Parameter body: receives each checked entry; it may read the entry's data.
    /// - Throws: the first refusal or read error, or whatever `body` throws.
    public func forEach(_ body: (ArchiveEntry) throws -> Void) throws {
        while let entry = try next() {
            try body(entry)
        }
    }

    // MARK: Header checks

    private func readHeader() throws(ArchiveError) -> ArchiveEntry? {
        while true {
            var entryPointer: OpaquePointer?
            let result = UTF8Locale.run { archive_read_next_header(handle, &entryPointer) }
            if result == ARCHIVE_EOF {
                atEnd = true
                current = nil
                try checkRatio(entry: current?.name ?? "(end of archive)")
                do {
                    try stream?.drain()
                } catch {
                    atEnd = false
                    throw .streamFailed(entry: nil, failure: StreamFailure(error))
                }
                return nil
            }
            // ARCHIVE_WARN is accepted: libarchive reports names it could not convert to the
            // process locale this way; the raw name bytes are validated below instead.
            guard result == ARCHIVE_OK || result == ARCHIVE_WARN, let entry = entryPointer else {
                throw readFailure(entry: current?.name, function: "archive_read_next_header", code: result)
            }
            if let checked = try check(entry) { return checked }
            // The archive's root entry ("./"): nothing to expose, move on.
        }
    }

    /// Validates one header. Returns nil for a root directory entry (`./`).
    private func check(_ entry: OpaquePointer) throws(ArchiveError) -> ArchiveEntry? {
        // A NULL name means libarchive could not decode it at all (e.g. a zip entry flagged
        // UTF-8 whose bytes are not UTF-8): refuse it as an invalid name.
        guard let raw = UTF8Locale.run({ rawPathname(entry) }) else {
            throw .invalidUTF8Name(entry: "(undecodable name after '\(current?.name ?? "start of archive")')", bytes: [])
        }
        let displayName = String(decoding: raw, as: UTF8.self)
        try tally.countEntry(displayName)

        guard let name = try rules.normalise(rawBytes: raw) else {
            guard archive_entry_filetype(entry) == enroll_AE_IFDIR, archive_entry_hardlink(entry) == nil else {
                throw .unsafePath(entry: displayName, problem: .empty)
            }
            // A fresh generation, so a stale ArchiveEntry cannot read this entry's data.
            generation += 1
            current = Current(generation: generation, name: displayName, declaredSize: 0, finished: false)
            return nil
        }

        // Type: only regular files and directories.
        if let target = archive_entry_hardlink(entry) {
            throw .unsupportedEntryType(entry: name, type: .hardLink(target: String(decoding: cBytes(target), as: UTF8.self)))
        }
        let type = archive_entry_filetype(entry)
        let kind: EntryKind
        switch type {
        case enroll_AE_IFREG:
            kind = .file
        case enroll_AE_IFDIR:
            kind = .directory
        case enroll_AE_IFLNK:
            let target = archive_entry_symlink(entry).map { String(decoding: cBytes($0), as: UTF8.self) } ?? ""
            throw .unsupportedEntryType(entry: name, type: .symlink(target: target))
        case enroll_AE_IFCHR: throw .unsupportedEntryType(entry: name, type: .characterDevice)
        case enroll_AE_IFBLK: throw .unsupportedEntryType(entry: name, type: .blockDevice)
        case enroll_AE_IFIFO: throw .unsupportedEntryType(entry: name, type: .fifo)
        case enroll_AE_IFSOCK: throw .unsupportedEntryType(entry: name, type: .socket)
        default: throw .unsupportedEntryType(entry: name, type: .other(mode: type))
        }
        if let target = archive_entry_symlink(entry) {
            throw .unsupportedEntryType(entry: name, type: .symlink(target: String(decoding: cBytes(target), as: UTF8.self)))
        }
        if archive_entry_sparse_count(entry) > 0 {
            throw .unsupportedEntryType(entry: name, type: .sparseFile)
        }

        // Required root, and names seen before.
        try tally.admit(name, kind: kind)

        // Declared size.
        let declared: Int64? = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        if let declared {
            if declared < 0 { throw .sizeMismatch(entry: name, declared: declared, actual: 0) }
            if declared > limits.maxEntrySize {
                throw .entryTooLarge(entry: name, size: declared, limit: limits.maxEntrySize)
            }
            try tally.declare(declared, entry: name)
        }
        try checkRatio(entry: name)

        generation += 1
        current = Current(generation: generation, name: name, declaredSize: declared)
        let mtime = Date(
            timeIntervalSince1970: Double(archive_entry_mtime(entry)) + Double(archive_entry_mtime_nsec(entry)) / 1e9)
        return ArchiveEntry(
            reader: self, generation: generation, path: name, kind: kind,
            size: kind == .directory ? 0 : (declared ?? -1),
            mode: UInt16(truncatingIfNeeded: archive_entry_perm(entry)) & 0o777,
            modificationTime: mtime)
    }

    /// The entry's name as stored, before any charset conversion.
    ///
    /// `archive_entry_pathname` returns the multibyte form. Where libarchive could not
    /// convert a UTF-8 header to the process locale it keeps the original bytes there, and
    /// for ustar names or pax `hdrcharset=BINARY` it holds the raw bytes; when it is NULL,
    /// the UTF-8 form (`archive_entry_pathname_utf8`) is used; `nil` when neither exists.
    ///
    /// Note: when libarchive decodes a name declared as UTF-8 (pax `path`, zip names with
    /// the UTF-8 flag) it normalises it to NFC, so an NFD name arrives in NFC form.
    private func rawPathname(_ entry: OpaquePointer) -> [UInt8]? {
        if let mbs = archive_entry_pathname(entry) { return cBytes(mbs) }
        if let utf8 = archive_entry_pathname_utf8(entry) { return cBytes(utf8) }
        return nil
    }

    private func cBytes(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
        let length = strlen(pointer)
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) }
    }

    // MARK: Data

    /// Checks that uncompressed output stays within the ratio limit of the compressed input.
    ///
    /// Compressed bytes consumed come from `archive_filter_bytes(a, -1)` (the raw file);
    /// uncompressed bytes are the larger of the data bytes counted here and
    /// `archive_filter_bytes(a, 0)` (the decompressed stream, headers and skipped data
    /// included).
    private func checkRatio(entry: String) throws(ArchiveError) {
        let compressed = max(archive_filter_bytes(handle, -1), 1)
        let uncompressed = max(producedHere, archive_filter_bytes(handle, 0))
        guard uncompressed > limits.compressionRatioAllowance else { return }
        if Double(uncompressed) > Double(compressed) * limits.maxCompressionRatio {
            throw .compressionRatioExceeded(
                entry: entry, uncompressed: uncompressed, compressed: compressed, limit: limits.maxCompressionRatio)
        }
    }

    /// Streams the current entry's remaining data through all checks into `body`.
    ///
    /// Calls `archive_read_data_block` (zero-copy: the buffer belongs to libarchive and is
    /// valid only during `body`).
    fileprivate func streamCurrent(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard var state = current, !state.finished else { return }
        defer { current = state }
        while true {
            var buffer: UnsafeRawPointer?
            var size = 0
            var offset: Int64 = 0
            let result = archive_read_data_block(handle, &buffer, &size, &offset)
            if result == ARCHIVE_EOF { break }
            guard result == ARCHIVE_OK || result == ARCHIVE_WARN else {
                state.finished = true
                throw readFailure(entry: state.name, function: "archive_read_data_block", code: result)
            }
            // Data must be contiguous: a gap would be a sparse hole that was not declared.
            if offset != state.produced {
                state.finished = true
                throw ArchiveError.sizeMismatch(entry: state.name, declared: state.declaredSize ?? -1, actual: offset)
            }
            state.produced += Int64(size)
            producedHere += Int64(size)
            if let declared = state.declaredSize, state.produced > declared {
                state.finished = true
                throw ArchiveError.sizeMismatch(entry: state.name, declared: declared, actual: state.produced)
            }
            if state.produced > limits.maxEntrySize {
                state.finished = true
                throw ArchiveError.entryTooLarge(entry: state.name, size: state.produced, limit: limits.maxEntrySize)
            }
            do {
                try tally.produce(Int64(size), entry: state.name)
                try checkRatio(entry: state.name)
            } catch {
                state.finished = true
                throw error
            }
            if size > 0, let buffer {
                try body(UnsafeRawBufferPointer(start: buffer, count: size))
            }
        }
        state.finished = true
        if let declared = state.declaredSize, state.produced != declared {
            throw ArchiveError.sizeMismatch(entry: state.name, declared: declared, actual: state.produced)
        }
    }

    /// Reads and discards the rest of the current entry, through all checks.
    private func drainCurrent() throws(ArchiveError) {
        do {
            try streamCurrent { _ in }
        } catch let error as ArchiveError {
            throw error
        } catch {
            preconditionFailure("draining throws only ArchiveError")
        }
    }

    /// Entry point for ``ArchiveEntry``: streams the data of entry `generation` if it is
    /// still current and unread; poisons the reader on refusal.
    fileprivate func readData(generation: Int, name: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let failure { throw failure }
        guard let state = current, state.generation == generation, !state.finished, state.produced == 0 else {
            throw ArchiveError.entryDataUnavailable(entry: name)
        }
        do {
            try streamCurrent(body)
        } catch let error as ArchiveError {
            failure = error
            throw error
        }
    }
}

/// One checked entry of an ``ArchiveReader``.
///
/// Its metadata stays valid forever; its data can be read once, and only while it is the
/// reader's current entry (before the next call to ``ArchiveReader/next()``).
///
/// Not `Sendable`: it reads through its (non-Sendable) reader.
public struct ArchiveEntry {
    private let reader: ArchiveReader
    private let generation: Int

    /// The normalised relative path: UTF-8, `/`-separated, no leading `./`, no trailing `/`.
    public let path: String
    /// Whether it is a regular file or a directory.
    public let kind: EntryKind
    /// The declared size in bytes (0 for directories; -1 if the archive does not say, as in
    /// some streamed zip entries).
    public let size: Int64
    /// The permission bits (0o777 at most; setuid, setgid and sticky are masked off).
    public let mode: UInt16
    /// The modification time.
    public let modificationTime: Date

    fileprivate init(
        reader: ArchiveReader, generation: Int, path: String, kind: EntryKind, size: Int64, mode: UInt16,
        modificationTime: Date
    ) {
        self.reader = reader
        self.generation = generation
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.modificationTime = modificationTime
    }

    /// Streams the entry's data to `body` in chunks, without copying.
    ///
    /// Calls `archive_read_data_block`. Each chunk is checked (size against the declared
    /// size and the limits, compression ratio) before `body` sees it. The buffer is only
    /// valid during the call to `body`.
    /// - Parameter body: receives each chunk in order.
    /// - Throws: ``ArchiveError/entryDataUnavailable(entry:)`` if the reader has moved on
    ///   or the data was already read; the refusals ``ArchiveError/sizeMismatch(entry:declared:actual:)``,
    ///   ``ArchiveError/entryTooLarge(entry:size:limit:)``,
    ///   ``ArchiveError/totalSizeExceeded(entry:limit:)``,
    ///   ``ArchiveError/compressionRatioExceeded(entry:uncompressed:compressed:limit:)``,
    ///   ``ArchiveError/corruptArchive(entry:failure:)``; or whatever `body` throws.
    public func readData(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try reader.readData(generation: generation, name: path, body)
    }

    /// Reads the whole entry into memory (at most ``ArchiveLimits/maxEntrySize`` bytes).
    ///
    /// - Returns: the entry's bytes; empty for a directory.
    /// - Throws: see ``readData(_:)``.
    public func readAll() throws(ArchiveError) -> [UInt8] {
        var bytes: [UInt8] = []
        if size > 0 { bytes.reserveCapacity(Int(size)) }
        do {
            try readData { bytes.append(contentsOf: $0) }
        } catch let error as ArchiveError {
            throw error
        } catch {
            preconditionFailure("readAll's closure does not throw")
        }
        return bytes
    }
}
