/// Everything that can go wrong while reading or writing XML.
///
/// Refusals of hostile input (``doctypeRefused(line:column:)``,
/// ``limitExceeded(_:limit:line:column:)`` …) carry the position where the reader was when it
/// refused; failures reported by libxml2 carry its own message, line and column in a
/// ``LibXML2Failure``.
public enum XMLError: Error {
    // MARK: Reading

    /// libxml2 found the document not well-formed, or could not decode it: its message,
    /// code, line and column. Reported through the reader's own structured error handler
    /// (`xmlTextReaderSetStructuredErrorHandler`), never a process-wide one.
    case malformed(LibXML2Failure)
    /// The document has a document type declaration (`<!DOCTYPE …>`). A DTD is how entity
    /// expansion ("billion laughs") and external entities (XXE) get in, and no document
    /// read here needs one, so any DOCTYPE is refused before libxml2 parses it.
    case doctypeRefused(line: Int, column: Int)
    /// The document declares an encoding other than UTF-8, UTF-16, US-ASCII, ISO-8859-1 or
    /// GB18030/GBK/GB2312, or starts with bytes of an encoding that is not ASCII-compatible
    /// (EBCDIC, UCS-4). Such encodings could hide markup (a DOCTYPE written in UTF-7, say)
    /// from the check that refuses DTDs.
    case unsupportedEncoding(String)
    /// The document has an entity reference that is not one of XML's five predefined ones.
    /// Without a DTD this cannot happen in a well-formed document; it is refused in case it does.
    case entityReferenceRefused(name: String, line: Int, column: Int)
    /// The document exceeds one of the reader's ``XMLLimits``.
    case limitExceeded(XMLLimit, limit: Int64, line: Int, column: Int)
    /// The function that supplies the document's bytes threw `cause`; reading stopped there.
    case sourceFailed(any Error)

    // MARK: Writing

    /// An element or attribute name that is not an XML name (empty, starting with a digit,
    /// containing spaces, `<`, `&`, quotes …). Nothing was written.
    case invalidName(String)
    /// Text or an attribute value holds a character XML 1.0 cannot represent at all (a control
    /// character other than tab, line feed and carriage return, U+FFFE or U+FFFF). Nothing
    /// was written; escape such characters in a way the reader of the document expects.
    case invalidCharacter(UInt32, context: String)
    /// A reader or writer was used out of order: an attribute after content, an end without
    /// a start, a write after ``XMLWriter/endDocument()`` or after an earlier failure,
    /// ``XMLReader/readText()`` on a node that is not an element.
    case misuse(String)
    /// A libxml2 call failed outside parsing (creating a reader or writer, an
    /// `xmlTextWriter…` call); libxml2's last error on this thread (`xmlGetLastError`) when it
    /// recorded one.
    case libxml2Failed(LibXML2Failure)
    /// The sink the writer hands its output to threw `cause`; the writer is unusable.
    case sinkFailed(any Error)
}

/// Which of the ``XMLLimits`` a document exceeded.
public enum XMLLimit: Sendable, Hashable, CustomStringConvertible {
    /// ``XMLLimits/maxDepth``: elements nested too deeply.
    case depth
    /// ``XMLLimits/maxTextBytes``: one text node (or one ``XMLReader/readText()``) too long.
    case textSize
    /// ``XMLLimits/maxElementCount``: too many elements in the document.
    case elementCount
    /// ``XMLLimits/maxAttributeCount``: too many attributes on one element.
    case attributeCount
    /// ``XMLLimits/maxInputBytes``: the document is too large.
    case inputSize

    /// A short English name of the limit.
    public var description: String {
        switch self {
        case .depth: "nesting depth"
        case .textSize: "text size in bytes"
        case .elementCount: "number of elements"
        case .attributeCount: "number of attributes on one element"
        case .inputSize: "document size in bytes"
        }
    }

    /// A short Chinese name of the limit.
    public var chineseDescription: String {
        switch self {
        case .depth: "嵌套深度"
        case .textSize: "文本字节数"
        case .elementCount: "元素个数"
        case .attributeCount: "单个元素的属性个数"
        case .inputSize: "文档字节数"
        }
    }
}

/// One error reported by libxml2, copied out of its `xmlError` record.
public struct LibXML2Failure: Sendable, Hashable, CustomStringConvertible {
    /// libxml2's error code (`xmlParserErrors`, e.g. 76 `XML_ERR_TAG_NAME_MISMATCH`).
    public var code: Int32
    /// libxml2's error domain (`xmlErrorDomain`, e.g. 1 `XML_FROM_PARSER`).
    public var domain: Int32
    /// libxml2's message, without its trailing newline.
    public var message: String
    /// The 1-based line libxml2 reported, or 0 when it gave none.
    public var line: Int
    /// The 1-based column libxml2 reported (its `int2` field), or 0 when it gave none.
    public var column: Int
    /// The document name given to the reader, when there was one.
    public var document: String?

