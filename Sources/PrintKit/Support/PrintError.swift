import SystemPackage

/// Everything that can go wrong while laying out and writing a PDF.
///
/// Every case carries what it is about (the output path, the font family, the text, the
/// table row) and, for failures reported by a C library, that library's own message:
/// cairo's `cairo_status_to_string`, TurboJPEG's `tjGetErrorStr2`, or the `errno` that
/// libqrencode or a POSIX call set. ``english`` and ``chinese`` say what happened and what to
/// do; ``description`` gives both.
public enum PrintError: Error, Hashable {
    // MARK: The output file

    /// The PDF (or its temporary file beside it) could not be created, written, synced or
    /// renamed into place. `path` is the PDF asked for; `operation` the step that failed.
    case cannotWrite(path: String, operation: String, errno: Errno)
    /// A cairo call failed; `path` is the PDF being written, when there is one.
    case cairo(CairoFailure, path: String?)
    /// ``PDFDocument/finish()`` was called on a document with no page; call
    /// ``PDFDocument/beginPage(size:)`` first.
    case emptyDocument(path: String)
    /// The document was already finished (or a finish failed); start a new document.
    case documentFinished(path: String)

    // MARK: Fonts and text

    /// No installed font family has this name (fontconfig, as pango lists it). The usual
    /// cause is a missing `fonts-noto-cjk` package.
    case fontMissing(family: String)
    /// The family is installed but has no glyphs for Chinese (checked with the characters
    /// `sample`), so it cannot be the document's CJK family.
    case fontLacksChinese(family: String, sample: String)
    /// `count` characters of `text` have no glyph in any installed font: they would print
    /// as empty boxes. `family` is the family asked for.
    case glyphsMissing(text: String, family: String, count: Int)

    // MARK: Layout

    /// A table cannot be laid out as defined; see ``TableProblem``.
    case invalidTable(TableProblem)

    // MARK: Images

    /// The image file could not be read.
    case cannotRead(path: String, errno: Errno)
    /// The data is neither a PNG nor a JPEG (by its signature); `leadingBytes` are its
    /// first bytes (at most 8).
    case unsupportedImage(source: String, leadingBytes: [UInt8])
    /// The PNG or JPEG is damaged or uses something the decoder refuses (a CMYK JPEG, a
    /// truncated file …). `message` is the decoder's (cairo's or TurboJPEG's).
    case imageUnreadable(source: String, format: RasterImage.Format, message: String)
    /// The image is larger than ``RasterImage/maxDimension`` pixels on a side, has more than
    /// ``RasterImage/maxPixelCount`` pixels, or its file exceeds
    /// ``RasterImage/maxFileSize`` bytes (`width` and `height` are 0 then).
    case imageTooLarge(source: String, width: Int, height: Int, bytes: Int)

    // MARK: QR codes

    /// A QR code needs at least one byte of data.
    case qrDataEmpty
    /// `byteCount` bytes do not fit in the largest QR code (version 40) at this error
    /// correction level (libqrencode reported ERANGE).
    case qrDataTooLong(byteCount: Int, errorCorrection: QRCode.ErrorCorrection)
    /// libqrencode failed for another reason (EINVAL, ENOMEM), reported by its `errno`.
    case qrEncodingFailed(byteCount: Int, errno: Errno)
}

extension PrintError: Sendable {}

/// A failed cairo call: the function, cairo's status code and cairo's message for it.
///
/// The message is `cairo_status_to_string(status)`, e.g. "error while writing to output
/// stream" for `CAIRO_STATUS_WRITE_ERROR` (11).
public struct CairoFailure: Sendable, Hashable, CustomStringConvertible {
    /// The C function whose result (or whose object's sticky status) reported the failure,
    /// e.g. `"cairo_surface_finish"`.
    public var function: String
    /// The `cairo_status_t` value.
    public var status: UInt32
    /// `cairo_status_to_string(status)`.
    public var message: String

    /// Creates a failure record from its parts.
    public init(function: String, status: UInt32, message: String) {
        self.function = function
        self.status = status
        self.message = message
    }

    /// `"cairo_surface_finish failed (status 11): error while writing to output stream"`.
    public var description: String {
        "\(function) failed (status \(status)): \(message)"
    }
}

