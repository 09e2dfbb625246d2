import EnrollCore
import HTTPTypes
import Hummingbird

/// Sets the headers every page of the web apps carries: a content security policy that allows
/// only the app's own scripts, styles and images (and `blob:` thumbnails), no framing, no
/// MIME sniffing, no referrer to other sites.
public struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Creates the middleware.
    public init() {}

    /// Adds the headers to the response.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        } catch let error as EnrollError {
            // A failure of the library (a file that cannot be read or written): said as it is.
            response = try WebError(.internalServerError, diagnostics: error.diagnostics).response(from: request, context: context)
        }
        response.headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; img-src 'self' blob:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on form posts,
        // which the CSRF check must refuse.
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}
