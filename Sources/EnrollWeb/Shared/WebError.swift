import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error a web handler answers with: an HTTP status and diagnostics (stable code,
/// bilingual message), shown as a small HTML page, or as JSON to a script that asked for it.
public struct WebError: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// What went wrong.
    public var diagnostics: [Diagnostic]

    /// Creates an error with one diagnostic.
    public init(_ status: HTTPResponse.Status, _ code: DiagnosticCode, zh: String, en: String) {
        self.status = status
        diagnostics = [.error(code, Location(), zh: zh, en: en)]
    }

    /// Creates an error from diagnostics.
    public init(_ status: HTTPResponse.Status, diagnostics: [Diagnostic]) {
        self.status = status
        self.diagnostics = diagnostics
    }

    /// The page (or JSON) answering the request.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
            || request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true && request.headers[HTTPField.Name("X-CSRF-Token")!] != nil
        if wantsJSON {
            let body = JSONLines.object([
                ("status", .int(Int(status.code))),
                ("problems", .array(diagnostics.map { problem in
                    JSONLines.Value.object([("code", .string(problem.code.rawValue)), ("zh", .string(problem.message.zh)), ("en", .string(problem.message.en))])
                })),
            ])
            return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        let items = diagnostics.map { problem -> HTML in
            "<li><p lang=\"zh-Hans\">\(problem.message.zh)</p><p lang=\"en\">\(problem.message.en)</p><p><code>\(problem.code.rawValue)</code></p></li>"
        }
        let page = Page.document(
            title: "\(status.code) \(status.reasonPhrase)", language: .zh,
            body: "<main><h1>\(String(status.code)) · 出错了 / Something went wrong</h1><ul class=\"summary\" role=\"alert\">\(items)</ul><p><a href=\"/\">返回首页 / Home</a></p></main>")
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }
}

/// A minimal JSON writer for responses (strings escaped by the rules of RFC 8259).
public enum JSONLines {
    /// A JSON value to write.
    public indirect enum Value: Sendable {
        /// A string.
        case string(String)
        /// An integer.
        case int(Int)
        /// A boolean.
        case bool(Bool)
        /// An array.
        case array([Value])
        /// An object with members in order.
        case object([(String, Value)])
    }

    /// The JSON text of an object.
    public static func object(_ members: [(String, Value)]) -> String {
        write(.object(members))
    }

    /// The JSON text of a value.
    public static func write(_ value: Value) -> String {
        switch value {
        case .string(let text): return quote(text)
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .array(let items): return "[" + items.map(write).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.map { quote($0.0) + ":" + write($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