/// Why a ``Table`` cannot be laid out.
public enum TableProblem: Sendable, Hashable, CustomStringConvertible {
    /// The table has no columns, or a column width is not a positive number of points.
    case badColumnWidths([Double])
    /// A cell's column span is below 1.
    case badColumnSpan(row: Int, cell: Int, span: Int)
    /// The cells of row `row` span `spanned` columns but the table has `columns`.
    case spanMismatch(row: Int, spanned: Int, columns: Int)
    /// A cell is too narrow for its padding: no width is left for text.
    case cellTooNarrow(row: Int, cell: Int, width: Double)
    /// Row `row` is `height` points tall but a page has only `available` points for it
    /// (between the margins, after repeated header rows); rows are never split.
    case rowTooTall(row: Int, height: Double, available: Double)
    /// More header rows are to be repeated than the table has rows.
    case badHeaderRowCount(requested: Int, rows: Int)

    /// A short English explanation.
    public var description: String {
        switch self {
        case .badColumnWidths(let widths):
            "the column widths \(widths) must be one or more positive numbers of points"
        case .badColumnSpan(let row, let cell, let span):
            "cell \(cell + 1) of row \(row + 1) spans \(span) columns; a span must be at least 1"
        case .spanMismatch(let row, let spanned, let columns):
            "row \(row + 1) spans \(spanned) columns but the table has \(columns)"
        case .cellTooNarrow(let row, let cell, let width):
            "cell \(cell + 1) of row \(row + 1) is \(width) pt wide, too narrow for its padding"
        case .rowTooTall(let row, let height, let available):
            "row \(row + 1) is \(Self.points(height)) pt tall but a page has room for \(Self.points(available)) pt"
        case .badHeaderRowCount(let requested, let rows):
            "\(requested) header rows are to be repeated but the table has \(rows) rows"
        }
    }

    /// The same explanation in Chinese.
    public var chinese: String {
        switch self {
        case .badColumnWidths(let widths):
            "列宽 \(widths) 必须是一个或多个正数（单位：点）"
        case .badColumnSpan(let row, let cell, let span):
            "第 \(row + 1) 行第 \(cell + 1) 格跨 \(span) 列；跨列数至少为 1"
        case .spanMismatch(let row, let spanned, let columns):
            "第 \(row + 1) 行共跨 \(spanned) 列，但表格有 \(columns) 列"
        case .cellTooNarrow(let row, let cell, let width):
            "第 \(row + 1) 行第 \(cell + 1) 格宽 \(width) 点，扣除内边距后放不下文字"
        case .rowTooTall(let row, let height, let available):
            "第 \(row + 1) 行高 \(Self.points(height)) 点，但一页只能容纳 \(Self.points(available)) 点（行不会跨页拆分）"
        case .badHeaderRowCount(let requested, let rows):
            "要求每页重复 \(requested) 个表头行，但表格只有 \(rows) 行"
        }
    }

    /// A length in points, to a tenth.
    private static func points(_ value: Double) -> String {
        "\((value * 10).rounded() / 10)"
    }
}

extension PrintError: CustomStringConvertible {
    /// The English message, then the Chinese one, on two lines.
    public var description: String { english + "\n" + chinese }

    /// What went wrong and what to do, in English.
    public var english: String {
        switch self {
        case .cannotWrite(let path, let operation, let errno):
            return "Cannot write the PDF '\(path)': \(operation) failed: \(errno.description) (errno \(errno.rawValue)). Check that the folder exists, is writable and has free space."
        case .cairo(let failure, let path):
            let place = path.map { " while writing '\($0)'" } ?? ""
            return "cairo error\(place): \(failure)."
        case .emptyDocument(let path):
            return "The PDF '\(path)' has no page; begin a page before finishing it."
        case .documentFinished(let path):
            return "The PDF '\(path)' is already finished (or failed to finish); start a new document."
        case .fontMissing(let family):
            return "The font family '\(family)' is not installed. Install it (Chinese text needs fonts-noto-cjk: apt-get install fonts-noto-cjk, or run scripts/setup.sh), or choose an installed family."
        case .fontLacksChinese(let family, let sample):
            return "The font family '\(family)' has no glyphs for Chinese text (tried '\(sample)'). Use a CJK family such as 'Noto Sans CJK SC' (apt-get install fonts-noto-cjk)."
        case .glyphsMissing(let text, let family, let count):
            return "\(count) character(s) of '\(text)' have no glyph in '\(family)' or any installed font and would print as empty boxes. Install a font that has them (for rare characters of CJK Extension B: apt-get install fonts-hanazono) or correct the text."
        case .invalidTable(let problem):
            return "The table cannot be laid out: \(problem)."
        case .cannotRead(let path, let errno):
            return "Cannot read the image '\(path)': \(errno.description) (errno \(errno.rawValue))."
        case .unsupportedImage(let source, let leadingBytes):
            let hex = leadingBytes.map { String($0, radix: 16, uppercase: false) }.joined(separator: " ")
            return "The image \(source) is neither PNG nor JPEG (it starts with bytes \(hex)); convert it to PNG or JPEG."
        case .imageUnreadable(let source, let format, let message):
            return "The \(format) image \(source) cannot be decoded: \(message). Re-save or re-scan it."
        case .imageTooLarge(let source, let width, let height, let bytes):
            if width == 0 && height == 0 {
                return "The image \(source) is \(bytes) bytes, more than the limit of \(RasterImage.maxFileSize) bytes; scale it down."
            }
            return "The image \(source) is \(width)×\(height) pixels, more than the limit (\(RasterImage.maxDimension) per side, \(RasterImage.maxPixelCount) in all); scale it down."
        case .qrDataEmpty:
            return "A QR code needs at least one byte of data."
        case .qrDataTooLong(let byteCount, let level):
            return "\(byteCount) bytes do not fit in a QR code (version 40) at error correction level \(level); shorten the data or lower the level."
        case .qrEncodingFailed(let byteCount, let errno):
            return "libqrencode could not encode \(byteCount) bytes: \(errno.description) (errno \(errno.rawValue))."
        }
    }

