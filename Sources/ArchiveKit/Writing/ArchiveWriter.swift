import CArchive
import CLinuxShims
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// Creates one archive file, crash-safely.
///
/// Entries are written to a hidden temporary file beside the target
/// (`.<name>.partial-XXXXXX` in the same directory). ``commit()`` finishes the archive,
/// fsyncs the file and its directory and renames it onto the target, so a USB stick pulled
/// mid-write never leaves a complete-looking archive at the target path. A writer dropped
/// without ``commit()`` removes its temporary file.
///
/// Names are stored as UTF-8 (pax `path` records for tar; the UTF-8 flag for zip). Owners
/// are recorded as uid/gid 0 with no user or group names: no passwd/group lookups happen.
///
/// Not `Sendable`: it owns a libarchive write handle (`struct archive *`), which is not
/// thread-safe; use one writer from one task at a time.
public final class ArchiveWriter {
    /// The path the committed archive will have.
    public let targetPath: String
    /// The format being written.
    public let format: ArchiveFormat

    private var handle: OpaquePointer?
    private var fd: Int32
    private let temporaryPath: String
    private var names: EntryNameRegistry
    private let rules: EntryNameRules
    private var committed = false
    private var failed = false
    private let progress: ((Int64) -> Void)?
    private var buffer: [UInt8]
    /// The zstd compressor of a `.tarZstd` archive (libarchive writes the tar stream to it).
    private let frames: ZstdFrameWriter?
    /// See ``markSplitPoint()``.
    private let frameSize: Int64
    /// Bytes of the temporary file whose write-back has been started.
    private var writebackStarted: Int64 = 0
    /// Bytes of the temporary file known to be on the disk.
    private var writebackFinished: Int64 = 0

    /// Size of the blocks handed to libarchive and of the writes to disk: 1 MiB.
    static let blockSize = 1 << 20

    /// Write-back is started for every this many bytes written (16 MiB), and the window before
    /// the previous one is waited for, so dirty pages stay bounded and ``commit()``'s fsync
    /// only waits for the last few windows instead of the whole archive.
    static let writebackWindow: Int64 = 16 << 20

    /// The size a `.tarZstd` frame must reach before ``markSplitPoint()`` ends it: 16 MiB of
    /// tar stream. Frames this size cost nothing measurable in compression ratio, and a
    /// batch of a few hundred megabytes still splits into enough parts for every core.
    public static let defaultFrameSize: Int64 = 16 << 20

