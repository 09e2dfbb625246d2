import Foundation
import Testing

@testable import XMLKit

@Suite("XMLReader: hostile documents")
struct HostileXMLTests {
    static let billionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        <lolz>&lol9;</lolz>
        """

    static let externalEntity = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
        <sst><si><t>&xxe;</t></si></sst>
        """

    /// Reads `text` with a reader that keeps every text node it saw, to show none leaked.
    static func textSeen(_ text: String, checkingProlog: Bool = true) -> (text: String, error: XMLError?) {
        var seen = ""
        do {
            let reader = try XMLReader(
                documentName: "hostile.xml", limits: .default, checkingProlog: checkingProlog,
                source: trickle(Array(text.utf8), by: 4096))
            while let type = try reader.next() {
                if type == .text || type == .whitespace { seen += reader.value ?? "" }
            }
            return (seen, nil)
        } catch {
            return (seen, error)
        }
    }

    @Test("billion laughs is refused as a DOCTYPE, at the declaration's position")
    func billionLaughs() {
        let error = readingError(Self.billionLaughs)
        guard case .doctypeRefused(let line, let column) = error else {
            Issue.record("expected doctypeRefused, got \(String(describing: error))")
            return
        }
        #expect(line == 2)
        #expect(column == 1)
    }

    @Test("an external entity (XXE) is refused and the file's content never appears")
    func externalEntity() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let firstLine = try #require(passwd.split(separator: "\n").first.map(String.init))
        let (text, error) = Self.textSeen(Self.externalEntity)
        guard case .doctypeRefused = error else {
            Issue.record("expected doctypeRefused, got \(String(describing: error))")
            return
        }
        #expect(!text.contains(firstLine))
        #expect(!String(describing: error!).contains(firstLine))
    }

    @Test("without the byte check, libxml2 and the document type node refusal still stop both attacks at once")
    func secondLineOfDefence() throws {
        let passwd = try String(contentsOfFile: "/etc/passwd", encoding: .utf8)
        let firstLine = try #require(passwd.split(separator: "\n").first.map(String.init))
        let clock = ContinuousClock()
        var laughs: (text: String, error: XMLError?) = ("", nil)
        let elapsed = clock.measure { laughs = Self.textSeen(Self.billionLaughs, checkingProlog: false) }
        // libxml2 (no XML_PARSE_HUGE) sees the amplification while parsing the declarations.
        guard case .malformed(let failure) = laughs.error else {
            Issue.record("expected libxml2's entity loop error, got \(String(describing: laughs.error))")
            return
        }
        #expect(failure.code == 89, "XML_ERR_ENTITY_LOOP")
        #expect(laughs.text.isEmpty)
        #expect(elapsed < .seconds(2))

        let external = Self.textSeen(Self.externalEntity, checkingProlog: false)
        guard case .doctypeRefused(let line, _) = external.error, line >= 2 else {
            Issue.record("expected doctypeRefused from the node check, got \(String(describing: external.error))")
            return
        }
        #expect(external.text.isEmpty, "no text before the refusal")
        #expect(!external.text.contains(firstLine))
    }

    @Test(
        "any DOCTYPE is refused, wherever it hides in the prolog",
        arguments: [
            "<!DOCTYPE a><a/>",
            "<?xml version='1.0'?><!-- a comment - > --><!DOCTYPE a SYSTEM 'a.dtd'><a/>",
            "\u{FEFF}<?xml version=\"1.0\"?>\n<?pi data?>\n<!DOCTYPE a [<!ELEMENT a ANY>]><a/>",
            "<!--x--><!doctype a><a/>",
        ])
    func doctypeAnywhereInTheProlog(document: String) {
        let error = readingError(document)
        guard case .doctypeRefused = error else {
            Issue.record("expected doctypeRefused for \(document), got \(String(describing: error))")
            return
        }
    }

    @Test("a DOCTYPE after a malformed comment is still refused")
    func doctypeAfterBrokenComment() {
        let error = readingError("<!-- -- --><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>")
        guard case .doctypeRefused(line: 1, column: 12) = error else {
            Issue.record("expected doctypeRefused at 1:12, got \(String(describing: error))")
            return
        }
    }

    @Test("a DOCTYPE split across reads is still refused", arguments: [1, 2, 5])
    func splitDoctype(size: Int) throws {
        let error = #expect(throws: XMLError.self) {
            let reader = try XMLReader(source: trickle(Array(Self.externalEntity.utf8), by: size))
            while try reader.next() != nil {}
        }
        guard case .doctypeRefused(let line, _) = error else {
            Issue.record("expected doctypeRefused, got \(String(describing: error))")
            return
        }
        #expect(line == 2)
    }

    @Test("a DOCTYPE in UTF-16 is refused too")
    func utf16Doctype() {
        let error = readingError(utf16LE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE a [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><a>&e;</a>"))
        guard case .doctypeRefused(line: 1, _) = error else {
            Issue.record("expected doctypeRefused, got \(String(describing: error))")
            return
        }
    }

    @Test("encodings that could hide markup are refused")
    func encodings() {
        let utf7 = readingError("<?xml version=\"1.0\" encoding=\"UTF-7\"?>+ADw-!DOCTYPE a+AD4-<a/>")
        guard case .unsupportedEncoding("UTF-7") = utf7 else {
            Issue.record("expected unsupportedEncoding(UTF-7), got \(String(describing: utf7))")
            return
        }
        let ucs4 = readingError([0x00, 0x00, 0x00, 0x3C, 0x00, 0x00, 0x00, 0x61, 0x00, 0x00, 0x00, 0x2F, 0x00, 0x00, 0x00, 0x3E])
        guard case .unsupportedEncoding("UCS-4") = ucs4 else {
            Issue.record("expected unsupportedEncoding(UCS-4), got \(String(describing: ucs4))")
            return
        }
        #expect(readingError("<?xml version=\"1.0\" encoding=\"gb18030\"?><a/>") == nil)
    }

    @Test("nesting deeper than maxDepth is refused")
    func depth() {
        let deep = String(repeating: "<a>", count: 70) + String(repeating: "</a>", count: 70)
        let error = readingError(deep)
        guard case .limitExceeded(.depth, limit: 64, _, _) = error else {
            Issue.record("expected limitExceeded(depth), got \(String(describing: error))")
            return
        }
        #expect(readingError(deep, limits: XMLLimits(maxDepth: 80)) == nil)
    }

    @Test("too many elements, attributes, text or bytes are refused")
    func otherLimits() {
        let many = "<r>" + String(repeating: "<c/>", count: 101) + "</r>"
        guard case .limitExceeded(.elementCount, limit: 100, _, _) = readingError(many, limits: XMLLimits(maxElementCount: 100)) else {
            Issue.record("expected elementCount")
            return
        }
        let attributes = "<r " + (0..<11).map { "a\($0)=\"\"" }.joined(separator: " ") + "/>"
        guard case .limitExceeded(.attributeCount, limit: 10, _, _) = readingError(attributes, limits: XMLLimits(maxAttributeCount: 10)) else {
            Issue.record("expected attributeCount")
            return
        }
        let text = "<r>" + String(repeating: "x", count: 2000) + "</r>"
        guard case .limitExceeded(.textSize, limit: 1000, _, _) = readingError(text, limits: XMLLimits(maxTextBytes: 1000)) else {
            Issue.record("expected textSize")
            return
        }
        let big = "<r>" + String(repeating: "<c>1</c>", count: 10_000) + "</r>"
        guard case .limitExceeded(.inputSize, limit: 50_000, let line, _) = readingError(big, limits: XMLLimits(maxInputBytes: 50_000)) else {
            Issue.record("expected inputSize")
            return
        }
        #expect(line == 1)
    }

    @Test("readText enforces maxTextBytes on the joined text")
    func joinedText() throws {
        let reader = try XMLReader(
            bytes: Array(("<t>" + String(repeating: "<r>xxxxxxxxxx</r>", count: 20) + "</t>").utf8),
            limits: XMLLimits(maxTextBytes: 100))
        try reader.next()
        let error = #expect(throws: XMLError.self) { try reader.readText() }
        guard case .limitExceeded(.textSize, limit: 100, _, _) = error else {
            Issue.record("expected textSize, got \(String(describing: error))")
            return
        }
    }
}
