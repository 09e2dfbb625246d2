import Testing

@testable import XMLKit

@Suite("XMLReader: well-formed documents")
struct ReaderTests {
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    static let workbook = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <!-- made by hand -->
        <workbook xmlns="\(main)" xmlns:r="\(relationships)">
          <sheets><sheet name="学生 &amp; 家长" sheetId="1" r:id="rId1"/></sheets>
          <x:ext xmlns:x="urn:example">a<![CDATA[<b>]]>&#x4E2D;&lt;</x:ext>
        </workbook>
        """

    @Test("nodes, names, namespaces, depths and text come out in document order")
    func walksTheDocument() throws {
        let reader = try XMLReader(bytes: Array(Self.workbook.utf8))
        let all = try nodes(of: reader).filter { $0.type != .whitespace }
        #expect(all == [
            Node(type: .comment, depth: 0, name: "", value: " made by hand "),
            Node(type: .element, depth: 0, name: "workbook", namespace: Self.main),
            Node(type: .element, depth: 1, name: "sheets", namespace: Self.main),
            Node(type: .element, depth: 2, name: "sheet", namespace: Self.main),
            Node(type: .endElement, depth: 1, name: "sheets", namespace: Self.main),
            Node(type: .element, depth: 1, name: "ext", namespace: "urn:example"),
            Node(type: .text, depth: 2, name: "", value: "a<b>中<"),
            Node(type: .endElement, depth: 1, name: "ext", namespace: "urn:example"),
            Node(type: .endElement, depth: 0, name: "workbook", namespace: Self.main),
        ])
        #expect(try reader.next() == nil)
    }

    @Test("attributes are found by local name and namespace; namespace declarations are not attributes")
    func attributes() throws {
        let reader = try XMLReader(bytes: Array(Self.workbook.utf8))
        while try reader.next() != nil, !reader.isElement("sheet", namespace: Self.main) {}
        #expect(reader.isEmptyElement)
        #expect(reader.attribute("name") == "学生 & 家长")
        #expect(reader.attribute("id", namespace: Self.relationships) == "rId1")
        #expect(reader.attribute("id") == nil)
        #expect(reader.attribute("missing") == nil)
        #expect(reader.attributes == [
            XMLAttribute(localName: "name", namespaceURI: nil, value: "学生 & 家长"),
            XMLAttribute(localName: "sheetId", namespaceURI: nil, value: "1"),
            XMLAttribute(localName: "id", namespaceURI: Self.relationships, value: "rId1"),
        ])
        // Looking at attributes leaves the reader on the element.
        #expect(reader.localName == "sheet")
        #expect(try reader.next() == .endElement)
        #expect(reader.localName == "sheets")

        let root = try XMLReader(bytes: Array(Self.workbook.utf8))
        while try root.next() != .element {}
        #expect(root.attributes.isEmpty, "xmlns and xmlns:r are declarations, not attributes")
    }

    @Test("readText joins an element's text; skipElement passes over a subtree")
    func readTextAndSkip() throws {
        let document = "<si><r><t>上</t></r><rPh><t>ignored</t></rPh><r><t xml:space=\"preserve\"> 下 </t></r></si>"
        let reader = try XMLReader(bytes: Array(document.utf8))
        var pieces: [String] = []
        while let type = try reader.next() {
            guard type == .element else { continue }
            if reader.localName == "rPh" {
                try reader.skipElement()
                #expect(reader.nodeType == .endElement && reader.localName == "rPh")
            } else if reader.localName == "t" {
                pieces.append(try reader.readText())
                #expect(reader.nodeType == .endElement && reader.localName == "t")
            }
        }
        #expect(pieces == ["上", " 下 "])

        let empty = try XMLReader(bytes: Array("<a><t/></a>".utf8))
        try empty.next()
        try empty.next()
        #expect(try empty.readText() == "")
        #expect(empty.nodeType == .element, "an empty element has no end tag to move to")
    }

    @Test("a source that delivers a few bytes at a time gives the same nodes", arguments: [1, 3, 7])
    func trickledSource(size: Int) throws {
        let whole = try nodes(of: XMLReader(bytes: Array(Self.workbook.utf8)))
        let trickled = try nodes(of: XMLReader(source: trickle(Array(Self.workbook.utf8), by: size)))
        #expect(trickled == whole)
    }

    @Test("a UTF-16 document with a byte order mark is read")
    func utf16() throws {
        let reader = try XMLReader(bytes: utf16LE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>中文</a>"))
        #expect(try reader.next() == .element)
        #expect(try reader.readText() == "中文")
    }

    @Test("readText and skipElement refuse to start anywhere but on an element")
    func misuse() throws {
        let reader = try XMLReader(bytes: Array("<a>text</a>".utf8))
        try reader.next()
        try reader.next()
        #expect(reader.nodeType == .text)
        let error = #expect(throws: XMLError.self) { try reader.readText() }
        guard case .misuse = error else {
            Issue.record("expected misuse, got \(String(describing: error))")
            return
        }
    }
}

@Suite("XMLReader: errors")
struct ReaderErrorTests {
    @Test("a malformed document fails with libxml2's message, line and column")
    func malformed() throws {
        let error = readingError("<a>\n  <b>\n</a>")
        guard case .malformed(let failure) = error else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(failure.line == 3)
        #expect(failure.column > 0)
        #expect(failure.code == 76, "XML_ERR_TAG_NAME_MISMATCH")
        #expect(failure.message.contains("mismatch"))
        #expect(failure.document == "test.xml")
        #expect(String(describing: error!).contains("test.xml:3:"))
    }

    @Test("a truncated document fails instead of ending quietly")
    func truncated() {
        let error = readingError("<a><b>text")
        guard case .malformed(let failure) = error else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
        #expect(failure.line == 1)
    }

    @Test("after an error the reader keeps throwing the same error")
    func poisoned() throws {
        let reader = try XMLReader(bytes: Array("<a></b>".utf8))
        let first = #expect(throws: XMLError.self) { while try reader.next() != nil {} }
        let second = #expect(throws: XMLError.self) { try reader.next() }
        guard case .malformed(let a) = first, case .malformed(let b) = second else {
            Issue.record("expected malformed twice, got \(String(describing: first)), \(String(describing: second))")
            return
        }
        #expect(a == b)
    }

    struct Unplugged: Error {}

    @Test("what the source throws ends reading as sourceFailed, carrying it")
    func sourceFails() throws {
        let start = trickle(Array("<a><b>".utf8), by: 100)
        var delivered = 0
        let reader = try XMLReader(source: { buffer in
            let count = try start(buffer)
            delivered += count
            if count == 0 { throw Unplugged() }
            return count
        })
        let error = #expect(throws: XMLError.self) { while try reader.next() != nil {} }
        guard case .sourceFailed(let cause) = error else {
            Issue.record("expected sourceFailed, got \(String(describing: error))")
            return
        }
        #expect(cause is Unplugged)
        #expect(delivered == 6)
    }

    @Test("readers on different threads each get their own errors")
    func errorsStayWithTheirReader() async throws {
        let lines = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 1...16 {
                group.addTask {
                    let document = String(repeating: "\n", count: index) + "<a><b></a>"
                    var seen = 0
                    for _ in 0..<50 {
                        guard case .malformed(let failure) = readingError(document) else { return (index, -1) }
                        seen = failure.line
                    }
                    return (index, seen)
                }
            }
            var all: [(Int, Int)] = []
            for try await pair in group { all.append(pair) }
            return all
        }
        for (index, line) in lines {
            #expect(line == index + 1, "reader \(index) saw line \(line)")
        }
    }
}