    /// Starts a new archive at `path`.
    ///
    /// Calls `archive_write_new`, `archive_write_set_format_pax_restricted` or
    /// `archive_write_set_format_zip`. For `.tarGzip` and `.zip`:
    /// `archive_write_add_filter_gzip` (tar.gz), `archive_write_set_bytes_per_block` (1 MiB),
    /// `archive_write_set_bytes_in_last_block` (1, no padding) and `archive_write_open_fd`.
    /// For `.tarZstd`: `archive_write_set_bytes_per_block(0)` and `archive_write_open2` with
    /// a ``ZstdFrameWriter`` as the client writer, which compresses with libzstd (zstd's own
    /// worker threads when `compressionThreads` > 1) and ends a frame at the split points the
    /// caller marks. The output is a standard zstd stream of one or more frames.
    ///
    /// - Parameters:
    ///   - path: where the finished archive goes. It must not exist yet; its directory must.
    ///   - format: container and compression; `.tarZstd` by default.
    ///   - compressionThreads: worker threads for zstd compression (1: compress on the
    ///     calling thread). Ignored by the other formats.
    ///   - frameSize: for `.tarZstd`, the least tar stream a frame holds before
    ///     ``markSplitPoint()`` ends it; ``defaultFrameSize`` unless given.
    ///   - encoding: for `.tarZstd` only: builds the stream the zstd output passes through
    ///     before it reaches the temporary file (an encryption), so only its output is ever
    ///     on disk; ``commit()`` finishes that stream before it fsyncs and renames.
    ///   - progress: called after each block with the total bytes written to disk so far.
    /// - Throws: ``ArchiveError/targetExists(path:)`` if `path` exists,
    ///   ``ArchiveError/libarchive(_:entry:)`` if `encoding` is given for another format,
    ///   ``ArchiveError/streamFailed(entry:failure:)`` if `encoding` throws,
    ///   ``ArchiveError/io(operation:path:errno:)`` if the temporary file cannot be created,
    ///   ``ArchiveError/libarchive(_:entry:)`` if libarchive refuses the setup.
    public init(
        creatingAt path: String, format: ArchiveFormat = .tarZstd, compressionThreads: Int = 1,
        frameSize: Int64 = ArchiveWriter.defaultFrameSize, encoding: ArchiveOutputEncoding? = nil,
        progress: ((Int64) -> Void)? = nil
    ) throws(ArchiveError) {
        let path = POSIX.trimmingTrailingSlashes(path)
        if encoding != nil && format != .tarZstd {
            throw .libarchive(
                LibarchiveFailure(
                    function: "ArchiveWriter", code: ARCHIVE_FATAL,
                    message: "an output stream (encryption) is only supported for tar.zst archives", errno: EINVAL),
                entry: nil)
        }
        targetPath = path
        self.format = format
        self.progress = progress
        self.frameSize = max(frameSize, 1)
        rules = EntryNameRules(limits: .default)
        names = EntryNameRegistry()
        buffer = [UInt8](repeating: 0, count: Self.blockSize)

        if POSIX.exists(path) { throw .targetExists(path: path) }
        let directory = POSIX.directoryName(path)
        var template = Array("\(directory)/.\(POSIX.baseName(path)).partial-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        if created < 0 {
            throw .io(operation: "create temporary file in", path: directory, errno: errno)
        }
        fd = created
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        temporaryPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        _ = fchmod(fd, 0o644)
        do {
            frames = format == .tarZstd
                ? try ZstdFrameWriter(
                    file: FileDescriptor(rawValue: created), path: temporaryPath, threads: compressionThreads, encoding: encoding)
                : nil
        } catch {
            close(created)
            unlink(temporaryPath)
            throw error
        }

        guard let handle = archive_write_new() else {
            close(fd)
            unlink(temporaryPath)
            throw .libarchive(
                LibarchiveFailure(function: "archive_write_new", code: ARCHIVE_FATAL, message: "out of memory", errno: ENOMEM),
                entry: nil)
        }
        self.handle = handle
        // From here on, deinit cleans up the handle, the descriptor and the temporary file.
        // Set up under the UTF-8 locale: libarchive caches the locale's charset in the
        // handle when it creates its first name converter (e.g. for zip's hdrcharset).
        try UTF8Locale.run { () throws(ArchiveError) in try Self.configure(handle, format: format, frames: frames, fd: created) }
    }

    /// Selects format and filter, sets blocking and opens the descriptor (or the frame writer).
    private static func configure(_ handle: OpaquePointer, format: ArchiveFormat, frames: ZstdFrameWriter?, fd: Int32) throws(ArchiveError) {
        switch format {
        case .tarZstd:
            try Libarchive.check(archive_write_set_format_pax_restricted(handle), handle, "archive_write_set_format_pax_restricted")
            // No blocking: every byte reaches the frame writer at once, so a frame can end
            // exactly after an entry.
            try Libarchive.check(archive_write_set_bytes_per_block(handle, 0), handle, "archive_write_set_bytes_per_block")
            let client = Unmanaged.passUnretained(frames!).toOpaque()
            try Libarchive.check(
                archive_write_open2(
                    handle, client, nil, { _, client, buffer, length in ZstdFrameWriter.write(client: client, buffer: buffer, length: length) },
                    nil, nil), handle, "archive_write_open2")
            return
        case .tarGzip:
            try Libarchive.check(archive_write_set_format_pax_restricted(handle), handle, "archive_write_set_format_pax_restricted")
            try Libarchive.check(archive_write_add_filter_gzip(handle), handle, "archive_write_add_filter_gzip")
            // No file name or timestamp in the gzip header: reproducible output.
            try Libarchive.check(archive_write_set_filter_option(handle, "gzip", "timestamp", nil), handle, "archive_write_set_filter_option")
        case .zip:
            try Libarchive.check(archive_write_set_format_zip(handle), handle, "archive_write_set_format_zip")
            try Libarchive.check(archive_write_zip_set_compression_deflate(handle), handle, "archive_write_zip_set_compression_deflate")
            // Store names as UTF-8 and set the language-encoding flag (general purpose bit 11).
            try Libarchive.check(archive_write_set_format_option(handle, "zip", "hdrcharset", "UTF-8"), handle, "archive_write_set_format_option")
        }
        try Libarchive.check(archive_write_set_bytes_per_block(handle, Int32(Self.blockSize)), handle, "archive_write_set_bytes_per_block")
        try Libarchive.check(archive_write_set_bytes_in_last_block(handle, 1), handle, "archive_write_set_bytes_in_last_block")
        try Libarchive.check(archive_write_open_fd(handle, fd), handle, "archive_write_open_fd")
    }

