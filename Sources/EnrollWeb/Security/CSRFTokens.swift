import Crypto
import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird

/// CSRF tokens bound to a browser: a random cookie, and the token = HMAC-SHA256 of that
/// cookie under a key that lives only in the server's memory (swift-crypto).
///
/// A page puts the token into every state-changing request: the `X-CSRF-Token` header from a
/// script, or the hidden `_csrf` field of a form (the first field of a multipart form) — never
/// the URL, so tokens stay out of logs and the browser's history. Another site's page can
/// neither read the cookie nor compute the token. Tokens are compared in constant time
/// (`HMAC.isValidAuthenticationCode`).
public struct CSRFTokens: Sendable {
    /// The station's cookie that carries the browser's random value.
    public static let cookieName = "enroll-csrf"
    /// The header a script sends the token in.
    public static let headerName = "X-CSRF-Token"
    /// The hidden form field a form sends the token in.
    public static let fieldName = "_csrf"

    private let key: SymmetricKey

    /// Creates tokens under a fresh random key (tokens of an earlier run stop working).
    public init() {
        key = SymmetricKey(size: .bits256)
    }

    /// A new random cookie value (32 random bytes, base64url).
    public func newCookieValue() -> String {
        Self.base64url(Array(SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }))
    }

    /// The token for a cookie value.
    public func token(forCookie cookie: String) -> String {
        Self.base64url(Array(HMAC<SHA256>.authenticationCode(for: Array(cookie.utf8), using: key)))
    }

    /// Whether a token belongs to a cookie value (constant-time).
    public func isValid(token: String, cookie: String) -> Bool {
        guard let code = Self.base64urlDecode(token), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Array(cookie.utf8), using: key)
    }

    /// The hidden form field carrying a token (first in its form: a multipart body is checked
    /// from its first part).
    public static func field(_ token: String) -> HTML {
        "<input type=\"hidden\" name=\"\(fieldName)\" value=\"\(token)\">"
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64urlDecode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}

/// A request context that carries the request's CSRF token to the handlers that render forms.
public protocol CSRFRequestContext: RequestContext {
    /// The token for this browser, set by ``CSRFMiddleware``.
    var csrfToken: String { get set }
}

/// The request context of enroll's web apps.
public struct WebRequestContext: CSRFRequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The browser's CSRF token (set by ``CSRFMiddleware``).
    public var csrfToken: String = ""

    /// Creates the context for a request.
    public init(source: Source) {
        coreContext = .init(source: source)
    }
}

/// Gives every browser a CSRF cookie and refuses a state-changing request (POST, PUT, PATCH,
/// DELETE) whose token is missing or wrong, or whose `Origin` is another site, with `web.csrf`.
///
/// The token is read from the `X-CSRF-Token` header, else from the `_csrf` field of a
/// URL-encoded body (read with ``URLEncodedForm/read(_:limit:)``, the handler reads it again)
/// or from the first part of a multipart body (``Multipart/firstField(_:boundary:)``, the
/// rest still streams to the handler). The station and the desk differ only in the cookie's
/// name, whether it is `Secure` (TLS), and the error type their pages render.
public struct CSRFMiddleware<Context: CSRFRequestContext>: RouterMiddleware {
    let tokens: CSRFTokens
    let cookieName: String
    let secure: Bool
    let refusal: @Sendable (Diagnostic) -> any Error

    /// Creates the middleware.
    /// - Parameters:
    ///   - tokens: The server's token key.
    ///   - cookieName: The cookie carrying the browser's random value.
    ///   - secure: Whether the cookie carries `Secure` (served over TLS).
    ///   - refusal: The error a refused request throws, made from the `web.csrf` diagnostic
    ///     (a ``WebError`` 403 unless the app renders its own).
    public init(
        tokens: CSRFTokens, cookieName: String = CSRFTokens.cookieName, secure: Bool = false,
        refusal: @escaping @Sendable (Diagnostic) -> any Error = { WebError(.forbidden, diagnostics: [$0]) }
    ) {
        self.tokens = tokens
        self.cookieName = cookieName
        self.secure = secure
        self.refusal = refusal
    }

    /// Checks the request, then passes it on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let existing = request.cookies[cookieName]?.value
        let cookie = existing ?? tokens.newCookieValue()
        context.csrfToken = tokens.token(forCookie: cookie)
        if [.post, .put, .patch, .delete].contains(request.method) {
            let sent = try await Self.sentToken(&request)
            guard let existing, let sent, tokens.isValid(token: sent, cookie: existing), Self.sameOrigin(request) else {
                throw refusal(.error(
                    .webCsrf, Location(),
                    zh: "请求缺少有效的安全令牌（CSRF），已拒绝。请重新打开本页后再操作（不要从其他网站或旧页面提交）。",
                    en: "The request lacks a valid security token (CSRF) and was refused. Open this page again and retry (do not submit from another site or an old page)."))
            }
        }
        var response = try await next(request, context)
        if existing == nil {
            response.setCookie(Cookie(name: cookieName, value: cookie, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// The token a request carries: the header, the `_csrf` field of a URL-encoded body, or
    /// the first part of a multipart body when that part is `_csrf`.
    static func sentToken(_ request: inout Request) async throws -> String? {
        if let header = request.headers[HTTPField.Name(CSRFTokens.headerName)!] { return header }
        let type = request.headers[.contentType]
        if type?.hasPrefix("application/x-www-form-urlencoded") == true {
            return try await URLEncodedForm.read(&request)[CSRFTokens.fieldName]
        }
        if let boundary = Multipart.boundary(contentType: type), let first = try await Multipart.firstField(&request, boundary: boundary) {
            return first.name == CSRFTokens.fieldName ? first.value : nil
        }
        return nil
    }

    /// Whether the request's `Origin` (when a browser sends one) is this server.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }
}
