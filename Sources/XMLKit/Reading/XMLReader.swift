import CLibXML2

/// A streaming pull reader for untrusted XML, over libxml2's `xmlTextReader`.
///
/// The document's bytes come from a function the caller gives (`xmlReaderForIO` with a
/// read callback), so XML can be parsed straight out of an archive entry or a socket without
/// a temporary file; only the node being looked at is kept in memory. ``next()`` moves from
/// node to node; the properties describe the current node.
///
/// Secure by default, whatever the document says:
/// - no DTD at all: a `<!DOCTYPE` is refused ( ``XMLError/doctypeRefused(line:column:)``)
///   by a check on the raw bytes before libxml2 parses it, and again if libxml2 ever
///   reports a document type node; so no entity is ever declared, expanded ("billion
///   laughs") or loaded from a file or URL (XXE). The parser options leave out
///   `XML_PARSE_NOENT`, `XML_PARSE_DTDLOAD`, `XML_PARSE_DTDATTR` and `XML_PARSE_HUGE`, and
///   include `XML_PARSE_NONET`;
/// - only ASCII-compatible encodings and UTF-16 (``XMLError/unsupportedEncoding(_:)``);
/// - ``XMLLimits`` on depth, text size, element and attribute counts and input size.
///
/// Errors carry libxml2's own message, line and column, collected through a structured error
/// handler set on this reader alone (`xmlTextReaderSetStructuredErrorHandler`): no
/// process-wide handler is touched, so readers on different threads never see each other's
/// errors. Any error poisons the reader: later calls rethrow it.
///
/// Not `Sendable`: it owns an `xmlTextReaderPtr`, whose parser state libxml2 does not
/// guard, and it calls its source from whichever thread calls ``next()``. Use one reader
/// from one task at a time; separate readers may run on separate threads.
public final class XMLReader {
    /// The limits enforced on this document.
    public let limits: XMLLimits
    /// The name given for the document in error messages (e.g. `xl/worksheets/sheet1.xml`).
    public let documentName: String?

    private let handle: OpaquePointer
    private let input: Input
    private var failure: XMLError?
    private var atEnd = false
    private var elementCount = 0
    /// The kind of the current node, or `nil` before the first ``next()`` and after the end.
    public private(set) var nodeType: XMLNodeType?

