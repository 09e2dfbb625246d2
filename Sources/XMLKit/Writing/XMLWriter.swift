import CLibXML2

/// A streaming XML writer over libxml2's `xmlTextWriter`, handing its output to a sink.
///
/// Elements, attributes and text are written in document order; libxml2 escapes text
/// (`<`, `>`, `&`, carriage return) and attribute values (also quotes, tabs and line breaks),
/// writes an element with no content as `<a/>`, and buffers a few kilobytes before each call
/// to the sink, so a document of any length is produced in constant memory.
///
/// The writer refuses, before libxml2 sees them, what would make the output malformed:
/// names that are not XML names (``XMLError/invalidName(_:)``), characters XML cannot carry
/// (``XMLError/invalidCharacter(_:context:)``) and calls out of order
/// (``XMLError/misuse(_:)``). Any failure poisons the writer: later calls rethrow it.
///
/// Not `Sendable`: it owns an `xmlTextWriterPtr` (and its `xmlOutputBuffer`), which libxml2
/// does not guard, and calls its sink from whichever thread writes. Use one writer from one
/// task at a time.
public final class XMLWriter {
    private let handle: OpaquePointer
    private let output: Output
    private var openElements: [String] = []
    /// Whether the current element's start tag is still open, so attributes may follow.
    private var inStartTag = false
    private var started = false
    private var rootClosed = false
    private var failure: XMLError?
    /// Whether nothing more may be written: the document ended or a call failed.
    private var closed = false
    /// Names already checked by ``XMLCharacters/isQualifiedName(_:)``: a document uses a
    /// handful of names over and over.
    private var checkedNames: Set<String> = []

    /// Creates a writer whose output goes to `sink`.
    ///
    /// Calls `xmlInitParser` (once per process), `xmlOutputBufferCreateIO` with a write
    /// callback and `xmlNewTextWriter`.
    /// - Parameter sink: receives the output in order, in pieces of a few kilobytes (the
    ///   buffer is valid only during the call). What it throws poisons the writer with
    ///   ``XMLError/sinkFailed(_:)``.
    /// - Throws: ``XMLError/libxml2Failed(_:)`` if libxml2 cannot allocate the writer.
    public init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws(XMLError) {
        _ = LibXML2.initialised
        let output = Output(sink: sink)
        self.output = output
        let context = Unmanaged.passUnretained(output).toOpaque()
        guard
            let buffer = xmlOutputBufferCreateIO(
                { context, bytes, length in
                    guard let context else { return -1 }
                    let output = Unmanaged<Output>.fromOpaque(context).takeUnretainedValue()
                    return output.write(UnsafeRawBufferPointer(start: bytes, count: Int(max(length, 0))))
                }, nil, context, nil)
        else {
            throw .libxml2Failed(LibXML2.lastFailure(function: "xmlOutputBufferCreateIO"))
        }
        guard let writer = xmlNewTextWriter(buffer) else {
            xmlOutputBufferClose(buffer)
            throw .libxml2Failed(LibXML2.lastFailure(function: "xmlNewTextWriter"))
        }
        handle = writer
    }

    deinit {
        // xmlFreeTextWriter flushes what is still buffered; a writer dropped without
        // endDocument() must not reach a sink its owner may already have closed.
        output.discarding = true
        xmlFreeTextWriter(handle)
    }

    /// How many elements are open.
    public var depth: Int { openElements.count }

    // MARK: Writing

    /// Writes the XML declaration `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`.
    ///
    /// Calls `xmlTextWriterStartDocument`. Optional; if used, it must come first.
    /// - Throws: ``XMLError/misuse(_:)`` if anything was written before; the sink's error.
    public func startDocument() throws(XMLError) {
        try usable()
        guard !started, openElements.isEmpty else { throw poison(.misuse("startDocument() after content")) }
        started = true
        try check(xmlTextWriterStartDocument(handle, "1.0", "UTF-8", "yes"), "xmlTextWriterStartDocument")
    }

    /// Opens element `name` (a qualified name such as `worksheet` or `x:row`).
    ///
    /// Calls `xmlTextWriterStartElement`. Namespace declarations are written as attributes
    /// (`xmlns`, `xmlns:r`).
    /// - Throws: ``XMLError/invalidName(_:)``; ``XMLError/misuse(_:)`` after the root element
    ///   was closed; the sink's error.
    public func startElement(_ name: String) throws(XMLError) {
        try usable()
        guard isValidName(name) else { throw poison(.invalidName(name)) }
        if rootClosed && openElements.isEmpty {
            throw poison(.misuse("a second root element <\(name)>"))
        }
        started = true
        try check(LibXML2.withXMLString(name) { xmlTextWriterStartElement(handle, $0) }, "xmlTextWriterStartElement")
        openElements.append(name)
        inStartTag = true
    }

    /// Adds attribute `name="value"` to the element just opened; the value is escaped.
    ///
    /// Calls `xmlTextWriterWriteAttribute`.
    /// - Throws: ``XMLError/invalidName(_:)``; ``XMLError/invalidCharacter(_:context:)``;
    ///   ``XMLError/misuse(_:)`` once the element has content; the sink's error.
    public func attribute(_ name: String, _ value: String) throws(XMLError) {
        try usable()
        guard inStartTag, !openElements.isEmpty else {
            throw poison(.misuse("attribute '\(name)' outside a start tag"))
        }
        guard isValidName(name) else { throw poison(.invalidName(name)) }
        if let scalar = XMLCharacters.firstInvalidCharacter(in: value) {
            throw poison(.invalidCharacter(scalar, context: "attribute '\(name)' of <\(openElements[openElements.count - 1])>"))
        }
        try check(LibXML2.withXMLString(name) { name in
            LibXML2.withXMLString(value) { xmlTextWriterWriteAttribute(handle, name, $0) }
        }, "xmlTextWriterWriteAttribute")
    }

