import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The printed documents as the web apps offer them: a button per document (a download link,
/// or a disabled button with the reason it may not be printed yet) and the PDF response. The
/// PDF is written by EnrollCore's ``DocumentIssuer`` — the same call `enroll print` makes —
/// into a private temporary file that is read back and removed before the response leaves.
public enum PrintDownload {
    /// The status a refused print answers with (the document may not be printed yet).
    public static let refusedStatus: HTTPResponse.Status = .unprocessableContent

    /// A print button: a link to `href` that downloads the PDF, or, when `refusal` says why the
    /// document may not be printed, a disabled button described by the reason.
    /// - Parameters:
    ///   - id: The element's id (`print-receipt`, `print-collection-form`, …); the reason's is `id-why`.
    ///   - label: The button's text.
    ///   - href: The PDF's address.
    ///   - refusal: Why it may not be printed, or nil.
    ///   - language: The language of the reason; nil shows both (`中文 / English`).
    public static func button(id: String, label: String, href: String, refusal: Diagnostic?, language: Language?) -> HTML {
        guard let refusal else {
            return "<a class=\"button print\" id=\"\(id)\" href=\"\(href)\" download>\(label)</a>"
        }
        let reason = language.map { refusal.message.text(in: $0) } ?? "\(refusal.message.zh) / \(refusal.message.en)"
        return """
            <button type="button" class="print" id="\(id)" disabled aria-describedby="\(id)-why">\(label)</button>\
            <span class="hint" id="\(id)-why" data-code="\(refusal.code.rawValue)">\(reason)</span>
            """
    }

    /// Writes a document with `write` and answers it as `application/pdf` to download
    /// (``FileDownload``: a private temporary file, removed before the response leaves), named
    /// ``fileName(_:number:)``.
    /// - Parameters:
    ///   - directory: Where the temporary directory (mode 0700) is made; it is removed afterwards.
    ///   - kind: The document, for the file name.
    ///   - write: Writes the PDF to the path it is given (a ``DocumentIssuer`` or
    ///     ``DistrictPrinting`` call) and returns its seal.
    /// - Throws: what `write` throws; `io.*` when the temporary file cannot be made or read.
    public static func response(in directory: String, kind: PrintedDocumentKind, _ write: (String) throws -> PrintSeal) throws -> Response {
        try FileDownload.response(in: directory, contentType: "application/pdf") { path in
            fileName(kind, number: try write(path).number)
        }
    }

    /// The download's file name, `<kind>-<number>.pdf`, with every character outside
    /// `A-Z a-z 0-9 . _ -` replaced by `_` (safe in a quoted header value on every browser).
    public static func fileName(_ kind: PrintedDocumentKind, number: String) -> String {
        let safe = String((kind.slug + "-" + number).unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
        })
        return safe + ".pdf"
    }
}
