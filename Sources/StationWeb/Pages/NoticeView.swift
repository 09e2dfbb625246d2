import EnrollCore
import EnrollWeb

/// The form's notice texts (须知, 个人信息保护政策) as the station shows them above the form: the
/// guardian reads them before filling in, and accepts each with the form's own checkbox (the
/// notice's `acceptedBy` field, e.g. “我已认真阅读并同意监护人须知条款”), without which 提交 is
/// refused. At 提交 the signed bundle records the version and SHA-256 of each text accepted
/// (`Enroll-Notice-Accepted`).
enum NoticeView {
    /// The notices' sections, or nothing for a form without notices.
    static func render(_ notices: [FormNotice], form: Form, language: Language) -> HTML {
        HTML(notices.map { notice -> HTML in
            let heading = "\(notice.label.text(in: language))（\(notice.version)）"
            let how: String
            if let pointer = notice.acceptedBy {
                let field = form.fieldName(at: pointer).text(in: language)
                how = StationPage.text(language, zh: "阅读后请勾选下方的“\(field)”。", en: "After reading, tick \"\(field)\" below.")
            } else {
                how = StationPage.text(language, zh: "提交即表示已阅读。", en: "Submitting records that it was read.")
            }
            return """
            <section class="notice" id="notice-\(notice.id)" aria-labelledby="notice-\(notice.id)-title">\
            <h2 id="notice-\(notice.id)-title">\(heading)</h2><pre class="notice-text">\(notice.text)</pre>\
            <p class="hint">\(how) SHA-256 \(notice.sha256)</p></section>
            """
        })
    }
}