    /// Writes `text` as the content of the open element, escaped.
    ///
    /// Calls `xmlTextWriterWriteString`.
    /// - Throws: ``XMLError/invalidCharacter(_:context:)``; ``XMLError/misuse(_:)`` outside
    ///   an element; the sink's error.
    public func text(_ text: String) throws(XMLError) {
        try usable()
        guard !openElements.isEmpty else { throw poison(.misuse("text outside an element")) }
        if let scalar = XMLCharacters.firstInvalidCharacter(in: text) {
            throw poison(.invalidCharacter(scalar, context: "text of <\(openElements[openElements.count - 1])>"))
        }
        inStartTag = false
        try check(LibXML2.withXMLString(text) { xmlTextWriterWriteString(handle, $0) }, "xmlTextWriterWriteString")
    }

    /// Closes the innermost open element (as `<a/>` if it has no content).
    ///
    /// Calls `xmlTextWriterEndElement`.
    /// - Throws: ``XMLError/misuse(_:)`` when no element is open; the sink's error.
    public func endElement() throws(XMLError) {
        try usable()
        guard !openElements.isEmpty else { throw poison(.misuse("endElement() with no open element")) }
        try check(xmlTextWriterEndElement(handle), "xmlTextWriterEndElement")
        openElements.removeLast()
        inStartTag = false
        if openElements.isEmpty { rootClosed = true }
    }

    /// Writes a whole element: `<name a="1">text</name>`, or `<name a="1"/>` without text.
    ///
    /// Calls `xmlTextWriterWriteElement` for an element with text and no attributes, else
    /// the calls of ``startElement(_:)``, ``attribute(_:_:)``, ``text(_:)`` and ``endElement()``.
    /// - Parameters:
    ///   - name: the element's qualified name.
    ///   - attributes: name–value pairs, written in order.
    ///   - text: the content, if any.
    /// - Throws: the errors of ``startElement(_:)``, ``attribute(_:_:)`` and ``text(_:)``.
    public func element(_ name: String, attributes: [(String, String)] = [], text: String? = nil) throws(XMLError) {
        if attributes.isEmpty, let text {
            // One libxml2 call for the whole element (`xmlTextWriterWriteElement`).
            try usable()
            guard isValidName(name) else { throw poison(.invalidName(name)) }
            if rootClosed && openElements.isEmpty { throw poison(.misuse("a second root element <\(name)>")) }
            if let scalar = XMLCharacters.firstInvalidCharacter(in: text) {
                throw poison(.invalidCharacter(scalar, context: "text of <\(name)>"))
            }
            started = true
            try check(
                LibXML2.withXMLString(name) { name in LibXML2.withXMLString(text) { xmlTextWriterWriteElement(handle, name, $0) } },
                "xmlTextWriterWriteElement")
            inStartTag = false
            if openElements.isEmpty { rootClosed = true }
            return
        }
        try startElement(name)
        for (attributeName, value) in attributes { try attribute(attributeName, value) }
        if let text { try self.text(text) }
        try endElement()
    }

    /// Closes every open element, ends the document and hands everything buffered to the sink.
    ///
    /// Calls `xmlTextWriterEndDocument` and `xmlTextWriterFlush`. The writer accepts nothing
    /// afterwards.
    /// - Throws: ``XMLError/misuse(_:)`` if nothing was written; the sink's error.
    public func endDocument() throws(XMLError) {
        try usable()
        guard started else { throw poison(.misuse("endDocument() on an empty document")) }
        try check(xmlTextWriterEndDocument(handle), "xmlTextWriterEndDocument")
        openElements.removeAll()
        closed = true
        try check(xmlTextWriterFlush(handle), "xmlTextWriterFlush")
    }

    /// Hands everything buffered so far to the sink (`xmlTextWriterFlush`).
    /// - Throws: the sink's error.
    public func flush() throws(XMLError) {
        try usable()
        try check(xmlTextWriterFlush(handle), "xmlTextWriterFlush")
    }

    // MARK: Internals

    private func usable() throws(XMLError) {
        if closed {
            throw failure ?? poison(.misuse("the document has ended"))
        }
    }

    /// Whether `name` is a qualified name, asking libxml2 once per distinct name.
    private func isValidName(_ name: String) -> Bool {
        if checkedNames.contains(name) { return true }
        guard XMLCharacters.isQualifiedName(name) else { return false }
        if checkedNames.count < 256 { checkedNames.insert(name) }
        return true
    }

    private func check(_ result: Int32, _ function: String) throws(XMLError) {
        guard result < 0 else { return }
        if let error = output.error { throw poison(.sinkFailed(error)) }
        throw poison(.libxml2Failed(LibXML2.lastFailure(function: function)))
    }

    private func poison(_ error: XMLError) -> XMLError {
        failure = error
        closed = true
        return error
    }
}

/// The writer's side of libxml2's output callback. Reached from C through an unretained
/// pointer; the ``XMLWriter`` owning it keeps it alive as long as the libxml2 writer exists.
private final class Output {
    let sink: (UnsafeRawBufferPointer) throws -> Void
    var error: (any Error)?
    var discarding = false

    init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.sink = sink
    }

    /// libxml2's write callback: the bytes consumed, or -1 on error.
    func write(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        if discarding { return Int32(bytes.count) }
        if error != nil { return -1 }
        do {
            try sink(bytes)
        } catch {
            self.error = error
            return -1
        }
        return Int32(bytes.count)
    }
}
