import XMLKit

/// The libxml2 reader (XMLKit) on a document: every node, attribute and text, under small
/// limits (the parts of an xlsx file arrive through it).
enum XMLTarget {
    static let target = FuzzTarget(name: "xml", summary: "XMLReader over libxml2: every node, attribute and text") { input in
        let limits = XMLLimits(maxDepth: 64, maxTextBytes: 1 << 16, maxElementCount: 10_000, maxAttributeCount: 64, maxInputBytes: 1 << 20)
        guard let reader = try? XMLReader(bytes: Array(input), documentName: "fuzz.xml", limits: limits) else { return }
        do {
            while let node = try reader.next() {
                _ = (node, reader.localName, reader.qualifiedName, reader.namespaceURI, reader.depth, reader.line, reader.column)
                for attribute in reader.attributes { _ = attribute }
                if reader.isElement("t") { _ = try reader.readText() }
            }
        } catch {
            _ = String(describing: error)
        }
    }
}
