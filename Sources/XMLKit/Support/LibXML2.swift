import CLibXML2

/// Internal helpers shared by the wrappers around libxml2.
enum LibXML2 {
    /// Calls `xmlInitParser` once per process before the first reader or writer is made.
    ///
    /// libxml2 asks for this in multithreaded programs: its global tables (character
    /// handlers, dictionaries, the per-thread error state) are set up here, once, instead of
    /// lazily and racily by whichever thread parses first. A `static let` runs it exactly once.
    static let initialised: Void = {
        xmlInitParser()
    }()

    /// Copies a libxml2 error record into a ``LibXML2Failure``.
    static func failure(_ error: UnsafePointer<xmlError>, document: String?) -> LibXML2Failure {
        let record = error.pointee
        var message = record.message.map { String(cString: $0) } ?? "no message from libxml2"
        while message.last?.isWhitespace == true { message.removeLast() }
        let file = record.file.map { String(cString: $0) }
        return LibXML2Failure(
            code: record.code, domain: record.domain, message: message, line: Int(record.line),
            column: Int(record.int2), document: document ?? file)
    }

    /// The last error libxml2 recorded on this thread (`xmlGetLastError`), then cleared
    /// (`xmlResetLastError`); a fallback naming `function` when there is none.
    ///
    /// libxml2 keeps this record per thread, so reading it is safe while other threads parse.
    static func lastFailure(function: String) -> LibXML2Failure {
        defer { xmlResetLastError() }
        if let error = xmlGetLastError() {
            var failure = Self.failure(UnsafePointer(error), document: nil)
            failure.message = "\(function): \(failure.message)"
            return failure
        }
        return LibXML2Failure(code: -1, domain: 0, message: "\(function) failed without a message from libxml2", line: 0, column: 0)
    }

    /// Calls `body` with `string` as a libxml2 string (`const xmlChar *`, UTF-8, NUL-terminated).
    ///
    /// `withCString` reads a native Swift string in place; the implicit conversion Swift
    /// offers for `UnsafePointer<UInt8>` parameters copies the string into a new array on
    /// every call instead, which the writer cannot afford for every cell.
    @inline(__always)
    static func withXMLString<Result>(_ string: String, _ body: (UnsafePointer<xmlChar>) -> Result) -> Result {
        string.withCString { body(UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
    }

    /// A libxml2 string (`const xmlChar *`, UTF-8) as a Swift string.
    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