    deinit {
        // A stream with a thread of its own stops before the file it writes to is closed.
        if !committed { frames?.abandonStream() }
        if let handle {
            // archive_write_free closes the archive first; its output goes to the temporary
            // file, which is removed below unless the archive was committed.
            archive_write_free(handle)
        }
        if fd >= 0 { close(fd) }
        if !committed { unlink(temporaryPath) }
    }

    // MARK: Adding entries

    /// Adds a directory entry.
    ///
    /// Calls `archive_write_header`.
    /// - Parameters:
    ///   - name: relative UTF-8 path, e.g. `"batch/bundles"`; a trailing `/` is optional.
    ///   - mode: permission bits; setuid, setgid and sticky bits are dropped. Default 0o755.
    ///   - modificationTime: stored with nanosecond precision in pax archives.
    /// - Throws: ``ArchiveError/unsafePath(entry:problem:)``,
    ///   ``ArchiveError/duplicateEntry(entry:)`` and the other name refusals a reader would
    ///   raise; ``ArchiveError/libarchive(_:entry:)``; ``ArchiveError/writerClosed(path:)``.
    public func addDirectory(_ name: String, mode: UInt16 = 0o755, modificationTime: Date = Date()) throws(ArchiveError) {
        try writeEntry(name, kind: .directory, size: 0, mode: mode, modificationTime: modificationTime) { _ in }
    }

    /// Adds a regular file holding `bytes`.
    ///
    /// Calls `archive_write_header` and `archive_write_data`.
    /// - Parameters:
    ///   - name: relative UTF-8 path such as `"附件/户口本.jpg"`.
    ///   - bytes: the file's contents.
    ///   - mode: permission bits; setuid, setgid and sticky bits are dropped. Default 0o644.
    ///   - modificationTime: the file's modification time.
    /// - Throws: see ``addDirectory(_:mode:modificationTime:)``.
    public func addData(_ name: String, _ bytes: [UInt8], mode: UInt16 = 0o644, modificationTime: Date = Date()) throws(ArchiveError) {
        try writeEntry(name, kind: .file, size: Int64(bytes.count), mode: mode, modificationTime: modificationTime) {
            (writer) throws(ArchiveError) in
            try bytes.withUnsafeBytes { raw in Result { () throws(ArchiveError) in try writer.writeData(raw, entry: name) } }.get()
        }
    }

    /// Adds a regular file holding `data`; see ``addData(_:_:mode:modificationTime:)-([UInt8])``.
    public func addData(_ name: String, _ data: Data, mode: UInt16 = 0o644, modificationTime: Date = Date()) throws(ArchiveError) {
        try writeEntry(name, kind: .file, size: Int64(data.count), mode: mode, modificationTime: modificationTime) {
            (writer) throws(ArchiveError) in
            try data.withUnsafeBytes { raw in Result { () throws(ArchiveError) in try writer.writeData(raw, entry: name) } }.get()
        }
    }

