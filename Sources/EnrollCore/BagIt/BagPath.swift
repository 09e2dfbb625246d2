/// File paths as they appear in BagIt manifests and `fetch.txt`.
enum BagPath {
    /// Decodes the percent-encoding RFC 8493 defines for manifest paths: `%0A` (LF), `%0D`
    /// (CR) and `%25` (%). Any other `%` sequence is left as it is.
    static func decode(_ path: String) -> String {
        guard path.contains("%") else { return path }
        var out = ""
        var scalars = Array(path.unicodeScalars)[...]
        while let first = scalars.first {
            if first == "%", scalars.count >= 3 {
                let code = String(String.UnicodeScalarView(scalars.dropFirst().prefix(2))).uppercased()
                let replacement: Unicode.Scalar? = switch code {
                case "0A": "\n"
                case "0D": "\r"
                case "25": "%"
                default: nil
                }
                if let replacement {
                    out.unicodeScalars.append(replacement)
                    scalars = scalars.dropFirst(3)
                    continue
                }
            }
            out.unicodeScalars.append(first)
            scalars = scalars.dropFirst()
        }
        return out
    }

    /// Encodes a path for a manifest line: `%` first, then CR and LF.
    static func encode(_ path: String) -> String {
        guard path.contains(where: { $0 == "%" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return path }
        var out = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Why a manifest path is unsafe, or nil if it stays inside the bag.
    ///
    /// Absolute paths, `..` components, empty components, backslashes and NUL bytes could point
    /// outside the bag or be read differently on another system.
    static func escapeReason(_ path: String) -> LocalizedText? {
        if path.isEmpty {
            return LocalizedText(zh: "路径为空", en: "the path is empty")
        }
        if path.hasPrefix("/") || path.hasPrefix("~") {
            return LocalizedText(zh: "路径是绝对路径", en: "the path is absolute")
        }
        if path.contains("\\") {
            return LocalizedText(zh: "路径含反斜杠", en: "the path contains a backslash")
        }
        if path.unicodeScalars.contains("\u{0}") {
            return LocalizedText(zh: "路径含 NUL 字符", en: "the path contains a NUL character")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        if components.contains("..") {
            return LocalizedText(zh: "路径含“..”，会跳出 bag 目录", en: "the path contains \"..\" and escapes the bag")
        }
        if components.contains(where: { $0.isEmpty || $0 == "." }) {
            return LocalizedText(zh: "路径含空的或“.”路径段", en: "the path has an empty or \".\" component")
        }
        return nil
    }
}
