import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird

/// Sign-in and sign-out: `GET /login`, `POST /login` (fields `username`, `password`),
/// `POST /logout`.
struct SessionController {
    let configuration: DeskConfiguration

    func register(_ router: Router<DeskContext>) {
        router.get("login", use: form)
        router.post("login", use: signIn)
        router.post("logout", use: signOut)
    }

    @Sendable func form(_ request: Request, context: DeskContext) async throws -> Response {
        if context.clerk != nil { return DeskResponse.redirect("/queue") }
        return DeskResponse.html(Self.page(csrf: context.csrfToken, problem: nil))
    }

    @Sendable func signIn(_ request: Request, context: DeskContext) async throws -> Response {
        var request = request
        let body = try await URLEncodedForm.read(&request)
        guard let store = context.store else { throw DeskError.signInRequired() }
        let name = body["username"] ?? ""
        switch try store.signIn(name, password: body["password"] ?? "", policy: configuration.loginPolicy, lifetime: configuration.sessionLifetime) {
        case .signedIn(let signedIn):
            var response = DeskResponse.redirect("/queue")
            let seconds = Int(configuration.sessionLifetime.components.seconds)
            response.setCookie(
                Cookie(
                    name: SessionMiddleware.cookieName, value: signedIn.token, expires: Date().addingTimeInterval(TimeInterval(seconds)),
                    maxAge: seconds, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict))
            return response
        case .refused(let error, let delay):
            if delay > .zero { try await Task.sleep(for: delay) }
            let status: HTTPResponse.Status = error.diagnostics.first?.code == .accountLocked ? .tooManyRequests : .unauthorized
            return DeskResponse.html(Self.page(csrf: context.csrfToken, problem: error.diagnostics.first), status: status)
        }
    }

    @Sendable func signOut(_ request: Request, context: DeskContext) async throws -> Response {
        if let token = context.sessionToken { try context.store?.signOut(token: token) }
        var response = DeskResponse.redirect("/login")
        response.setCookie(
            Cookie(name: SessionMiddleware.cookieName, value: "-", maxAge: 0, path: "/", secure: configuration.secureCookies, httpOnly: true, sameSite: .strict))
        return response
    }

    static func page(csrf: String, problem: Diagnostic?) -> HTML {
        var alert: HTML = ""
        if let problem {
            alert = "<div role=\"alert\" class=\"problem\" id=\"login-problem\"><p lang=\"zh-Hans\">\(problem.message.zh)</p><p lang=\"en\">\(problem.message.en)</p><p><code>\(problem.code.rawValue)</code></p></div>"
        }
        return Layout.page(
            title: "登录 / Sign in", clerk: nil, csrf: csrf,
            body: """
                <main><h1>区教育局审核台 / District review desk</h1>\(alert)\
                <form method="post" action="/login">\(Layout.csrfField(csrf))\
                <p><label for="username">账号 / Account</label><br><input id="username" name="username" autocomplete="username" required></p>\
                <p><label for="password">密码 / Password</label><br><input id="password" name="password" type="password" autocomplete="current-password" required></p>\
                <p><button type="submit">登录 / Sign in</button></p></form></main>
                """)
    }
}
