#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong while writing, reading or extracting an archive.
///
/// Every refusal of a hostile or damaged archive carries the name of the entry it is about
/// (as far as it could be decoded), so a message can say *which* entry was refused and why.
/// Failures reported by libarchive carry its message (`archive_error_string`) and its errno
/// (`archive_errno`) in a ``LibarchiveFailure``.
public enum ArchiveError: Error {
    // MARK: Writing

    /// The archive to be created already exists; the writer never replaces a file.
    case targetExists(path: String)
    /// The writer was used after ``ArchiveWriter/commit()`` or after a failed call left it
    /// unusable; start a new writer.
    case writerClosed(path: String)
    /// The file given to ``ArchiveWriter/addFile(_:contentsOf:mode:modificationTime:)`` is
    /// not a regular file (a directory, symlink, device …).
    case sourceNotRegularFile(path: String)
    /// The data given for an entry did not match the size announced in its header, e.g. a
    /// source file that grew or shrank while being archived.
    case sourceSizeChanged(entry: String, expected: Int64, actual: Int64)

    // MARK: Refusals while reading

    /// The entry's name is unsafe: absolute, climbs with `..`, has empty or `.` components,
    /// backslashes, control characters, or is too long. See ``PathProblem``.
    case unsafePath(entry: String, problem: PathProblem)
    /// The entry's name is not valid UTF-8. `entry` shows the name with invalid bytes
    /// replaced by U+FFFD; `bytes` holds the raw name as stored.
    case invalidUTF8Name(entry: String, bytes: [UInt8])
    /// The entry is not a regular file or directory (a symlink, hard link, device, FIFO,
    /// socket or sparse file). Such entries are never extracted.
    case unsupportedEntryType(entry: String, type: RefusedEntryType)
    /// The same name occurs twice in the archive.
    case duplicateEntry(entry: String)
    /// The name differs from an earlier entry's only by Unicode normalization (NFC/NFD) or
    /// letter case, so the two would land on the same file on macOS, Windows or FAT.
    case nameCollision(entry: String, earlier: String)
    /// The entry needs `earlier` to be a directory but it is a file, or the other way round
    /// (a file `a` and an entry `a/b`).
    case pathConflict(entry: String, earlier: String)
    /// The entry is not inside the single top-level directory every entry must be under.
    case outsideRequiredRoot(entry: String, root: String)
    /// The archive has more entries than ``ArchiveLimits/maxEntryCount``.
    case tooManyEntries(entry: String, limit: Int)
    /// The entry is larger (declared or actually read) than ``ArchiveLimits/maxEntrySize``.
    case entryTooLarge(entry: String, size: Int64, limit: Int64)
    /// The entries together would exceed ``ArchiveLimits/maxTotalSize`` bytes.
    case totalSizeExceeded(entry: String, limit: Int64)
    /// Uncompressed bytes produced so far exceed ``ArchiveLimits/maxCompressionRatio``
    /// times the compressed bytes consumed: a decompression bomb.
    case compressionRatioExceeded(entry: String, uncompressed: Int64, compressed: Int64, limit: Double)
    /// The entry's header declared `declared` bytes but its data held `actual` bytes.
    case sizeMismatch(entry: String, declared: Int64, actual: Int64)
    /// The archive is truncated, corrupt or not an archive in a supported format
    /// (tar/pax/ustar or zip; zstd, gzip or no compression). `entry` is the entry being read
    /// when it happened, if any.
    case corruptArchive(entry: String?, failure: LibarchiveFailure)
    /// ``ArchiveEntry/readData(_:)`` was called on an entry that is no longer the reader's
    /// current entry, or whose data was already read.
    case entryDataUnavailable(entry: String)

    // MARK: Extraction

    /// The extraction destination already exists; extraction only creates new directories.
    case destinationExists(path: String)

    // MARK: Lower layers

    /// A libarchive call failed while setting up or writing an archive.
    case libarchive(LibarchiveFailure, entry: String?)
    /// A POSIX call failed. `path` is the file it was about.
    case io(operation: String, path: String, errno: Int32)
    /// The caller's byte source (``ArchiveReader/init(streamNamed:limits:root:source:)``) or
    /// output stream (``ArchiveOutputStream``) failed; `failure` carries its own error (for
    /// example a decryption error). `entry` is the entry being read or written, if any.
    case streamFailed(entry: String?, failure: StreamFailure)
}