    /// Starts reading a document whose bytes `source` delivers.
    ///
    /// Calls `xmlInitParser` (once per process), `xmlReaderForIO` with
    /// `XML_PARSE_NONET | XML_PARSE_NOCDATA`, and `xmlTextReaderSetStructuredErrorHandler`.
    /// - Parameters:
    ///   - documentName: how errors name the document; also passed to libxml2 as its URL,
    ///     which is never fetched.
    ///   - limits: the bounds to enforce; ``XMLLimits/default`` unless given.
    ///   - source: fills the buffer it is given with the document's next bytes and returns
    ///     how many it wrote (at most the buffer's size), or 0 at the end of the document.
    ///     It is called during ``next()`` (and once here), from the caller's thread. What it
    ///     throws ends reading with ``XMLError/sourceFailed(_:)``.
    /// - Throws: ``XMLError/libxml2Failed(_:)`` if libxml2 cannot create the reader (out of
    ///   memory); any refusal of the first bytes (``XMLError/doctypeRefused(line:column:)``,
    ///   ``XMLError/unsupportedEncoding(_:)``, ``XMLError/sourceFailed(_:)`` …).
    public convenience init(
        documentName: String? = nil, limits: XMLLimits = .default,
        source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws(XMLError) {
        try self.init(documentName: documentName, limits: limits, checkingProlog: true, source: source)
    }

    /// The designated initialiser. `checkingProlog: false` turns off the byte-level DOCTYPE
    /// check, leaving only the refusal of libxml2's document type node: tests use it to show
    /// that the second line of defence holds on its own.
    init(
        documentName: String?, limits: XMLLimits, checkingProlog: Bool,
        source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws(XMLError) {
        _ = LibXML2.initialised
        self.limits = limits
        self.documentName = documentName
        let input = Input(source: source, maxBytes: limits.maxInputBytes, documentName: documentName)
        input.checksProlog = checkingProlog
        self.input = input
        let context = Unmanaged.passUnretained(input).toOpaque()
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue)
        let made = xmlReaderForIO(
            { context, buffer, length in
                guard let context, let buffer, length > 0 else { return -1 }
                let input = Unmanaged<Input>.fromOpaque(context).takeUnretainedValue()
                return input.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
            }, nil, context, documentName, nil, options)
        guard let made else {
            if let error = input.error { throw error }
            throw .libxml2Failed(LibXML2.lastFailure(function: "xmlReaderForIO"))
        }
        handle = made
        // From here on deinit frees the reader.
        xmlTextReaderSetStructuredErrorHandler(
            handle,
            { context, error in
                guard let context, let error else { return }
                let input = Unmanaged<Input>.fromOpaque(context).takeUnretainedValue()
                input.record(UnsafePointer(error))
            }, context)
        if let error = input.error {
            failure = error
            throw error
        }
    }

    /// Starts reading a document held in memory; see ``init(documentName:limits:source:)``.
    ///
    /// The bytes go through the same read callback and checks as any other source.
    public convenience init(bytes: [UInt8], documentName: String? = nil, limits: XMLLimits = .default) throws(XMLError) {
        let cursor = MemoryCursor(bytes)
        try self.init(documentName: documentName, limits: limits, source: { cursor.read(into: $0) })
    }

    deinit {
        xmlFreeTextReader(handle)
    }

    // MARK: Moving

    /// Moves to the next node in document order and returns its kind, or `nil` at the end.
    ///
    /// Calls `xmlTextReaderRead` and `xmlTextReaderNodeType`, then checks the node against
    /// the limits (elements: depth, count, attributes via `xmlTextReaderAttributeCount`;
    /// text: size). Document type nodes and entity references are refused.
    /// - Returns: the new current node's kind, or `nil` after the end of the document.
    /// - Throws: ``XMLError/malformed(_:)`` with libxml2's message, line and column; the
    ///   refusals ``XMLError/doctypeRefused(line:column:)``,
    ///   ``XMLError/entityReferenceRefused(name:line:column:)``,
    ///   ``XMLError/limitExceeded(_:limit:line:column:)``,
    ///   ``XMLError/unsupportedEncoding(_:)``; ``XMLError/sourceFailed(_:)``.
    @discardableResult
    public func next() throws(XMLError) -> XMLNodeType? {
        if let failure { throw failure }
        if atEnd { return nil }
        while true {
            let result = xmlTextReaderRead(handle)
            if let error = input.error { throw fail(positioned(error)) }
            if result < 0 {
                throw fail(.malformed(input.parseFailure ?? LibXML2.lastFailure(function: "xmlTextReaderRead")))
            }
            if result == 0 {
                if let parseFailure = input.parseFailure { throw fail(.malformed(parseFailure)) }
                atEnd = true
                nodeType = nil
                return nil
            }
            if let parseFailure = input.parseFailure { throw fail(.malformed(parseFailure)) }
            let type = UInt32(bitPattern: xmlTextReaderNodeType(handle))
            switch type {
            case XML_READER_TYPE_ELEMENT.rawValue:
                elementCount += 1
                if elementCount > limits.maxElementCount {
                    throw fail(limit(.elementCount, Int64(limits.maxElementCount)))
                }
                if depth > limits.maxDepth { throw fail(limit(.depth, Int64(limits.maxDepth))) }
                if Int(xmlTextReaderAttributeCount(handle)) > limits.maxAttributeCount {
                    throw fail(limit(.attributeCount, Int64(limits.maxAttributeCount)))
                }
                nodeType = .element
            case XML_READER_TYPE_END_ELEMENT.rawValue:
                nodeType = .endElement
            case XML_READER_TYPE_TEXT.rawValue, XML_READER_TYPE_CDATA.rawValue:
                try checkTextSize()
                nodeType = .text
            case XML_READER_TYPE_WHITESPACE.rawValue, XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue:
                try checkTextSize()
                nodeType = .whitespace
            case XML_READER_TYPE_COMMENT.rawValue:
                try checkTextSize()
                nodeType = .comment
            case XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue:
                try checkTextSize()
                nodeType = .processingInstruction
            case XML_READER_TYPE_DOCUMENT_TYPE.rawValue:
                throw fail(.doctypeRefused(line: line, column: column))
            case XML_READER_TYPE_ENTITY_REFERENCE.rawValue, XML_READER_TYPE_ENTITY.rawValue,
                XML_READER_TYPE_END_ENTITY.rawValue:
                throw fail(.entityReferenceRefused(name: qualifiedName, line: line, column: column))
            default:
                // Notations, document and fragment nodes: nothing a caller reads. Move on.
                continue
            }
            return nodeType
        }
    }

    /// Reads the text inside the current element, up to and including its end tag, and
    /// returns it; the reader is then on that end tag (or still on an empty element).
    ///
    /// Text and white space of all descendants are joined, like the DOM's `textContent`.
    /// - Returns: the element's text; empty for an empty element.
    /// - Throws: ``XMLError/misuse(_:)`` if the current node is not an element;
    ///   ``XMLError/limitExceeded(_:limit:line:column:)`` (``XMLLimit/textSize``) if the text
    ///   together exceeds ``XMLLimits/maxTextBytes``; the errors of ``next()``.
    public func readText() throws(XMLError) -> String {
        guard nodeType == .element else { throw .misuse("readText() called on a node that is not an element") }
        if isEmptyElement { return "" }
        let start = depth
        var text = ""
        var bytes = 0
        while let type = try next() {
            switch type {
            case .text, .whitespace:
                let piece = value ?? ""
                bytes += piece.utf8.count
                if bytes > limits.maxTextBytes { throw fail(limit(.textSize, Int64(limits.maxTextBytes))) }
                text += piece
            case .endElement where depth == start:
                return text
            default:
                break
            }
        }
        throw fail(.malformed(input.parseFailure ?? LibXML2Failure(
            code: -1, domain: 0, message: "the document ended inside an element", line: line, column: column,
            document: documentName)))
    }

    /// Skips the rest of the current element, so the reader is on its end tag (or still on
    /// an empty element). Every skipped node is still parsed and checked against the limits.
    /// - Throws: ``XMLError/misuse(_:)`` if the current node is not an element; the
    ///   errors of ``next()``.
    public func skipElement() throws(XMLError) {
        guard nodeType == .element else { throw .misuse("skipElement() called on a node that is not an element") }
        if isEmptyElement { return }
        let start = depth
        while let type = try next() {
            if type == .endElement && depth == start { return }
        }
    }

    // MARK: The current node

    /// The local name of the current element or attribute (`id` for `r:id`); the target of
    /// a processing instruction; `#text` and the like otherwise (`xmlTextReaderConstLocalName`).
    public var localName: String {
        LibXML2.string(xmlTextReaderConstLocalName(handle)) ?? ""
    }

    /// The qualified name as written (`r:id`), from `xmlTextReaderConstName`.
    public var qualifiedName: String {
        LibXML2.string(xmlTextReaderConstName(handle)) ?? ""
    }

    /// The namespace URI of the current element, or `nil` when it has none
    /// (`xmlTextReaderConstNamespaceUri`).
    public var namespaceURI: String? {
        LibXML2.string(xmlTextReaderConstNamespaceUri(handle))
    }

    /// The text of a text, white space, comment or processing instruction node; `nil` for
    /// elements (`xmlTextReaderConstValue`).
    public var value: String? {
        guard nodeType != .element && nodeType != .endElement else { return nil }
        return LibXML2.string(xmlTextReaderConstValue(handle))
    }

    /// The nesting depth of the current node: 0 for the root element, 1 for its children …
    /// (`xmlTextReaderDepth`).
    public var depth: Int {
        Int(xmlTextReaderDepth(handle))
    }

    /// Whether the current element was written as an empty element (`<a/>`), so no end tag
    /// follows (`xmlTextReaderIsEmptyElement`).
    public var isEmptyElement: Bool {
        nodeType == .element && xmlTextReaderIsEmptyElement(handle) == 1
    }

    /// The line the parser has reached (`xmlTextReaderGetParserLineNumber`), at or just
    /// after the current node.
    public var line: Int {
        Int(xmlTextReaderGetParserLineNumber(handle))
    }

    /// The column the parser has reached (`xmlTextReaderGetParserColumnNumber`).
    public var column: Int {
        Int(xmlTextReaderGetParserColumnNumber(handle))
    }

    /// Whether the current node is an element named `localName` in namespace `namespace`
    /// (any namespace when `namespace` is `nil`).
    public func isElement(_ localName: String, namespace: String? = nil) -> Bool {
        guard nodeType == .element, hasLocalName(localName) else { return false }
        return namespace.map(hasNamespace) ?? true
    }

    /// Whether the current node's local name is `name`, compared in place with `xmlStrEqual`
    /// (no string is made).
    public func hasLocalName(_ name: String) -> Bool {
        guard let current = xmlTextReaderConstLocalName(handle) else { return false }
        return LibXML2.withXMLString(name) { xmlStrEqual(current, $0) == 1 }
    }

    /// Whether the current node's namespace URI is `uri`, compared in place with `xmlStrEqual`.
    ///
    /// libxml2's reader returns names interned in its dictionary, so a URI that matched
    /// once is recognised again by its address alone.
    public func hasNamespace(_ uri: String) -> Bool {
        guard let current = xmlTextReaderConstNamespaceUri(handle) else { return false }
        if current == matchedNamespace.pointer, uri == matchedNamespace.uri { return true }
        let equal = LibXML2.withXMLString(uri) { xmlStrEqual(current, $0) == 1 }
        if equal { matchedNamespace = (uri, current) }
        return equal
    }

    private var matchedNamespace: (uri: String, pointer: UnsafePointer<xmlChar>?) = ("", nil)

    /// The value of the current element's attribute `localName` in namespace `namespace`
    /// (`nil`: an unprefixed attribute), or `nil` if it has none.
    ///
    /// Calls `xmlTextReaderGetAttribute` (unprefixed attributes, whose qualified name is
    /// their local name) or `xmlTextReaderGetAttributeNs`, and frees the copy it returns.
    public func attribute(_ localName: String, namespace: String? = nil) -> String? {
        guard nodeType == .element else { return nil }
        let value = LibXML2.withXMLString(localName) { name in
            if let namespace {
                return LibXML2.withXMLString(namespace) { xmlTextReaderGetAttributeNs(handle, name, $0) }
            }
            return xmlTextReaderGetAttribute(handle, name)
        }
        guard let value else { return nil }
        defer { enroll_xmlFree(value) }
        return String(cString: value)
    }

    /// The attributes of the current element, in document order, without namespace
    /// declarations (`xmlns`, `xmlns:r`); empty for other nodes.
    ///
    /// Walks the attributes with `xmlTextReaderMoveToFirstAttribute` /
    /// `xmlTextReaderMoveToNextAttribute` and returns with `xmlTextReaderMoveToElement`.
    public var attributes: [XMLAttribute] {
        var all: [XMLAttribute] = []
        forEachAttribute { name, uri, value in
            all.append(XMLAttribute(localName: name, namespaceURI: uri, value: value()))
        }
        return all
    }

    private static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

    private func forEachAttribute(_ body: (String, String?, () -> String) -> Void) {
        guard nodeType == .element, xmlTextReaderHasAttributes(handle) == 1 else { return }
        defer { xmlTextReaderMoveToElement(handle) }
        var more = xmlTextReaderMoveToFirstAttribute(handle)
        while more == 1 {
            let uri = LibXML2.string(xmlTextReaderConstNamespaceUri(handle))
            if uri != Self.xmlnsNamespace {
                let name = LibXML2.string(xmlTextReaderConstLocalName(handle)) ?? ""
                body(name, uri) { LibXML2.string(xmlTextReaderConstValue(self.handle)) ?? "" }
            }
            more = xmlTextReaderMoveToNextAttribute(handle)
        }
    }

    // MARK: Failures

    private func checkTextSize() throws(XMLError) {
        guard let text = xmlTextReaderConstValue(handle) else { return }
        if xmlStrlen(text) > limits.maxTextBytes { throw fail(limit(.textSize, Int64(limits.maxTextBytes))) }
    }

    private func limit(_ which: XMLLimit, _ value: Int64) -> XMLError {
        .limitExceeded(which, limit: value, line: line, column: column)
    }

    /// Errors raised in the read callback know no position: give them the parser's.
    private func positioned(_ error: XMLError) -> XMLError {
        if case .limitExceeded(let which, let value, 0, 0) = error {
            return .limitExceeded(which, limit: value, line: line, column: column)
        }
        return error
    }

    private func fail(_ error: XMLError) -> XMLError {
        failure = error
        nodeType = nil
        return error
    }
}

/// The reader's side of libxml2's callbacks: the source, the prolog guard, the byte count
/// and the first error of each kind. Reached from C through an unretained pointer; the
/// ``XMLReader`` owning it keeps it alive for as long as the libxml2 reader exists.
private final class Input {
    let source: (UnsafeMutableRawBufferPointer) throws -> Int
    let maxBytes: Int64
    let documentName: String?
    var prologGuard = PrologGuard()
    var checksProlog = true
    var bytesRead: Int64 = 0
    var finished = false
    /// A refusal or source failure raised in the read callback.
    var error: XMLError?
    /// The first error (not warning) libxml2 reported.
    var parseFailure: LibXML2Failure?

