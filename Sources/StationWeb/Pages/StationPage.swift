import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The station's page frame and small response helpers.
enum StationPage {
    /// The language a request asks for (`?lang=en`; Chinese by default).
    static func language(_ request: Request) -> Language {
        request.uri.queryParameters["lang"] == "en" ? .en : .zh
    }

    /// `?lang=…` for links that keep the language.
    static func langQuery(_ language: Language) -> String { "lang=" + language.rawValue }

    static func text(_ language: Language, zh: String, en: String) -> String { language == .zh ? zh : en }

    /// A whole page with the top bar.
    static func page(title: String, station: String, language: Language, path: String, body: HTML) -> HTML {
        let other: Language = language == .zh ? .en : .zh
        let separator = path.contains("?") ? "&" : "?"
        let top: HTML = """
        <header class="top"><span class="title">\(text(language, zh: "报名点", en: "Station")) · \(station)</span>\
        <a href="/?\(langQuery(language))">\(text(language, zh: "今日工作", en: "Today's work"))</a>\
        <a href="\(path)\(separator)\(langQuery(other))" lang="\(other == .zh ? "zh-Hans" : "en")">\(other == .zh ? "中文" : "English")</a></header>
        """
        return Page.document(title: title, language: language, body: "\(top)<main>\(body)</main>")
    }

    static func html(_ page: HTML, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page.rendered)))
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    static func notFound(_ what: String) -> WebError {
        WebError(.notFound, .webNotFound,
                 zh: "本站没有这个\(what)。请从“今日工作”列表中打开。", en: "This station has no such \(what == "草稿" ? "draft" : what == "申请" ? "application" : what == "表单" ? "form" : "file"). Open it from the list of today's work.")
    }

    static func dateText(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// Serves one attachment file found by listing (never by a path from the request).
    static func file(_ path: String) throws -> Response {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let type = MediaType.sniff(bytes.prefix(16)).map(\.rawValue) ?? "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type, .cacheControl: "private, max-age=600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