/// An error thrown by a caller's byte source or output stream, carried by
/// ``ArchiveError/streamFailed(entry:failure:)`` unchanged.
public struct StreamFailure: Error, Equatable, CustomStringConvertible {
    /// The error the source or stream threw.
    public let underlying: any Error

    /// Wraps `underlying`.
    public init(_ underlying: any Error) { self.underlying = underlying }

    /// Two failures are equal when their errors print the same (`String(reflecting:)`).
    public static func == (lhs: StreamFailure, rhs: StreamFailure) -> Bool {
        String(reflecting: lhs.underlying) == String(reflecting: rhs.underlying)
    }

    /// The underlying error's description.
    public var description: String { "\(underlying)" }
}

/// A failed libarchive call: the function, its result code and libarchive's own message.
///
/// Built from `archive_error_string` and `archive_errno` right after the call failed.
public struct LibarchiveFailure: Sendable, Hashable, CustomStringConvertible {
    /// The C function that failed, e.g. `"archive_read_next_header"`.
    public var function: String
    /// The libarchive result code (`ARCHIVE_WARN` -20, `ARCHIVE_FAILED` -25,
    /// `ARCHIVE_FATAL` -30, …).
    public var code: Int32
    /// `archive_error_string`, or a fallback when libarchive set none.
    public var message: String
    /// `archive_errno`: the errno libarchive recorded (0 when none).
    public var errno: Int32

    /// Creates a failure record from its parts.
    public init(function: String, code: Int32, message: String, errno: Int32) {
        self.function = function
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// `"archive_read_next_header failed (-30, errno 0): Truncated tar archive"`.
    public var description: String {
        "\(function) failed (\(code), errno \(errno)): \(message)"
    }
}

/// Why an entry's name was refused as unsafe.
public enum PathProblem: Sendable, Hashable, CustomStringConvertible {
    /// The name is empty.
    case empty
    /// Starts with `/`, or a Windows drive letter (`C:`), i.e. is not relative.
    case absolute
    /// Contains a `..` component.
    case parentComponent
    /// Contains an empty component (`a//b`) or a `.` component other than a leading `./`.
    case emptyOrDotComponent
    /// Contains a backslash, which Windows tools treat as a separator.
    case backslash
    /// Contains NUL or another control character (U+0000–U+001F, U+007F).
    case controlCharacter
    /// Longer than ``ArchiveLimits/maxPathLength`` bytes, or a component longer than
    /// ``ArchiveLimits/maxComponentLength`` bytes.
    case tooLong(limit: Int)

    /// A short English explanation.
    public var description: String {
        switch self {
        case .empty: "the name is empty"
        case .absolute: "the name is an absolute path"
        case .parentComponent: "the name contains a '..' component"
        case .emptyOrDotComponent: "the name contains an empty or '.' component"
        case .backslash: "the name contains a backslash"
        case .controlCharacter: "the name contains a control character"
        case .tooLong(let limit): "the name (or one of its components) is longer than \(limit) bytes"
        }
    }
}

/// The kind of an entry that is neither a regular file nor a directory.
public enum RefusedEntryType: Sendable, Hashable, CustomStringConvertible {
    /// A symbolic link pointing at `target`.
    case symlink(target: String)
    /// A hard link to the earlier entry `target`.
    case hardLink(target: String)
    /// A character device node.
    case characterDevice
    /// A block device node.
    case blockDevice
    /// A named pipe.
    case fifo
    /// A Unix domain socket.
    case socket
    /// A sparse regular file (its data has holes).
    case sparseFile
    /// Some other file type; `mode` is the raw `archive_entry_filetype` value.
    case other(mode: UInt32)