    /// Adds a regular file copied from `sourcePath`, streamed in 1 MiB blocks.
    ///
    /// Opens the source with `O_NOFOLLOW`, takes its size from `fstat`, then calls
    /// `archive_write_header` and `archive_write_data` block by block.
    /// - Parameters:
    ///   - name: relative UTF-8 path inside the archive.
    ///   - sourcePath: the file to copy; it must be a regular file, not a symlink.
    ///   - mode: permission bits, or `nil` to take them from the source.
    ///   - modificationTime: or `nil` to take it from the source.
    ///   - observe: sees every block exactly as it is handed to libarchive, e.g. to hash the
    ///     bytes actually archived in the same pass.
    /// - Throws: ``ArchiveError/sourceNotRegularFile(path:)``,
    ///   ``ArchiveError/sourceSizeChanged(entry:expected:actual:)`` if the file changes
    ///   size while being copied, ``ArchiveError/io(operation:path:errno:)``, and the errors
    ///   of ``addDirectory(_:mode:modificationTime:)``.
    public func addFile(
        _ name: String, contentsOf sourcePath: String, mode: UInt16? = nil, modificationTime: Date? = nil,
        observe: ((UnsafeRawBufferPointer) -> Void)? = nil
    ) throws(ArchiveError) {
        let source: FileDescriptor
        do {
            source = try FileDescriptor.open(FilePath(sourcePath), .readOnly, options: [.noFollow, .closeOnExec])
        } catch Errno.tooManySymbolicLinkLevels {
            throw .sourceNotRegularFile(path: sourcePath)
        } catch {
            throw .io(operation: "open", path: sourcePath, errno: POSIX.errnoValue(error))
        }
        defer { try? source.close() }
        var info = stat()
        if fstat(source.rawValue, &info) != 0 { throw .io(operation: "fstat", path: sourcePath, errno: errno) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .sourceNotRegularFile(path: sourcePath) }
        let size = Int64(info.st_size)
        let fileMode = mode ?? UInt16(info.st_mode & 0o7777)
        let mtime = modificationTime
            ?? Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)

