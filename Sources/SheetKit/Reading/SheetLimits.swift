import ArchiveKit
import XMLKit

/// Upper bounds an ``XLSXReader`` enforces on an untrusted workbook.
///
/// A workbook is a zip of XML parts, so it is bounded twice: the zip by ArchiveKit (entry
/// count, entry and total sizes, compression ratio: a zip bomb stops after a few megabytes)
/// and each part's XML by XMLKit (no DTD at all, depth, text size), plus what only a
/// spreadsheet reader knows: sheets, shared strings, rows, columns, cell formats. Memory
/// while reading is bounded by ``maxPartSize`` (a part read whole), the shared strings
/// limits (the one table held for a whole read) and one row (``maxRowBytes``).
public struct SheetLimits: Sendable, Hashable {
    /// Most entries in the zip. Default 1,000.
    public var maxEntryCount: Int
    /// Largest workbook, styles, relationships or content types part, in bytes; these are
    /// read whole. Default 16 MiB.
    public var maxPartSize: Int64
    /// Largest uncompressed worksheet or shared strings part, in bytes; these are streamed.
    /// Default 1 GiB.
    public var maxStreamedPartSize: Int64
    /// Largest total of all entries' uncompressed data, in bytes. Default 4 GiB.
    public var maxTotalSize: Int64
    /// Largest ratio of uncompressed to compressed bytes. Default 200 (i.e. 200:1; real
    /// sheets compress 5–30:1).
    public var maxCompressionRatio: Double
    /// Most sheets in the workbook. Default 256.
    public var maxSheets: Int
    /// Most shared strings. Default 1,000,000.
    public var maxSharedStrings: Int
    /// Most UTF-8 bytes in all shared strings together. Default 64 MiB.
    public var maxSharedStringBytes: Int
    /// Most cell formats (`<xf>` in `cellXfs`). Default 65,536.
    public var maxCellFormats: Int
    /// Most rows in one sheet, and the highest row number. Default 1,048,576 (Excel's).
    public var maxRows: Int
    /// Most columns: a cell beyond column `maxColumns` is refused. Default 16,384 (Excel's).
    public var maxColumns: Int
    /// Longest text in one cell (or one shared string), in UTF-8 bytes. Default 128 KiB
    /// (Excel's 32,767 characters take at most 96 KiB).
    public var maxCellTextBytes: Int
    /// Most UTF-8 bytes of text (strings, formulas, error codes) in one row, the memory one
    /// row read can take. Default 16 MiB.
    public var maxRowBytes: Int

    /// Creates limits; every parameter defaults to the documented default.
    public init(
        maxEntryCount: Int = 1000,
        maxPartSize: Int64 = 16 << 20,
        maxStreamedPartSize: Int64 = 1 << 30,
        maxTotalSize: Int64 = 4 << 30,
        maxCompressionRatio: Double = 200,
        maxSheets: Int = 256,
        maxSharedStrings: Int = 1_000_000,
        maxSharedStringBytes: Int = 64 << 20,
        maxCellFormats: Int = 65_536,
        maxRows: Int = CellRef.maxRows,
        maxColumns: Int = CellRef.maxColumns,
        maxCellTextBytes: Int = 128 << 10,
        maxRowBytes: Int = 16 << 20
    ) {
        self.maxEntryCount = maxEntryCount
        self.maxPartSize = maxPartSize
        self.maxStreamedPartSize = maxStreamedPartSize
        self.maxTotalSize = maxTotalSize
        self.maxCompressionRatio = maxCompressionRatio
        self.maxSheets = maxSheets
        self.maxSharedStrings = maxSharedStrings
        self.maxSharedStringBytes = maxSharedStringBytes
        self.maxCellFormats = maxCellFormats
        self.maxRows = min(maxRows, CellRef.maxRows)
        self.maxColumns = min(maxColumns, CellRef.maxColumns)
        self.maxCellTextBytes = maxCellTextBytes
        self.maxRowBytes = maxRowBytes
    }

    /// The defaults listed on each property.
    public static let `default` = SheetLimits()

    /// What ArchiveKit enforces on the zip.
    var archive: ArchiveLimits {
        ArchiveLimits(
            maxEntryCount: maxEntryCount, maxEntrySize: max(maxPartSize, maxStreamedPartSize), maxTotalSize: maxTotalSize,
            maxCompressionRatio: maxCompressionRatio)
    }

    /// What XMLKit enforces on a part read whole.
    var smallPartXML: XMLLimits {
        XMLLimits(maxDepth: 32, maxTextBytes: Int(min(maxPartSize, Int64(Int32.max))), maxInputBytes: maxPartSize)
    }

    /// What XMLKit enforces on a worksheet or the shared strings.
    var streamedPartXML: XMLLimits {
        XMLLimits(maxDepth: 32, maxTextBytes: maxCellTextBytes, maxElementCount: Int.max, maxInputBytes: maxStreamedPartSize)
    }
}