    /// A short English explanation.
    public var description: String {
        switch self {
        case .symlink(let target): "a symbolic link to '\(target)'"
        case .hardLink(let target): "a hard link to '\(target)'"
        case .characterDevice: "a character device"
        case .blockDevice: "a block device"
        case .fifo: "a FIFO"
        case .socket: "a socket"
        case .sparseFile: "a sparse file"
        case .other(let mode): "an unknown file type (0o\(String(mode, radix: 8)))"
        }
    }
}

extension ArchiveError: CustomStringConvertible {
    /// A one-sentence English message naming the entry or file and what to do.
    public var description: String {
        switch self {
        case .targetExists(let path):
            return "Archive '\(path)' already exists; choose another name or remove it first."
        case .writerClosed(let path):
            return "The writer for '\(path)' is closed (committed or failed); start a new one."
        case .sourceNotRegularFile(let path):
            return "'\(path)' is not a regular file and cannot be added to an archive."
        case .sourceSizeChanged(let entry, let expected, let actual):
            return "Entry '\(entry)': expected \(expected) bytes but got \(actual); did the file change while it was archived?"
        case .unsafePath(let entry, let problem):
            return "Refused entry '\(entry)': \(problem)."
        case .invalidUTF8Name(let entry, let bytes):
            if bytes.isEmpty {
                return "Refused entry \(entry): libarchive could not decode its name, which claims to be UTF-8 but is not."
            }
            let hex = bytes.map { String($0, radix: 16) }.joined(separator: " ")
            return "Refused entry '\(entry)': the name is not valid UTF-8 (bytes \(hex))."
        case .unsupportedEntryType(let entry, let type):
            return "Refused entry '\(entry)': it is \(type); only regular files and directories are accepted."
        case .duplicateEntry(let entry):
            return "Refused entry '\(entry)': the name occurs twice in the archive."
        case .nameCollision(let entry, let earlier):
            return "Refused entry '\(entry)': it collides with earlier entry '\(earlier)' (same name up to Unicode normalization or letter case)."
        case .pathConflict(let entry, let earlier):
            return "Refused entry '\(entry)': it conflicts with earlier entry '\(earlier)' (a file used as a directory or the other way round)."
        case .outsideRequiredRoot(let entry, let root):
            return "Refused entry '\(entry)': every entry must be inside the top-level directory '\(root)'."
        case .tooManyEntries(let entry, let limit):
            return "Refused entry '\(entry)': the archive has more than \(limit) entries."
        case .entryTooLarge(let entry, let size, let limit):
            return "Refused entry '\(entry)': \(size) bytes is larger than the limit of \(limit) bytes."
        case .totalSizeExceeded(let entry, let limit):
            return "Refused entry '\(entry)': the archive's contents exceed the limit of \(limit) bytes in total."
        case .compressionRatioExceeded(let entry, let uncompressed, let compressed, let limit):
            return "Refused entry '\(entry)': \(uncompressed) bytes were produced from \(compressed) compressed bytes, more than \(limit):1 (a decompression bomb?)."
        case .sizeMismatch(let entry, let declared, let actual):
            return "Refused entry '\(entry)': its header declares \(declared) bytes but its data holds \(actual)."
        case .corruptArchive(let entry, let failure):
            // With no entry, nothing of the archive could be read: say so, so a pulled stick's
            // archive is never taken for one that is merely short of its last entries.
            let place = entry.map { " at entry '\($0)'" } ?? " before its first entry (no entry could be read)"
            return "The archive is truncated, corrupt or of an unsupported format\(place): \(failure)."
        case .entryDataUnavailable(let entry):
            return "The data of entry '\(entry)' is no longer available (the reader has moved on or it was already read)."
        case .destinationExists(let path):
            return "Extraction destination '\(path)' already exists; extraction only creates a new directory."
        case .libarchive(let failure, let entry):
            let place = entry.map { " for entry '\($0)'" } ?? ""
            return "libarchive error\(place): \(failure)."
        case .io(let operation, let path, let code):
            return "\(operation) '\(path)' failed: \(String(cString: strerror(code))) (errno \(code))."
        case .streamFailed(let entry, let failure):
            let place = entry.map { " at entry '\($0)'" } ?? ""
            return "The archive's byte stream failed\(place): \(failure)"
        }
    }

    /// The entry the error is about, when there is one.
    public var entry: String? {
        switch self {
        case .sourceSizeChanged(let entry, _, _), .unsafePath(let entry, _),
            .invalidUTF8Name(let entry, _), .unsupportedEntryType(let entry, _),
            .duplicateEntry(let entry), .nameCollision(let entry, _), .pathConflict(let entry, _),
            .outsideRequiredRoot(let entry, _), .tooManyEntries(let entry, _),
            .entryTooLarge(let entry, _, _), .totalSizeExceeded(let entry, _),
            .compressionRatioExceeded(let entry, _, _, _), .sizeMismatch(let entry, _, _),
            .entryDataUnavailable(let entry):
            return entry
        case .corruptArchive(let entry, _), .libarchive(_, let entry), .streamFailed(let entry, _):
            return entry
        case .targetExists, .writerClosed, .sourceNotRegularFile, .destinationExists, .io:
            return nil
        }
    }
}

extension ArchiveError: Sendable {}
extension ArchiveError: Equatable {}
