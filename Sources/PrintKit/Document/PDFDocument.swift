import CCairo
import CPango

/// A PDF being written: pages of text, lines, tables, images and QR codes.
///
/// Drawing uses points from the top-left corner of the current page. Text goes through
/// pango with the document's CJK family (checked when the document is created), so Chinese
/// is rendered with an embedded subset of that font and stays extractable (cairo writes a
/// `ToUnicode` map). The PDF is streamed into a temporary file beside `path`; ``finish()``
/// completes it, syncs it and renames it over `path`, so a failure never leaves a partial
/// PDF at `path`. A document dropped without ``finish()`` removes its temporary file.
///
/// ```swift
/// let document = try PDFDocument(path: "form.pdf", metadata: PDFMetadata(title: "学龄人口信息采集表"))
/// document.beginPage()
/// try document.drawText("学龄人口信息采集表", at: Point(x: 40, y: 40), style: TextStyle(size: 18).bold())
/// try document.finish()
/// ```
///
/// Owns a cairo PDF surface (`cairo_pdf_surface_create_for_stream`) and a cairo context
/// (`cairo_create`), destroyed in deinit, and a pango font map and context. Not `Sendable`:
/// none of these may be used from two threads at once; give each task its own document.
public final class PDFDocument {
    /// The PDF's path.
    public let path: String
    /// The size of pages begun without a size of their own.
    public let pageSize: PageSize
    /// The size of the current page.
    public private(set) var currentPageSize: PageSize
    /// The margins that ``draw(_:at:)`` breaks tables at; ``Margins/standard`` unless set.
    public var margins: Margins = .standard
    /// The family of text whose style names none; installed and able to set Chinese.
    public var fontFamily: String { text.defaultFamily }
    /// Pages begun so far.
    public private(set) var pageCount = 0

    let surface: OpaquePointer
    let context: OpaquePointer
    let text: TextEngine
    private let output: OutputFile
    private var state = State.open

    private enum State {
        case open
        case finished
    }