    /// Creates a failure record from its parts.
    public init(code: Int32, domain: Int32, message: String, line: Int, column: Int, document: String? = nil) {
        self.code = code
        self.domain = domain
        self.message = message
        self.line = line
        self.column = column
        self.document = document
    }

    /// `"sheet1.xml:3:7: Opening and ending tag mismatch: a line 1 and b (libxml2 error 76)"`.
    public var description: String {
        var place = document.map { "\($0):" } ?? ""
        if line > 0 {
            place += "\(line):"
            if column > 0 { place += "\(column):" }
        }
        return "\(place.isEmpty ? "" : place + " ")\(message) (libxml2 error \(code))"
    }
}

extension XMLError: CustomStringConvertible {
    /// A one-sentence English message saying what is wrong, where, and what to do.
    public var description: String {
        switch self {
        case .malformed(let failure):
            return "The XML is not well-formed: \(failure)."
        case .doctypeRefused(let line, let column):
            return "Refused the XML at \(line):\(column): it has a document type declaration (<!DOCTYPE>), which can carry entity bombs or external entities; save the file without one."
        case .unsupportedEncoding(let encoding):
            return "Refused the XML: its encoding '\(encoding)' is not supported; save it as UTF-8."
        case .entityReferenceRefused(let name, let line, let column):
            return "Refused the XML at \(line):\(column): it refers to the entity '&\(name);', which is not one of XML's predefined entities."
        case .limitExceeded(let which, let limit, let line, let column):
            return "Refused the XML at \(line):\(column): its \(which) exceeds the limit of \(limit)."
        case .sourceFailed(let cause):
            return "Reading the XML failed: \(cause)"
        case .invalidName(let name):
            return "'\(name)' is not a valid XML element or attribute name."
        case .invalidCharacter(let scalar, let context):
            return "U+\(String(scalar, radix: 16, uppercase: true)) cannot appear in XML (\(context))."
        case .misuse(let what):
            return "XMLKit was used out of order: \(what)."
        case .libxml2Failed(let failure):
            return "libxml2 failed: \(failure)."
        case .sinkFailed(let cause):
            return "Writing the XML failed: \(cause)"
        }
    }

    /// The same message in Chinese.
    public var chineseDescription: String {
        switch self {
        case .malformed(let failure):
            return "XML 格式不正确：\(failure)。"
        case .doctypeRefused(let line, let column):
            return "拒绝读取该 XML（\(line):\(column)）：其中含有文档类型声明（<!DOCTYPE>），可能携带实体炸弹或外部实体；请另存为不含该声明的文件。"
        case .unsupportedEncoding(let encoding):
            return "拒绝读取该 XML：不支持其编码“\(encoding)”；请另存为 UTF-8。"
        case .entityReferenceRefused(let name, let line, let column):
            return "拒绝读取该 XML（\(line):\(column)）：引用了非 XML 预定义的实体“&\(name);”。"
        case .limitExceeded(let which, let limit, let line, let column):
            return "拒绝读取该 XML（\(line):\(column)）：\(which.chineseDescription)超过上限 \(limit)。"
        case .sourceFailed(let cause):
            return "读取 XML 失败：\(cause)"
        case .invalidName(let name):
            return "“\(name)”不是合法的 XML 元素名或属性名。"
        case .invalidCharacter(let scalar, let context):
            return "XML 中不能出现字符 U+\(String(scalar, radix: 16, uppercase: true))（\(context)）。"
        case .misuse(let what):
            return "XMLKit 调用顺序错误：\(what)。"
        case .libxml2Failed(let failure):
            return "libxml2 调用失败：\(failure)。"
        case .sinkFailed(let cause):
            return "写入 XML 失败：\(cause)"
        }
    }

    /// The line and column the error is about, when known (0 where libxml2 gave none).
    public var position: (line: Int, column: Int)? {
        switch self {
        case .malformed(let failure), .libxml2Failed(let failure):
            return (failure.line, failure.column)
        case .doctypeRefused(let line, let column), .entityReferenceRefused(_, let line, let column),
            .limitExceeded(_, _, let line, let column):
            return (line, column)
        case .unsupportedEncoding, .sourceFailed, .invalidName, .invalidCharacter, .misuse, .sinkFailed:
            return nil
        }
    }
}
