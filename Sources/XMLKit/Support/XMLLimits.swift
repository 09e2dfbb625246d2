/// Upper bounds an ``XMLReader`` enforces on an untrusted document.
///
/// They are checked as the document streams, so a refused document has cost at most about
/// one limit's worth of memory. libxml2's own safety limits stay on as well (the reader never
/// passes `XML_PARSE_HUGE`): at most 256 levels of nesting, 10,000,000 bytes in one text
/// node and 50,000 bytes in one name.
public struct XMLLimits: Sendable, Hashable {
    /// Deepest element nesting; the root element is at depth 0. Default 64.
    public var maxDepth: Int
    /// Longest text node, in UTF-8 bytes; also bounds ``XMLReader/readText()``. Default 1 MiB.
    public var maxTextBytes: Int
    /// Most elements in the document. Default 50,000,000.
    public var maxElementCount: Int
    /// Most attributes on one element (namespace declarations included). Default 256.
    public var maxAttributeCount: Int
    /// Largest document, in bytes as delivered by the source. Default 1 GiB.
    public var maxInputBytes: Int64

    /// Creates limits; every parameter defaults to the documented default.
    public init(
        maxDepth: Int = 64,
        maxTextBytes: Int = 1 << 20,
        maxElementCount: Int = 50_000_000,
        maxAttributeCount: Int = 256,
        maxInputBytes: Int64 = 1 << 30
    ) {
        self.maxDepth = maxDepth
        self.maxTextBytes = maxTextBytes
        self.maxElementCount = maxElementCount
        self.maxAttributeCount = maxAttributeCount
        self.maxInputBytes = maxInputBytes
    }

    /// The defaults listed on each property.
    public static let `default` = XMLLimits()
}