    /// Creates a PDF at `path`, checks the CJK font, and sets the metadata.
    ///
    /// Creates the temporary file, then calls `cairo_pdf_surface_create_for_stream`,
    /// `cairo_create` and `cairo_pdf_surface_set_metadata` for each field given. Begin the
    /// first page with ``beginPage(size:)``.
    /// - Parameters:
    ///   - path: where the finished PDF goes; its directory must exist and be writable. An
    ///     existing file there is replaced when the document is finished.
    ///   - pageSize: the size of pages; A4 unless given.
    ///   - metadata: title, author and so on.
    ///   - fontFamily: the CJK family for text whose style names none;
    ///     ``TextStyle/defaultFamily`` ("Noto Sans CJK SC") unless given.
    /// - Throws: ``PrintError/fontMissing(family:)`` or
    ///   ``PrintError/fontLacksChinese(family:sample:)`` when `fontFamily` is not
    ///   installed or cannot set Chinese; ``PrintError/cannotWrite(path:operation:errno:)``
    ///   when the file cannot be created; ``PrintError/cairo(_:path:)`` when cairo fails.
    public init(
        path: String, pageSize: PageSize = .a4, metadata: PDFMetadata = PDFMetadata(),
        fontFamily: String = TextStyle.defaultFamily
    ) throws(PrintError) {
        let text = TextEngine(defaultFamily: fontFamily)
        try text.requireCJK(fontFamily)
        let output = try OutputFile(path: path)
        let surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                let output = Unmanaged<OutputFile>.fromOpaque(closure!).takeUnretainedValue()
                return output.write(UnsafeRawBufferPointer(start: data, count: Int(length)))
                    ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR
            }, Unmanaged.passUnretained(output).toOpaque(), pageSize.width, pageSize.height)!
        if let failure = Cairo.failure(surface: surface, function: "cairo_pdf_surface_create_for_stream") {
            output.discarding = true
            cairo_surface_destroy(surface)
            throw .cairo(failure, path: path)
        }
        let context = cairo_create(surface)!
        if let failure = Cairo.failure(context: context, function: "cairo_create") {
            output.discarding = true
            cairo_destroy(context)
            cairo_surface_destroy(surface)
            throw .cairo(failure, path: path)
        }
        self.path = path
        self.pageSize = pageSize
        self.currentPageSize = pageSize
        self.text = text
        self.output = output
        self.surface = surface
        self.context = context
        Self.setMetadata(metadata, on: surface)
    }

    deinit {
        if state == .open {
            // Abandoned: cairo's last output goes nowhere and the temporary file is removed.
            output.discarding = true
        }
        cairo_destroy(context)
        cairo_surface_destroy(surface)
        output.discard()
    }

    // MARK: Pages

    /// Ends the current page, if there is one, and begins a new one.
    ///
    /// Calls `cairo_show_page` for the page being ended (an empty page is kept as a blank
    /// page) and `cairo_pdf_surface_set_size` for the new one.
    /// - Parameter size: the new page's size; ``pageSize`` unless given.
    /// - Precondition: the document is not finished.
    public func beginPage(size: PageSize? = nil) {
        requireOpen()
        if pageCount > 0 {
            cairo_show_page(context)
        }
        let size = size ?? pageSize
        cairo_pdf_surface_set_size(surface, size.width, size.height)
        currentPageSize = size
        pageCount += 1
    }

    /// The part of the current page inside ``margins``.
    public var contentFrame: Rect {
        Rect(
            x: margins.left, y: margins.top, width: currentPageSize.width - margins.left - margins.right,
            height: currentPageSize.height - margins.top - margins.bottom)
    }

    /// Completes the PDF and moves it to ``path``.
    ///
    /// Calls `cairo_show_page` for the last page and `cairo_surface_finish`, checks
    /// `cairo_status` and `cairo_surface_status`, then fsyncs the temporary file and renames
    /// it over ``path``. On any failure the temporary file is removed and nothing is left
    /// at ``path`` (a file that was there before is untouched).
    /// - Throws: ``PrintError/emptyDocument(path:)`` when no page was begun;
    ///   ``PrintError/cannotWrite(path:operation:errno:)`` when writing, syncing or renaming
    ///   fails; ``PrintError/cairo(_:path:)`` when cairo reports an error, including one
    ///   that an earlier drawing call left on the context (e.g. a negative dash length);
    ///   ``PrintError/documentFinished(path:)`` when called twice.
    public func finish() throws(PrintError) {
        guard state == .open else { throw .documentFinished(path: path) }
        guard pageCount > 0 else { throw .emptyDocument(path: path) }
        state = .finished
        cairo_show_page(context)
        // A drawing call that failed (an invalid dash, say) left its status on the context.
        let drawing = Cairo.failure(context: context, function: "cairo_status")
        cairo_surface_finish(surface)
        if let writeError = output.writeError {
            output.discard()
            throw .cannotWrite(path: path, operation: "write \(output.temporaryPath)", errno: writeError)
        }
        if let failure = drawing ?? Cairo.failure(surface: surface, function: "cairo_surface_finish") {
            output.discard()
            throw .cairo(failure, path: path)
        }
        try output.commit()
    }

    /// Stops with a clear message when drawing on a finished document or before a page.
    func requirePage() {
        requireOpen()
        precondition(pageCount > 0, "PDFDocument '\(path)': call beginPage() before drawing")
    }

    private func requireOpen() {
        precondition(state == .open, "PDFDocument '\(path)' is finished; start a new document")
    }

    private static func setMetadata(_ metadata: PDFMetadata, on surface: OpaquePointer) {
        let fields: [(cairo_pdf_metadata_t, String?)] = [
            (CAIRO_PDF_METADATA_TITLE, metadata.title),
            (CAIRO_PDF_METADATA_AUTHOR, metadata.author),
            (CAIRO_PDF_METADATA_SUBJECT, metadata.subject),
            (CAIRO_PDF_METADATA_KEYWORDS, metadata.keywords),
            (CAIRO_PDF_METADATA_CREATOR, metadata.creator),
            (CAIRO_PDF_METADATA_CREATE_DATE, metadata.creationDate.map(PDFMetadata.iso8601)),
            (CAIRO_PDF_METADATA_MOD_DATE, metadata.modificationDate.map(PDFMetadata.iso8601)),
        ]
        for (field, value) in fields {
            if let value { cairo_pdf_surface_set_metadata(surface, field, value) }
        }
    }
}
