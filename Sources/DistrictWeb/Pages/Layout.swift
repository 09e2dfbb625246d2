import EnrollCore
import EnrollWeb

/// The desk's page frame: the head with the embedded assets, the top bar with the clerk and
/// the sign-out button.
enum Layout {
    static func page(title: String, clerk: Clerk?, csrf: String, body: HTML) -> HTML {
        var bar: HTML = ""
        if let clerk {
            let admin: HTML = clerk.role == .admin ? "<a href=\"/admin\">管理 / Admin</a>" : ""
            bar = """
                <nav class="bar"><a href="/queue">审核队列 / Queue</a>\(admin)\
                <span class="who">\(clerk.name) (\(clerk.role.rawValue))</span>\
                <form method="post" action="/logout" class="inline">\(csrfField(csrf))<button type="submit">退出 / Sign out</button></form></nav>
                """
        }
        return """
            <!DOCTYPE html>
            <html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">\
            <title>\(title) · 区审核台 / District review desk</title><link rel="stylesheet" href="\(DeskAssets.stylesheetPath)"></head>\
            <body>\(bar)\(body)<script src="\(DeskAssets.scriptPath)"></script></body></html>
            """
    }

    static func csrfField(_ token: String) -> HTML { CSRFTokens.field(token) }

    static func bilingual(_ text: LocalizedText) -> HTML {
        "<span lang=\"zh-Hans\">\(text.zh)</span> / <span lang=\"en\">\(text.en)</span>"
    }

    static func status(_ status: ApplicationStatus) -> HTML {
        let zh: String
        switch status {
        case .received: zh = "待审核"
        case .verified: zh = "审核通过"
        case .rejected: zh = "驳回"
        case .admitted: zh = "录取"
        case .withdrawn: zh = "已撤销"
        }
        return "<span class=\"status status-\(status.rawValue)\">\(zh) / \(status.rawValue)</span>"
    }

    static func flagText(_ flag: ReviewFlag) -> String {
        switch flag {
        case .duplicateChild: "同一儿童多份申请 / duplicate child"
        case .phoneQuota: "电话超出限额 / phone quota"
        case .conflict: "版本冲突 / conflict"
        default: flag.rawValue
        }
    }
}
