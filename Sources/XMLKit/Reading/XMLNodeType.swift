/// The kind of node an ``XMLReader`` is on.
///
/// Mirrors libxml2's `xmlReaderTypes`, leaving out what a secure reader never reports:
/// document types and entity references are refused, CDATA sections arrive as ``text``
/// (`XML_PARSE_NOCDATA`) and attributes are read from their element.
public enum XMLNodeType: Sendable, Hashable {
    /// An element's start tag (`XML_READER_TYPE_ELEMENT`); also a whole empty element
    /// (`<a/>`), for which ``XMLReader/isEmptyElement`` is true and no ``endElement`` follows.
    case element
    /// An element's end tag (`XML_READER_TYPE_END_ELEMENT`).
    case endElement
    /// Character data, CDATA sections included (`XML_READER_TYPE_TEXT`, `XML_READER_TYPE_CDATA`).
    case text
    /// Character data that is only white space (`XML_READER_TYPE_WHITESPACE`,
    /// `XML_READER_TYPE_SIGNIFICANT_WHITESPACE`); its value is kept.
    case whitespace
    /// A comment (`XML_READER_TYPE_COMMENT`).
    case comment
    /// A processing instruction other than the XML declaration
    /// (`XML_READER_TYPE_PROCESSING_INSTRUCTION`).
    case processingInstruction
}

/// One attribute of an element, as read by ``XMLReader/attributes``.
public struct XMLAttribute: Sendable, Hashable {
    /// The attribute's local name (`id` for `r:id`).
    public var localName: String
    /// The namespace URI its prefix is bound to, or `nil` for an unprefixed attribute.
    public var namespaceURI: String?
    /// The attribute's value, with entity and character references resolved.
    public var value: String

    /// Creates an attribute record.
    public init(localName: String, namespaceURI: String?, value: String) {
        self.localName = localName
        self.namespaceURI = namespaceURI
        self.value = value
    }
}