        try writeEntry(name, kind: .file, size: size, mode: fileMode, modificationTime: mtime) { (writer) throws(ArchiveError) in
            var total: Int64 = 0
            while true {
                let count = try writer.buffer.withUnsafeMutableBytes { raw in
                    Result { () throws(ArchiveError) in try POSIX.read(source, into: raw, path: sourcePath) }
                }.get()
                if count == 0 { break }
                total += Int64(count)
                if total > size { throw .sourceSizeChanged(entry: name, expected: size, actual: total) }
                try writer.buffer.withUnsafeBytes { raw in
                    Result { () throws(ArchiveError) in
                        let block = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                        observe?(block)
                        try writer.writeData(block, entry: name)
                    }
                }.get()
            }
            if total != size { throw .sourceSizeChanged(entry: name, expected: size, actual: total) }
        }
    }

    /// Adds a regular file of exactly `size` bytes whose data comes from `nextChunk`,
    /// called until it returns `nil`. Nothing is held in memory beyond one chunk.
    ///
    /// Calls `archive_write_header` and `archive_write_data` per chunk.
    /// - Parameters:
    ///   - name: relative UTF-8 path inside the archive.
    ///   - size: the exact number of bytes `nextChunk` will deliver in total.
    ///   - mode: permission bits. Default 0o644.
    ///   - modificationTime: the file's modification time.
    ///   - nextChunk: returns the next piece of data, or `nil` at the end.
    /// - Throws: ``ArchiveError/sourceSizeChanged(entry:expected:actual:)`` if the chunks do
    ///   not add up to `size`, errors thrown by `nextChunk` wrapped as they are, and the
    ///   errors of ``addDirectory(_:mode:modificationTime:)``.
    public func addStream(
        _ name: String, size: Int64, mode: UInt16 = 0o644, modificationTime: Date = Date(),
        nextChunk: () throws(ArchiveError) -> [UInt8]?
    ) throws(ArchiveError) {
        try writeEntry(name, kind: .file, size: size, mode: mode, modificationTime: modificationTime) { (writer) throws(ArchiveError) in
            var total: Int64 = 0
            while let chunk = try nextChunk() {
                total += Int64(chunk.count)
                if total > size { throw .sourceSizeChanged(entry: name, expected: size, actual: total) }
                try chunk.withUnsafeBytes { raw in Result { () throws(ArchiveError) in try writer.writeData(raw, entry: name) } }.get()
            }
            if total != size { throw .sourceSizeChanged(entry: name, expected: size, actual: total) }
        }
    }

    // MARK: Finishing

    /// Finishes the archive and moves it onto the target path.
    ///
    /// Calls `archive_write_close` (writes the end-of-archive records and flushes the
    /// compressor), finishes the output stream if there is one, then fsync(2) on the temporary file, renameat2(RENAME_NOREPLACE) onto
    /// the target and fsync(2) on the directory.
    /// - Throws: ``ArchiveError/libarchive(_:entry:)`` if closing fails,
    ///   ``ArchiveError/targetExists(path:)`` if the target appeared meanwhile,
    ///   ``ArchiveError/io(operation:path:errno:)``; on any error the temporary file is
    ///   removed when the writer is released.
    public func commit() throws(ArchiveError) {
        let handle = try usableHandle()
        failed = true  // Until everything below succeeds.
        try check(archive_write_close(handle), handle, "archive_write_close")
        try frames?.endFrame()
        try frames?.finishStream()
        progress?(bytesOnDisk(handle))
        if fsync(fd) != 0 { throw .io(operation: "fsync", path: temporaryPath, errno: errno) }
        close(fd)
        fd = -1
        do {
            try POSIX.renameNoReplace(temporaryPath, targetPath)
        } catch .io(_, _, EEXIST) {
            throw .targetExists(path: targetPath)
        }
        committed = true
        try POSIX.syncDirectory(POSIX.directoryName(targetPath))
        failed = false
    }

    /// Marks the point between two entries where a reader may start on its own: for
    /// `.tarZstd`, the current zstd frame ends here if it holds at least `frameSize` bytes of
    /// tar stream. ``ArchiveExtractor`` extracts such an archive with one thread per part.
    /// Call it between groups of entries that belong together (enroll's packer calls it
    /// after each bundle). No effect on the other formats.
    /// - Throws: ``ArchiveError/io(operation:path:errno:)`` if the compressed data cannot be
    ///   written; ``ArchiveError/writerClosed(path:)``.
    public func markSplitPoint() throws(ArchiveError) {
        _ = try usableHandle()
        guard let frames, frames.frameInput >= frameSize else { return }
        failed = true
        try frames.endFrame()
        failed = false
    }

    /// Abandons the archive: frees the handle and removes the temporary file now rather
    /// than when the writer is released. Further calls throw ``ArchiveError/writerClosed(path:)``.
    public func cancel() {
        if !committed { frames?.abandonStream() }
        if let handle { archive_write_free(handle) }
        handle = nil
        if fd >= 0 { close(fd) }
        fd = -1
        if !committed { unlink(temporaryPath) }
        failed = true
    }

    // MARK: Internals

    private func usableHandle() throws(ArchiveError) -> OpaquePointer {
        guard let handle, !committed, !failed else { throw .writerClosed(path: targetPath) }
        return handle
    }

    /// Validates the name, writes the header, lets `body` write the data and checks that
    /// the writer is still healthy. Any failure leaves the writer unusable: libarchive's
    /// output may be inconsistent after an error.
    private func writeEntry(
        _ name: String, kind: EntryKind, size: Int64, mode: UInt16, modificationTime: Date,
        body: (ArchiveWriter) throws(ArchiveError) -> Void
    ) throws(ArchiveError) {
        let handle = try usableHandle()
        guard let normalised = try rules.normalise(name) else {
            throw .unsafePath(entry: name, problem: .empty)
        }
        try names.register(normalised, kind: kind)

        failed = true
        guard let entry = archive_entry_new() else {
            throw .libarchive(
                LibarchiveFailure(function: "archive_entry_new", code: ARCHIVE_FATAL, message: "out of memory", errno: ENOMEM),
                entry: name)
        }
        defer { archive_entry_free(entry) }
        let storedName = kind == .directory ? normalised + "/" : normalised
        if !UTF8Locale.isAvailable && !storedName.utf8.allSatisfy({ $0 < 0x80 }) {
            throw .libarchive(
                LibarchiveFailure(
                    function: "newlocale", code: ARCHIVE_FAILED,
                    message: "no UTF-8 locale (C.UTF-8) is installed, so non-ASCII names cannot be stored", errno: ENOENT),
                entry: name)
        }
        archive_entry_set_pathname_utf8(entry, storedName)
        archive_entry_set_filetype(entry, kind == .directory ? enroll_AE_IFDIR : enroll_AE_IFREG)
        archive_entry_set_perm(entry, mode_t(mode & 0o777))
        archive_entry_set_size(entry, kind == .directory ? 0 : size)
        let seconds = modificationTime.timeIntervalSince1970.rounded(.down)
        let nanoseconds = Int((modificationTime.timeIntervalSince1970 - seconds) * 1e9)
        archive_entry_set_mtime(entry, time_t(seconds), min(max(nanoseconds, 0), 999_999_999))
        // Deliberately no uname/gname: leaving them unset means no passwd/group lookups.
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)

        try check(UTF8Locale.run { archive_write_header(handle, entry) }, handle, "archive_write_header", entry: name)
        if kind == .file { try body(self) }
        try check(archive_write_finish_entry(handle), handle, "archive_write_finish_entry", entry: name)
        failed = false
        progress?(bytesOnDisk(handle))
    }

    /// Throws unless `code` is `ARCHIVE_OK`: the frame writer's own error if it caused the
    /// failure (a full disk, say), else libarchive's.
    private func check(_ code: Int32, _ handle: OpaquePointer, _ function: String, entry: String? = nil) throws(ArchiveError) {
        guard code != ARCHIVE_OK else { return }
        if let failure = frames?.failure { throw failure }
        throw .libarchive(Libarchive.failure(handle, function: function, code: code), entry: entry)
    }

    /// Bytes of the temporary file written so far.
    private func bytesOnDisk(_ handle: OpaquePointer) -> Int64 {
        frames?.fileBytes ?? archive_filter_bytes(handle, -1)
    }

    /// Hands `bytes` to `archive_write_data`, looping over partial writes.
    fileprivate func writeData(_ bytes: UnsafeRawBufferPointer, entry: String) throws(ArchiveError) {
        guard let handle else { throw .writerClosed(path: targetPath) }
        var offset = 0
        while offset < bytes.count {
            let written = archive_write_data(handle, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 { try check(Int32(written), handle, "archive_write_data", entry: entry) }
            if written == 0 {
                throw .sourceSizeChanged(entry: entry, expected: Int64(offset), actual: Int64(bytes.count))
            }
            offset += written
        }
        let onDisk = bytesOnDisk(handle)
        startWriteback(upTo: onDisk)
        progress?(onDisk)
    }

    /// Starts write-back of every full window written so far and waits for the window before
    /// the previous one (sync_file_range(2)); errors are ignored: ``commit()``'s fsync is what
    /// guarantees durability, this only spreads its work over the whole run.
    private func startWriteback(upTo written: Int64) {
        guard fd >= 0, written - writebackStarted >= Self.writebackWindow else { return }
        let end = written - written % Self.writebackWindow
        _ = enroll_start_writeback(fd, writebackStarted, end - writebackStarted)
        writebackStarted = end
        let settled = end - 2 * Self.writebackWindow
        if settled > writebackFinished {
            _ = enroll_wait_writeback(fd, writebackFinished, settled - writebackFinished)
            writebackFinished = settled
        }
    }
}
