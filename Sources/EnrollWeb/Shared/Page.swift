import EnrollCore

/// The page frame of the web apps: the document head with the embedded assets, and the top bar.
public enum Page {
    /// A whole HTML document.
    /// - Parameters:
    ///   - title: The page title.
    ///   - language: The page's language.
    ///   - body: The body markup.
    public static func document(title: String, language: Language, body: HTML) -> HTML {
        """
        <!DOCTYPE html>
        <html lang="\(language == .zh ? "zh-Hans" : "en")"><head><meta charset="utf-8">\
        <meta name="viewport" content="width=device-width, initial-scale=1">\
        <title>\(title)</title><link rel="stylesheet" href="\(WebAssets.stylesheetPath)"></head>\
        <body>\(body)<script src="\(WebAssets.scriptPath)"></script></body></html>
        """
    }
}