    /// What went wrong and what to do, in Chinese.
    public var chinese: String {
        switch self {
        case .cannotWrite(let path, let operation, let errno):
            return "无法写入 PDF 文件「\(path)」：\(operation) 失败：\(errno.description)（errno \(errno.rawValue)）。请检查目录是否存在、是否可写、磁盘空间是否充足。"
        case .cairo(let failure, let path):
            let place = path.map { "写入「\($0)」时" } ?? ""
            return "\(place)cairo 出错：\(failure)。"
        case .emptyDocument(let path):
            return "PDF 文件「\(path)」没有任何页面；请先开始一页再完成文档。"
        case .documentFinished(let path):
            return "PDF 文件「\(path)」已经完成（或完成时失败）；请新建一个文档。"
        case .fontMissing(let family):
            return "未安装字体「\(family)」。请安装该字体（中文需要 fonts-noto-cjk：apt-get install fonts-noto-cjk，或运行 scripts/setup.sh），或改用已安装的字体。"
        case .fontLacksChinese(let family, let sample):
            return "字体「\(family)」没有中文字形（试用「\(sample)」）。请使用中日韩字体，例如「Noto Sans CJK SC」（apt-get install fonts-noto-cjk）。"
        case .glyphsMissing(let text, let family, let count):
            return "「\(text)」中有 \(count) 个字符在字体「\(family)」及其他已安装字体中都没有字形，打印出来会是空框。请安装包含这些字的字体（扩展 B 区生僻字：apt-get install fonts-hanazono）或更正文字。"
        case .invalidTable(let problem):
            return "表格无法排版：\(problem.chinese)。"
        case .cannotRead(let path, let errno):
            return "无法读取图片「\(path)」：\(errno.description)（errno \(errno.rawValue)）。"
        case .unsupportedImage(let source, let leadingBytes):
            let hex = leadingBytes.map { String($0, radix: 16, uppercase: false) }.joined(separator: " ")
            return "图片 \(source) 既不是 PNG 也不是 JPEG（开头字节为 \(hex)）；请转换为 PNG 或 JPEG。"
        case .imageUnreadable(let source, let format, let message):
            return "无法解码 \(format) 图片 \(source)：\(message)。请重新保存或重新扫描。"
        case .imageTooLarge(let source, let width, let height, let bytes):
            if width == 0 && height == 0 {
                return "图片 \(source) 有 \(bytes) 字节，超过上限 \(RasterImage.maxFileSize) 字节；请缩小后再用。"
            }
            return "图片 \(source) 为 \(width)×\(height) 像素，超过上限（每边 \(RasterImage.maxDimension)，总数 \(RasterImage.maxPixelCount)）；请缩小后再用。"
        case .qrDataEmpty:
            return "二维码至少需要一个字节的数据。"
        case .qrDataTooLong(let byteCount, let level):
            return "\(byteCount) 字节的数据在纠错等级 \(level) 下放不进二维码（最大版本 40）；请缩短数据或降低纠错等级。"
        case .qrEncodingFailed(let byteCount, let errno):
            return "libqrencode 无法编码 \(byteCount) 字节：\(errno.description)（errno \(errno.rawValue)）。"
        }
    }
}
