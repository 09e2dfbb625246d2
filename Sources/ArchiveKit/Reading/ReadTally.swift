import CArchive
import Foundation
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// What the readers of one archive have seen together: the names, the entry count, the
/// declared and produced totals and the required root.
///
/// A lone ``ArchiveReader`` has its own. The parts of a parallel extraction each read one
/// range of the file and share one tally, so that duplicates, collisions, the root and the
/// limits are checked across the whole archive, exactly as one reader would.
///
/// `@unchecked Sendable`: every mutable field is guarded by `lock`.
final class ReadTally: @unchecked Sendable {
    let limits: ArchiveLimits
    private let lock = NSLock()
    private let learnsRoot: Bool
    private var learnedRoot: String?
    private var names = EntryNameRegistry()
    private var entryCount = 0
    private var declaredTotal: Int64 = 0
    private var producedTotal: Int64 = 0

    /// - Throws: ``ArchiveError/unsafePath(entry:problem:)`` if `root` names an unsafe or
    ///   nested directory.
    init(limits: ArchiveLimits, root: RootRequirement) throws(ArchiveError) {
        self.limits = limits
        switch root {
        case .none:
            learnsRoot = false
        case .learnFromFirstEntry:
            learnsRoot = true
        case .named(let name):
            guard let normalised = try EntryNameRules(limits: limits).normalise(name), !normalised.contains("/") else {
                throw .unsafePath(entry: name, problem: .emptyOrDotComponent)
            }
            learnedRoot = normalised
            learnsRoot = false
        }
    }

    /// Runs `body` holding the lock (`NSLock.withLock` does not pass typed errors through).
    private func locked<T>(_ body: () throws(ArchiveError) -> T) throws(ArchiveError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The top-level directory every entry must be inside, once known.
    var root: String? { lock.withLock { learnedRoot } }

    /// Counts one more entry against ``ArchiveLimits/maxEntryCount``.
    func countEntry(_ displayName: String) throws(ArchiveError) {
        try locked { () throws(ArchiveError) in
            entryCount += 1
            if entryCount > limits.maxEntryCount {
                throw .tooManyEntries(entry: displayName, limit: limits.maxEntryCount)
            }
        }
    }

    /// Checks a normalised name against the required root (learning it from the first
    /// entry when asked to) and the names seen before, and records it.
    func admit(_ name: String, kind: EntryKind) throws(ArchiveError) {
        try locked { () throws(ArchiveError) in
            let topLevel = String(name.prefix { $0 != "/" })
            if learnedRoot == nil && learnsRoot {
                guard kind == .directory || name.contains("/") else {
                    throw .outsideRequiredRoot(entry: name, root: "(a top-level directory)")
                }
                learnedRoot = topLevel
            }
            if let root = learnedRoot {
                let inside = topLevel.utf8.elementsEqual(root.utf8) && (name.contains("/") || kind == .directory)
                if !inside { throw .outsideRequiredRoot(entry: name, root: root) }
            }
            try names.register(name, kind: kind)
        }
    }

    /// Adds an entry's declared size to the total and checks it.
    func declare(_ size: Int64, entry: String) throws(ArchiveError) {
        try locked { () throws(ArchiveError) in
            declaredTotal += size
            if declaredTotal > limits.maxTotalSize { throw .totalSizeExceeded(entry: entry, limit: limits.maxTotalSize) }
        }
    }

    /// Adds bytes of data actually produced to the total and checks it.
    func produce(_ count: Int64, entry: String) throws(ArchiveError) {
        try locked { () throws(ArchiveError) in
            producedTotal += count
            if producedTotal > limits.maxTotalSize { throw .totalSizeExceeded(entry: entry, limit: limits.maxTotalSize) }
        }
    }
}

/// A byte range of random-access bytes (a file, or an encrypted file's plaintext), served to
/// libarchive's read callback in blocks of up to 1 MiB.
///
/// Every block but the range's first starts at a multiple of 1 MiB (and so of 64 KiB: an
/// encrypted file's chunks are opened once each, not once per block they straddle).
///
/// Not `Sendable`: read by one ``ArchiveReader``, which keeps it alive as long as its handle.
final class RangeSource {
    private let bytes: any RandomAccessBytes
    private var position: Int64
    private let end: Int64
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

    init(bytes: any RandomAccessBytes, range: Range<Int64>) {
        self.bytes = bytes
        position = range.lowerBound
        end = range.upperBound
    }

    deinit {
        buffer.deallocate()
    }

    /// libarchive's read callback (wrapped in a literal closure where it is passed): the
    /// next block of the range, 0 at its end, -1 on a read error (libarchive then fails the
    /// read in progress, and the archive is reported as damaged).
    static func read(client: UnsafeMutableRawPointer?, buffer out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
        let source = Unmanaged<RangeSource>.fromOpaque(client!).takeUnretainedValue()
        let size = Int64(source.buffer.count)
        let wanted = Int(min(size - source.position % size, source.end - source.position))
        guard wanted > 0 else { return 0 }
        guard let count = try? source.bytes.read(
            at: source.position, into: UnsafeMutableRawBufferPointer(rebasing: source.buffer[..<wanted])),
            count > 0
        else { return -1 }
        source.position += Int64(count)
        out?.pointee = UnsafeRawPointer(source.buffer.baseAddress!)
        return count
    }
}

/// A caller's byte stream (for example a decryptor), served to libarchive's read callback in
/// blocks of 256 KiB.
///
/// An error the stream throws is kept here and the callback answers -1, so libarchive fails
/// the read in progress; the reader then reports the stream's own error
/// (``ArchiveError/streamFailed(entry:failure:)``) rather than libarchive's generic one.
///
/// Not `Sendable`: read by one ``ArchiveReader``, which keeps it alive as long as its handle.
final class StreamSource {
    private let source: ArchiveReader.Source
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ArchiveReader.readBlockSize, alignment: 16)
    /// The first error the stream threw.
    private(set) var failure: (any Error)?
    /// Whether the stream returned 0 (its end); it is not called again after that.
    private var ended = false

    init(_ source: @escaping ArchiveReader.Source) {
        self.source = source
    }

    deinit {
        buffer.deallocate()
    }

    /// libarchive's read callback (wrapped in a literal closure where it is passed): the next
    /// block of the stream, 0 at its end, -1 when the stream threw.
    static func read(client: UnsafeMutableRawPointer?, buffer out: UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int {
        let stream = Unmanaged<StreamSource>.fromOpaque(client!).takeUnretainedValue()
        do {
            let count = try stream.pull()
            out?.pointee = UnsafeRawPointer(stream.buffer.baseAddress!)
            return count
        } catch {
            return -1
        }
    }

    /// Reads the stream to its end, discarding what libarchive did not need (the padding
    /// after the end-of-archive records), so that a stream which checks its input as a whole
    /// (a decryptor authenticating its last chunk) has done so before the reader reports
    /// the end of the archive.
    func drain() throws {
        while try pull() > 0 {}
    }

    private func pull() throws -> Int {
        if let failure { throw failure }
        if ended { return 0 }
        do {
            let count = try source(buffer)
            if count == 0 { ended = true }
            return count
        } catch {
            failure = error
            throw error
        }
    }
}
