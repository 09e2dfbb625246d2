/// The container and compression an ``ArchiveWriter`` produces.
///
/// Readers detect the format themselves and need no ``ArchiveFormat``.
public enum ArchiveFormat: Sendable, Hashable, CaseIterable {
    /// POSIX pax tar compressed with zstd (`.tar.zst`), the default.
    /// Uses `archive_write_set_format_pax_restricted` and `archive_write_add_filter_zstd`.
    case tarZstd
    /// POSIX pax tar compressed with gzip (`.tar.gz`).
    /// Uses `archive_write_set_format_pax_restricted` and `archive_write_add_filter_gzip`.
    case tarGzip
    /// Zip with deflate and UTF-8 names (`.zip`). Uses `archive_write_set_format_zip`.
    case zip

    /// The usual file name extension, without a leading dot: `tar.zst`, `tar.gz`, `zip`.
    public var fileExtension: String {
        switch self {
        case .tarZstd: "tar.zst"
        case .tarGzip: "tar.gz"
        case .zip: "zip"
        }
    }
}

/// Upper bounds a reader enforces on an untrusted archive.
///
/// Every bound is checked before the data it guards is exposed (declared sizes in the
/// header) and again while data is streamed (bytes actually produced), so an archive that
/// lies in its headers is still stopped.
public struct ArchiveLimits: Sendable, Hashable {
    /// Most entries (files and directories) an archive may hold. Default 1,000,000.
    public var maxEntryCount: Int
    /// Largest single entry, in bytes. Default 64 MiB.
    public var maxEntrySize: Int64
    /// Largest total of all entries' data, in bytes. Default 64 GiB.
    public var maxTotalSize: Int64
    /// Largest ratio of uncompressed bytes produced to compressed bytes consumed so far.
    /// Default 200 (i.e. 200:1).
    public var maxCompressionRatio: Double
    /// Uncompressed bytes that may be produced before the ratio is checked at all, so a few
    /// tiny, highly compressible files never trip it. Default 1 MiB.
    public var compressionRatioAllowance: Int64
    /// Longest entry name, in UTF-8 bytes. Default 1024.
    public var maxPathLength: Int
    /// Longest single name component, in UTF-8 bytes. Default 255 (NAME_MAX).
    public var maxComponentLength: Int

    /// Creates limits; every parameter defaults to the documented default.
    public init(
        maxEntryCount: Int = 1_000_000,
        maxEntrySize: Int64 = 64 << 20,
        maxTotalSize: Int64 = 64 << 30,
        maxCompressionRatio: Double = 200,
        compressionRatioAllowance: Int64 = 1 << 20,
        maxPathLength: Int = 1024,
        maxComponentLength: Int = 255
    ) {
        self.maxEntryCount = maxEntryCount
        self.maxEntrySize = maxEntrySize
        self.maxTotalSize = maxTotalSize
        self.maxCompressionRatio = maxCompressionRatio
        self.compressionRatioAllowance = compressionRatioAllowance
        self.maxPathLength = maxPathLength
        self.maxComponentLength = maxComponentLength
    }

    /// The defaults listed on each property.
    public static let `default` = ArchiveLimits()
}

/// Whether every entry must live under one top-level directory.
public enum RootRequirement: Sendable, Hashable {
    /// Entries may be anywhere (still relative and safe).
    case none
    /// Every entry must be the directory `name` or inside it.
    case named(String)
    /// The first entry's top-level component becomes the required root; every later entry
    /// must be inside it. A first entry that is a top-level file is refused.
    case learnFromFirstEntry
}

/// What an accepted entry is.
public enum EntryKind: Sendable, Hashable {
    /// A regular file.
    case file
    /// A directory.
    case directory
}
