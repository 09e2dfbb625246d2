import EnrollCore
import EnrollWeb
import Hummingbird

/// The office's other work, for admins only (``AdminOnlyMiddleware`` answers 403 to a
/// reviewer): the list of common rejection reasons, the clerks' accounts, the station keys
/// (trust list and revocation).
struct AdminController {
    let configuration: DeskConfiguration

    func register(_ group: RouterGroup<DeskContext>) {
        group.get("", use: overview)
        group.post("reasons", use: addReason)
        group.post("reasons/:reason/remove", use: removeReason)
        group.post("keys/:key/revoke", use: revoke)
    }

    @Sendable func overview(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        let csrf = Layout.csrfField(context.csrfToken)
        let reasons = try store.reviewReasons().map { reason -> HTML in
            "<li>\(reason.text) <form method=\"post\" action=\"/admin/reasons/\(String(reason.id))/remove\" class=\"inline\">\(csrf)<button type=\"submit\">删除 / Remove</button></form></li>"
        }
        let accounts = try store.accounts().map { account -> HTML in
            "<tr><td>\(account.name)</td><td>\(account.role.rawValue)</td><td>\(account.disabled ? "停用 / disabled" : "启用 / active")</td><td>\(account.lockedUntil ?? "")</td></tr>"
        }
        let keys = try store.trustedKeys().map { key -> HTML in
            let revoke: HTML = key.revokedAt == nil
                ? """
                    <form method="post" action="/admin/keys/\(key.keyId)/revoke" class="inline">\(csrf)\
                    <label for="why-\(key.keyId)">理由 / Reason</label> <input id="why-\(key.keyId)" name="reason" required>\
                    <button type="submit">吊销 / Revoke</button></form>
                    """
                : "已吊销 / revoked \(key.revokedAt ?? "") (\(key.reason ?? ""))"
            return "<tr><td><code>\(key.keyId)</code></td><td>\(key.station)</td><td>\(key.addedAt)</td><td>\(revoke)</td></tr>"
        }
        let page = Layout.page(
            title: "管理 / Admin", clerk: clerk, csrf: context.csrfToken,
            body: """
                <main><h1>管理 / Administration</h1><p><a href="/admin/office">导入与导出 / Import and export</a></p>\
                <section id="reasons"><h2>常用驳回理由 / Common rejection reasons</h2><ul>\(reasons)</ul>\
                <form method="post" action="/admin/reasons">\(csrf)<label for="new-reason">新理由 / New reason</label> \
                <input id="new-reason" name="text" required> <button type="submit">添加 / Add</button></form></section>\
                <section id="accounts"><h2>账号 / Accounts</h2><p>用 <code>enroll district user add|disable|passwd</code> 管理账号。\
                Manage accounts with <code>enroll district user add|disable|passwd</code>.</p><table><thead><tr><th>账号 / Account</th>\
                <th>角色 / Role</th><th>状态 / State</th><th>锁定至 / Locked until</th></tr></thead><tbody>\(accounts)</tbody></table></section>\
                <section id="keys"><h2>采集点密钥 / Station keys</h2><table><thead><tr><th>密钥 / Key</th><th>采集点 / Station</th>\
                <th>添加 / Added</th><th></th></tr></thead><tbody>\(keys)</tbody></table></section></main>
                """)
        return DeskResponse.html(page)
    }

    @Sendable func addReason(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        var request = request
        try store.addReviewReason(try await URLEncodedForm.read(&request)["text"] ?? "", actor: clerk.name)
        return DeskResponse.redirect("/admin")
    }

    @Sendable func removeReason(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        guard let id = context.parameters.get("reason").flatMap(Int64.init) else { throw DeskError.unknownApplication() }
        try store.removeReviewReason(id: id, actor: clerk.name)
        return DeskResponse.redirect("/admin")
    }

    @Sendable func revoke(_ request: Request, context: DeskContext) async throws -> Response {
        let (clerk, store) = try context.signedIn()
        var request = request
        let reason = try await URLEncodedForm.read(&request)["reason"] ?? ""
        guard let raw = context.parameters.get("key"), let keyID = KeyID(raw) else { throw DeskError.unknownApplication() }
        try store.revoke(keyID, actor: clerk.name, reason: reason)
        return DeskResponse.redirect("/admin")
    }
}
