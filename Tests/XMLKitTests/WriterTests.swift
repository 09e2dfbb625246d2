import Testing

@testable import XMLKit

@Suite("XMLWriter")
struct WriterTests {
    @Test("elements, attributes and text are written and escaped; the reader gets back what was written")
    func escapesAndRoundTrips() throws {
        let output = Collected()
        let writer = try XMLWriter(sink: output.sink())
        let tricky = "a<b>&c\"d'e\r\nf\tg 中文 🎒"
        try writer.startDocument()
        try writer.startElement("worksheet")
        try writer.attribute("xmlns", "urn:main")
        try writer.attribute("xmlns:r", "urn:rel")
        try writer.element("c", attributes: [("r:id", tricky), ("t", "inlineStr")], text: tricky)
        try writer.element("empty")
        try writer.endElement()
        try writer.endDocument()

        #expect(output.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"))
        #expect(output.text.contains("<empty/>"))
        #expect(output.text.contains("a&lt;b&gt;&amp;c"))
        #expect(!output.text.contains(tricky))

        let reader = try XMLReader(bytes: output.bytes)
        while try reader.next() != nil, !reader.isElement("c") {}
        #expect(reader.namespaceURI == "urn:main")
        #expect(reader.attribute("id", namespace: "urn:rel") == tricky)
        #expect(reader.attribute("t") == "inlineStr")
        #expect(try reader.readText() == tricky)
    }

    @Test("characters XML cannot carry are refused before anything is written")
    func invalidCharacters() throws {
        let output = Collected()
        let writer = try XMLWriter(sink: output.sink())
        try writer.startElement("t")
        let error = #expect(throws: XMLError.self) { try writer.text("ID\u{1}23") }
        guard case .invalidCharacter(1, let context) = error else {
            Issue.record("expected invalidCharacter(1), got \(String(describing: error))")
            return
        }
        #expect(context.contains("<t>"))
        #expect(XMLCharacters.firstInvalidCharacter(in: "ok\u{FFFF}") == 0xFFFF)
        #expect(XMLCharacters.firstInvalidCharacter(in: "tab\tnew\nline\r中🎒") == nil)

        let second = try XMLWriter(sink: Collected().sink())
        try second.startElement("c")
        let attributeError = #expect(throws: XMLError.self) { try second.attribute("v", "\u{FFFE}") }
        guard case .invalidCharacter(0xFFFE, _) = attributeError else {
            Issue.record("expected invalidCharacter(FFFE), got \(String(describing: attributeError))")
            return
        }
    }

    @Test("names that are not XML names are refused", arguments: ["", "1a", "a b", "a<", "a:b:c", ":a", "a\"", "x&y"])
    func invalidNames(name: String) throws {
        let writer = try XMLWriter(sink: Collected().sink())
        let error = #expect(throws: XMLError.self) { try writer.startElement(name) }
        guard case .invalidName(let refused) = error else {
            Issue.record("expected invalidName, got \(String(describing: error))")
            return
        }
        #expect(refused == name)
    }

    @Test("calls out of order are refused and poison the writer")
    func misuse() throws {
        let writer = try XMLWriter(sink: Collected().sink())
        try writer.startElement("a")
        try writer.text("x")
        let error = #expect(throws: XMLError.self) { try writer.attribute("late", "1") }
        guard case .misuse(let what) = error else {
            Issue.record("expected misuse, got \(String(describing: error))")
            return
        }
        #expect(what.contains("late"))
        let again = #expect(throws: XMLError.self) { try writer.endElement() }
        guard case .misuse = again else {
            Issue.record("a poisoned writer rethrows its failure, got \(String(describing: again))")
            return
        }

        let twoRoots = try XMLWriter(sink: Collected().sink())
        try twoRoots.element("a")
        let rootError = #expect(throws: XMLError.self) { try twoRoots.element("b") }
        guard case .misuse = rootError else {
            Issue.record("expected misuse, got \(String(describing: rootError))")
            return
        }

        let unbalanced = try XMLWriter(sink: Collected().sink())
        let endError = #expect(throws: XMLError.self) { try unbalanced.endElement() }
        guard case .misuse = endError else {
            Issue.record("expected misuse, got \(String(describing: endError))")
            return
        }
    }

    struct DiskFull: Error {}

    @Test("what the sink throws comes back as sinkFailed and poisons the writer")
    func sinkFails() throws {
        let writer = try XMLWriter(sink: { _ in throw DiskFull() })
        try writer.startElement("a")
        let error = #expect(throws: XMLError.self) {
            for _ in 0..<1000 { try writer.element("b", text: "0123456789") }
            try writer.endDocument()
        }
        guard case .sinkFailed(let cause) = error else {
            Issue.record("expected sinkFailed, got \(String(describing: error))")
            return
        }
        #expect(cause is DiskFull)
        let later = #expect(throws: XMLError.self) { try writer.element("c") }
        guard case .sinkFailed = later else {
            Issue.record("expected the same sinkFailed, got \(String(describing: later))")
            return
        }
    }

    @Test("endDocument closes open elements; a large document reaches the sink in small pieces")
    func streams() throws {
        let output = Collected()
        let writer = try XMLWriter(sink: output.sink())
        try writer.startDocument()
        try writer.startElement("rows")
        for index in 0..<20_000 {
            try writer.element("row", attributes: [("r", String(index))], text: "第\(index)行")
        }
        try writer.startElement("open")
        try writer.endDocument()
        #expect(writer.depth == 0)
        #expect(output.bytes.count > 400_000)
        #expect(output.calls > 50)
        #expect(output.largestPiece <= 8192, "libxml2 buffers about 4 KB between calls")
        #expect(output.text.hasSuffix("<open/></rows>\n"))

        var rows = 0
        let reader = try XMLReader(bytes: output.bytes)
        while let type = try reader.next() {
            if type == .element, reader.localName == "row" { rows += 1 }
        }
        #expect(rows == 20_000)
    }

    @Test("a writer dropped before endDocument does not call its sink again")
    func droppedWriter() throws {
        let output = Collected()
        do {
            let writer = try XMLWriter(sink: output.sink())
            try writer.startElement("a")
            try writer.text("pending")
        }
        #expect(output.bytes.isEmpty)
    }
}
