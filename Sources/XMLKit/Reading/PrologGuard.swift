/// Watches the bytes of a document's prolog, before libxml2 sees them, and refuses a
/// document type declaration there.
///
/// A DTD can only appear in the prolog: after the optional XML declaration, comments,
/// processing instructions and white space, and before the root element. The guard follows
/// exactly that grammar, one code unit at a time, and decides as soon as it reaches the root
/// element's `<` (passed) or a `<!` that does not open a comment (refused). It detects the
/// encoding family the way XML 1.0 Appendix F does (byte order mark or the first four bytes)
/// so a DOCTYPE written in UTF-16 is seen too, and refuses declared encodings that are not
/// ASCII-compatible (UTF-7 would let `+ADw-!DOCTYPE` through unseen).
///
/// Anything else that is malformed is left for libxml2 to report: it stops at the first
/// fatal error, so nothing after malformed markup is parsed.
struct PrologGuard {
    /// What the guard has decided so far.
    enum Verdict {
        /// Still inside the prolog.
        case undecided
        /// The root element has started (or the prolog is malformed in a way libxml2 reports).
        case passed
        /// The prolog holds something refused.
        case refused(XMLError)
    }

    private(set) var verdict: Verdict = .undecided

    private enum Width { case undetected, one, twoLittle, twoBig }
    private enum State { case prolog, open, bang(dashes: Int), comment(dashes: Int), instruction(question: Bool) }

    private var width: Width = .undetected
    private var state: State = .prolog
    private var head: [UInt8] = []
    private var pendingByte: UInt8?
    private var line = 1
    private var column = 0
    private var openLine = 1
    private var openColumn = 0
    /// The text of the first processing instruction, for the XML declaration's encoding.
    private var declaration: [UInt8] = []
    private var declarationDone = false
    private var sawInstruction = false

    /// Whether the guard still needs to see bytes.
    var isUndecided: Bool {
        if case .undecided = verdict { return true }
        return false
    }

    /// Looks at the next bytes of the document.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        guard isUndecided else { return }
        var start = 0
        if case .undetected = width {
            let take = min(4 - head.count, bytes.count)
            head.append(contentsOf: bytes[0..<take])
            start = take
            guard head.count == 4 else { return }
            detect()
            if !isUndecided { return }
        }
        scan(UnsafeRawBufferPointer(rebasing: bytes[start...]))
    }

    /// The document ended: whatever was seen of a very short document is scanned.
    mutating func finish() {
        guard isUndecided else { return }
        if case .undetected = width, !head.isEmpty {
            width = .one
            let bytes = head
            head = []
            bytes.withUnsafeBytes { scan($0) }
        }
        if isUndecided { verdict = .passed }
    }

    // MARK: Encoding family

    private mutating func detect() {
        let bytes = head
        head = []
        let b = (bytes[0], bytes[1], bytes[2], bytes[3])
        var skip = 0
        switch b {
        case (0x00, 0x00, 0x00, 0x3C), (0x3C, 0x00, 0x00, 0x00), (0x00, 0x00, 0x3C, 0x00), (0x00, 0x3C, 0x00, 0x00),
            (0x00, 0x00, 0xFE, 0xFF), (0xFF, 0xFE, 0x00, 0x00):
            verdict = .refused(.unsupportedEncoding("UCS-4"))
            return
        case (0x4C, 0x6F, 0xA7, 0x94):
            verdict = .refused(.unsupportedEncoding("EBCDIC"))
            return
        case (0xEF, 0xBB, 0xBF, _):
            width = .one
            skip = 3
        case (0xFE, 0xFF, _, _):
            width = .twoBig
            skip = 2
        case (0xFF, 0xFE, _, _):
            width = .twoLittle
            skip = 2
        case (0x00, 0x3C, 0x00, 0x3F):
            width = .twoBig
        case (0x3C, 0x00, 0x3F, 0x00):
            width = .twoLittle
        default:
            width = .one
        }
        bytes[skip...].withUnsafeBytes { scan($0) }
    }

    // MARK: Prolog grammar

    private mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        switch width {
        case .undetected:
            return
        case .one:
            for byte in bytes {
                step(UInt32(byte))
                if !isUndecided { return }
            }
        case .twoLittle, .twoBig:
            for byte in bytes {
                guard let first = pendingByte else {
                    pendingByte = byte
                    continue
                }
                pendingByte = nil
                let unit = width == .twoBig ? UInt32(first) << 8 | UInt32(byte) : UInt32(byte) << 8 | UInt32(first)
                step(unit)
                if !isUndecided { return }
            }
        }
    }

    private mutating func step(_ unit: UInt32) {
        if unit == 0x0A {
            line += 1
            column = 0
        } else {
            column += 1
        }
        switch state {
        case .prolog:
            switch unit {
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            case 0x3C:  // <
                openLine = line
                openColumn = column
                state = .open
            default:
                // Character data before the root: libxml2 reports it as malformed.
                verdict = .passed
            }
        case .open:
            switch unit {
            case 0x3F:  // ?
                state = .instruction(question: false)
            case 0x21:  // !
                state = .bang(dashes: 0)
            default:
                verdict = .passed
            }
        case .bang(let dashes):
            if unit == 0x2D {  // -
                state = dashes == 0 ? .bang(dashes: 1) : .comment(dashes: 0)
            } else {
                verdict = .refused(.doctypeRefused(line: openLine, column: openColumn))
            }
        case .comment(let dashes):
            if unit == 0x2D {
                state = .comment(dashes: min(dashes + 1, 2))
            } else if unit == 0x3E && dashes >= 2 {
                state = .prolog
            } else {
                state = .comment(dashes: 0)
            }
        case .instruction(let question):
            let first = !sawInstruction
            if first && !declarationDone && declaration.count < 512 {
                declaration.append(unit < 0x80 ? UInt8(unit) : 0x3F)
            }
            if unit == 0x3E && question {
                state = .prolog
                if first {
                    sawInstruction = true
                    declarationDone = true
                    checkDeclaration()
                }
            } else {
                state = .instruction(question: unit == 0x3F)
            }
        }
    }

    /// Checks the encoding named by the XML declaration (`<?xml version="1.0" encoding="…"?>`).
    private mutating func checkDeclaration() {
        let text = String(decoding: declaration, as: UTF8.self)
        guard text.hasPrefix("xml"), let after = text.dropFirst(3).first, after.isWhitespace else { return }
        let keyword = Array("encoding".utf8)
        guard let at = declaration.indices.first(where: { declaration[$0...].starts(with: keyword) }) else { return }
        var rest = Substring(String(decoding: declaration[(at + keyword.count)...], as: UTF8.self)).drop { $0.isWhitespace }
        guard rest.first == "=" else { return }
        rest = rest.dropFirst().drop { $0.isWhitespace }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return }
        let name = rest.dropFirst().prefix { $0 != quote }
        let upper = name.uppercased()
        let allowed: Set<String> =
            width == .one
            ? ["UTF-8", "UTF8", "US-ASCII", "ASCII", "ISO-8859-1", "ISO_8859-1", "LATIN1", "GB18030", "GBK", "GB2312"]
            : ["UTF-16", "UTF-16LE", "UTF-16BE", "UTF16"]
        if !allowed.contains(upper) {
            verdict = .refused(.unsupportedEncoding(String(name)))
        }
    }
}
