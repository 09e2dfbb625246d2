import EnrollCore
import Foundation
import HTTPTypes
import Hummingbird

/// Opens the store for the request and finds the signed-in clerk from the `desk-session`
/// cookie. Every path but the sign-in page and the assets needs a clerk: a page without
/// one redirects to `/login`, an endpoint under `/api/` answers 401 `web.sign-in-required`.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = DeskContext

    static let cookieName = "desk-session"

    let configuration: DeskConfiguration

    /// Paths that need no session.
    static func isPublic(_ path: String) -> Bool {
        path == "/login" || path.hasPrefix("/assets/")
    }

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var context = context
        let store: DistrictStore
        do {
            store = try configuration.openStore()
        } catch let error as EnrollError {
            throw DeskError(error)
        }
        context.store = store
        if let token = request.cookies[Self.cookieName]?.value, let found = try store.signedIn(token: token) {
            context.clerk = Clerk(name: found.account.name, role: found.account.role)
            context.sessionToken = token
        }
        guard context.clerk != nil || Self.isPublic(request.uri.path) else {
            if request.uri.path.hasPrefix("/api/") { throw DeskError.signInRequired() }
            return DeskResponse.redirect("/login")
        }
        return try await next(request, context)
    }
}

/// Lets only admins through (403 `web.forbidden` for a reviewer).
struct AdminOnlyMiddleware: RouterMiddleware {
    typealias Context = DeskContext

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        guard let clerk = context.clerk else { throw DeskError.signInRequired() }
        guard clerk.role == .admin else { throw DeskError.forbidden() }
        return try await next(request, context)
    }
}

/// Renders errors as pages (or JSON) and sets the headers every response carries: a content
/// security policy allowing only the desk's own scripts, styles and images, no framing, no
/// MIME sniffing, referrers only within the desk (no URL leaks to another site), no caching of pages that
/// show personal data.
struct DeskHeadersMiddleware: RouterMiddleware {
    typealias Context = DeskContext

    func handle(_ request: Request, context: DeskContext, next: (Request, DeskContext) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as EnrollError {
            response = try DeskError(error).response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // same-origin, not no-referrer: with no-referrer Chrome sends `Origin: null` on form posts,
        // which the CSRF origin check refuses; no URL of the desk ever reaches another site.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