    init(source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int, maxBytes: Int64, documentName: String?) {
        self.source = source
        self.maxBytes = maxBytes
        self.documentName = documentName
    }

    /// libxml2's read callback: bytes written, 0 at the end, -1 on error.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        if error != nil { return -1 }
        if finished { return 0 }
        let count: Int
        do {
            count = try source(buffer)
        } catch {
            self.error = .sourceFailed(error)
            return -1
        }
        precondition(count >= 0 && count <= buffer.count, "an XML source returned \(count) for a buffer of \(buffer.count) bytes")
        if count == 0 {
            if checksProlog { prologGuard.finish() }
            if case .refused(let refusal) = prologGuard.verdict {
                error = refusal
                return -1
            }
            finished = true
            return 0
        }
        bytesRead += Int64(count)
        if bytesRead > maxBytes {
            error = .limitExceeded(.inputSize, limit: maxBytes, line: 0, column: 0)
            return -1
        }
        if checksProlog && prologGuard.isUndecided {
            prologGuard.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            if case .refused(let refusal) = prologGuard.verdict {
                error = refusal
                return -1
            }
        }
        return Int32(count)
    }

    /// The structured error handler's body: keeps the first error-level report.
    func record(_ report: UnsafePointer<xmlError>) {
        guard parseFailure == nil, report.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
        parseFailure = LibXML2.failure(report, document: documentName)
    }
}

/// Serves bytes held in memory to a reader.
private final class MemoryCursor {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + count]))
        }
        offset += count
        return count
    }
}
