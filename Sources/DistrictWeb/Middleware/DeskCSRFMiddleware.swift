import Crypto
import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird

/// CSRF protection for every state-changing request (POST, PUT, PATCH, DELETE): a random
/// `desk-csrf` cookie per browser (HttpOnly, SameSite=Strict, Secure under TLS), and the
/// token = HMAC-SHA256 of that cookie under a key only the server's memory holds
/// (swift-crypto). A form sends it as the `_csrf` field, a script as the `X-CSRF-Token`
/// header; a request without a valid one, or from another origin, gets 403 `web.csrf`.
/// (The same scheme as EnrollWeb's `CSRFMiddleware`, with the form field and the Secure
/// cookie the desk needs: to move into EnrollWeb.)
struct DeskCSRFMiddleware: RouterMiddleware {
    typealias Context = DeskContext

    static let cookieName = "desk-csrf"
    static let fieldName = "_csrf"
    static let headerName = HTTPField.Name("X-CSRF-Token")!

    let key: SymmetricKey
    let secure: Bool

    init(secure: Bool) {
        key = SymmetricKey(size: .bits256)
        self.secure = secure
    }

    func token(forCookie cookie: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Array(cookie.utf8), using: key)).base64URL
    }

    func isValid(_ token: String, cookie: String) -> Bool {
        guard let code = Data(base64URL: token), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: Array(cookie.utf8), using: key)
    }

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let existing = request.cookies[Self.cookieName]?.value
        let cookie = existing ?? SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64URL
        context.csrfToken = token(forCookie: cookie)
        if [.post, .put, .patch, .delete].contains(request.method) {
            var sent = request.headers[Self.headerName]
            if sent == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                sent = try await FormBody.read(&request)[Self.fieldName]
            }
            guard let existing, let sent, isValid(sent, cookie: existing), Self.sameOrigin(request) else {
                throw DeskError(
                    .forbidden, .webCsrf,
                    zh: "请求缺少有效的安全令牌（CSRF），已拒绝。请重新打开本页后再操作。",
                    en: "The request lacks a valid security token (CSRF) and was refused. Open the page again and retry.")
            }
        }
        var response = try await next(request, context)
        if existing == nil {
            response.setCookie(Cookie(name: Self.cookieName, value: cookie, path: "/", secure: secure, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// Whether the request's `Origin` (when the browser sends one) is this server.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority else { return false }
        return origin == "http://" + host || origin == "https://" + host
    }
}

extension Data {
    /// base64url without padding.
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url without padding.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
