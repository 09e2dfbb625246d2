import CalendarDates
import Foundation

/// The built-in checkers for the `format` keyword, used when format assertion is on.
enum FormatValidators {
    /// Checkers by format name.
    static let builtIn: [String: @Sendable (String) -> Bool] = [
        "date-time": isDateTime,
        "date": isDate,
        "time": isTime,
        "duration": isDuration,
        "email": { isEmail($0, international: false) },
        "idn-email": { isEmail($0, international: true) },
        "hostname": { isHostname($0, international: false) },
        "idn-hostname": { isHostname($0, international: true) },
        "ipv4": isIPv4,
        "ipv6": isIPv6,
        "uri": { isURI($0, requireScheme: true, international: false) },
        "uri-reference": { isURI($0, requireScheme: false, international: false) },
        "iri": { isURI($0, requireScheme: true, international: true) },
        "iri-reference": { isURI($0, requireScheme: false, international: true) },
        "uri-template": isURITemplate,
        "json-pointer": isJSONPointer,
        "relative-json-pointer": isRelativeJSONPointer,
        "regex": { (try? ECMARegex($0)) != nil },
        "uuid": isUUID,
    ]

    // MARK: - Dates and times (RFC 3339)

    private static func digits(_ s: [UInt8], _ from: Int, _ count: Int) -> Int? {
        guard from + count <= s.count else { return nil }
        var v = 0
        for i in from..<(from + count) {
            guard s[i] >= 48 && s[i] <= 57 else { return nil }
            v = v * 10 + Int(s[i] - 48)
        }
        return v
    }

    /// RFC 3339 `full-date`: `YYYY-MM-DD` naming a real day (``CalendarDate/init(iso:)``).
    static func isDate(_ string: String) -> Bool {
        CalendarDate(iso: string) != nil
    }

    /// The index just past a `full-date` starting at `i`, or nil if there is none.
    private static func parseDate(_ s: [UInt8], _ i: Int) -> Int? {
        guard i + 10 <= s.count, CalendarDate(isoUTF8: s[i..<(i + 10)]) != nil else { return nil }
        return i + 10
    }

    static func isTime(_ string: String) -> Bool {
        let s = Array(string.utf8)
        return parseTime(s, 0) == s.count
    }

    /// Parses `HH:MM:SS[.frac](Z|±HH:MM)` and returns the end index.
    private static func parseTime(_ s: [UInt8], _ start: Int) -> Int? {
        guard let h = digits(s, start, 2), start + 2 < s.count, s[start + 2] == 58, let m = digits(s, start + 3, 2),
              start + 5 < s.count, s[start + 5] == 58, let sec = digits(s, start + 6, 2) else { return nil }
        var i = start + 8
        guard h <= 23, m <= 59, sec <= 60 else { return nil }
        if i < s.count && s[i] == 46 {
            i += 1
            let f = i
            while i < s.count && s[i] >= 48 && s[i] <= 57 { i += 1 }
            guard i > f else { return nil }
        }
        guard i < s.count else { return nil }
        var offsetMinutes = 0
        if s[i] == 90 || s[i] == 122 {
            i += 1
        } else if s[i] == 43 || s[i] == 45 {
            guard let oh = digits(s, i + 1, 2), i + 3 < s.count, s[i + 3] == 58, let om = digits(s, i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offsetMinutes = (oh * 60 + om) * (s[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        if sec == 60 {
            // A leap second is only valid at 23:59:60 UTC.
            var utc = (h * 60 + m - offsetMinutes) % 1440
            if utc < 0 { utc += 1440 }
            guard utc == 23 * 60 + 59 else { return nil }
        }
        return i
    }

    static func isDateTime(_ string: String) -> Bool {
        let s = Array(string.utf8)
        guard let i = parseDate(s, 0), i < s.count, s[i] == 84 || s[i] == 116 else { return false }
        return parseTime(s, i + 1) == s.count
    }

    static func isDuration(_ string: String) -> Bool {
        var s = Substring(string)
        guard s.first == "P" else { return false }
        s = s.dropFirst()
        if s.isEmpty { return false }
        func units(_ text: Substring, _ allowed: [Character]) -> Bool {
            var rest = text
            var idx = 0
            var any = false
            while !rest.isEmpty {
                let num = rest.prefix { $0.isASCII && $0.isNumber }
                guard !num.isEmpty else { return false }
                rest = rest.dropFirst(num.count)
                guard let u = rest.first, let pos = allowed[idx...].firstIndex(of: u) else { return false }
                // Units form a contiguous run (e.g. "P1Y2D" without months is invalid).
                if any && pos != idx { return false }
                idx = pos + 1
                rest = rest.dropFirst()
                any = true
            }
            return any
        }
        if s.last == "W" {
            let n = s.dropLast()
            return !n.isEmpty && n.allSatisfy { $0.isASCII && $0.isNumber }
        }
        let parts = s.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        if !parts[0].isEmpty && !units(parts[0], ["Y", "M", "D"]) { return false }
        if parts.count == 2 {
            return units(parts[1], ["H", "M", "S"])
        }
        return !parts[0].isEmpty
    }

    // MARK: - Internet names and addresses

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
            if p.count > 1 && p.hasPrefix("0") { return false }
            guard let v = Int(p), v <= 255 else { return false }
        }
        return true
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.unicodeScalars.allSatisfy({ $0.isASCII }) else { return false }
        var text = Substring(s)
        var groupsNeeded = 8
        if let lastColon = text.lastIndex(of: ":"), text[text.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(text[text.index(after: lastColon)...])) else { return false }
            text = text[...lastColon]
            if text.hasSuffix("::") { } else { text = text.dropLast() }
            groupsNeeded = 6
        }
        func hexGroups(_ t: Substring) -> Int? {
            if t.isEmpty { return 0 }
            let g = t.split(separator: ":", omittingEmptySubsequences: false)
            for x in g {
                guard (1...4).contains(x.count), x.allSatisfy({ $0.isHexDigit }) else { return nil }
            }
            return g.count
        }
        let halves = text.components(separatedBy: "::")
        if halves.count > 2 { return false }
        if halves.count == 2 {
            guard let a = hexGroups(Substring(halves[0])), let b = hexGroups(Substring(halves[1])) else { return false }
            return a + b < groupsNeeded
        }
        guard let n = hexGroups(text) else { return false }
        return n == groupsNeeded
    }

    static func isHostname(_ s: String, international: Bool) -> Bool {
        var host = s
        if international {
            // Label separators allowed in IDNA.
            for sep in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] { host = host.replacingOccurrences(of: sep, with: ".") }
        }
        guard !host.isEmpty, host.utf8.count <= 253 || international else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        for (i, label) in labels.enumerated() {
            if label.isEmpty { return i == labels.count - 1 && labels.count > 1 ? false : false }
            guard label.utf8.count <= 63 || international else { return false }
            if label.hasPrefix("-") || label.hasSuffix("-") { return false }
            let bytes = label.utf8
            if bytes.allSatisfy({ $0 < 0x80 }) {
                guard bytes.allSatisfy({ isASCIILetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
                // "--" in the third and fourth places is reserved for A-labels ("xn--").
                guard bytes.dropFirst(2).starts(with: "--".utf8) else { continue }
                let lower = label.lowercased()
                guard lower.hasPrefix("xn--"), let decoded = Punycode.decode(String(lower.dropFirst(4))), !decoded.isEmpty,
                      isIDNLabel(decoded) else { return false }
            } else {
                guard international, label.unicodeScalars.count <= 63, isIDNLabel(String(label)) else { return false }
            }
        }
        return true
    }

    /// Best-effort IDNA2008 label checks (RFC 5891/5892 contextual rules most often tested).
    static func isIDNLabel(_ label: String) -> Bool {
        let scalars = Array(label.unicodeScalars)
        guard let first = scalars.first else { return false }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .spacingMark
            || first.properties.generalCategory == .enclosingMark { return false }
        if scalars.count >= 4 && scalars[2] == "-" && scalars[3] == "-" { return false }
        let disallowed: Set<UInt32> = [0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B, 0x0640, 0x07FA, 0x00B7 - 1]
        var hasArabicIndic = false, hasExtArabicIndic = false
        for (i, u) in scalars.enumerated() {
            if disallowed.contains(u.value) { return false }
            let exceptions: Set<UInt32> = [0x00DF, 0x03C2, 0x0F0B, 0x3007, 0x200C, 0x200D, 0x06FD, 0x06FE]
            if u.properties.changesWhenNFKCCaseFolded && !(u.properties.isAlphabetic && u.value < 0x80) && !exceptions.contains(u.value) { return false }
            switch u.value {
            case 0x00B7: // MIDDLE DOT: only between two 'l'
                guard i > 0, i < scalars.count - 1, scalars[i - 1] == "l", scalars[i + 1] == "l" else { return false }
            case 0x0375: // Greek KERAIA: followed by Greek
                guard i < scalars.count - 1, isScript(scalars[i + 1], greek: true) else { return false }
            case 0x05F3, 0x05F4: // Hebrew GERESH/GERSHAYIM: preceded by Hebrew
                guard i > 0, (0x0590...0x05FF).contains(scalars[i - 1].value) else { return false }
            case 0x30FB: // KATAKANA MIDDLE DOT: label needs Hiragana/Katakana/Han
                let ok = scalars.contains { (0x3040...0x30FA).contains($0.value) || (0x30FC...0x30FF).contains($0.value) || (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
                if !ok { return false }
            case 0x0660...0x0669: hasArabicIndic = true
            case 0x06F0...0x06F9: hasExtArabicIndic = true
            case 0x200D: // ZERO WIDTH JOINER: after a virama
                guard i > 0, scalars[i - 1].properties.canonicalCombiningClass.rawValue == 9 else { return false }
            case 0x200C: // ZERO WIDTH NON-JOINER: after a virama (joining-type rule not checked)
                if !(i > 0 && scalars[i - 1].properties.canonicalCombiningClass.rawValue == 9) {
                    // Accept the regular-expression context rule approximately: between joining letters.
                    guard i > 0, i < scalars.count - 1, (0x0600...0x06FF).contains(scalars[i - 1].value),
                          (0x0600...0x06FF).contains(scalars[i + 1].value) else { return false }
                }
            default: break
            }
        }
        if hasArabicIndic && hasExtArabicIndic { return false }
        return true
    }

    private static func isScript(_ u: Unicode.Scalar, greek: Bool) -> Bool {
        (0x0370...0x03FF).contains(u.value) || (0x1F00...0x1FFF).contains(u.value)
    }

    /// ASCII `A–Z`, `a–z` or `0–9`.
    @inline(__always)
    static func isASCIILetterOrDigit(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b)
    }

    /// The ASCII characters RFC 5322 allows in a dot-atom local part besides letters and digits.
    private static let atomSpecials = Array("!#$%&'*+-/=?^_`{|}~.".utf8)

    static func isEmail(_ s: String, international: Bool) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at]
        let domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
        } else {
            let dot = UInt8(ascii: ".")
            if local.utf8.first == dot || local.utf8.last == dot { return false }
            var previous: UInt8 = 0
            for byte in local.utf8 {
                if byte == dot && previous == dot { return false }
                previous = byte
                if byte < 0x80 {
                    if !(isASCIILetterOrDigit(byte) || atomSpecials.contains(byte)) { return false }
                } else if !international {
                    return false
                }
            }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let inner = domain.dropFirst().dropLast()
            if inner.lowercased().hasPrefix("ipv6:") { return isIPv6(String(inner.dropFirst(5))) }
            return isIPv4(String(inner))
        }
        return isHostname(String(domain), international: international)
    }

    // MARK: - URIs

    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".unicodeScalars)
    private static let subDelims = Set("!$&'()*+,;=".unicodeScalars)

    private static func validChars(_ s: Substring, extra: String, international: Bool) -> Bool {
        let extraSet = Set(extra.unicodeScalars)
        let scalars = Array(s.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "%" {
                guard i + 2 < scalars.count, scalars[i + 1].properties.isASCIIHexDigit, scalars[i + 2].properties.isASCIIHexDigit else { return false }
                i += 3
                continue
            }
            if unreserved.contains(c) || subDelims.contains(c) || extraSet.contains(c) { i += 1; continue }
            if international && !c.isASCII && c.value >= 0xA0 { i += 1; continue }
            return false
        }
        return true
    }

    static func isURI(_ s: String, requireScheme: Bool, international: Bool) -> Bool {
        let ref = URIReference(parsing: s)
        if requireScheme && ref.scheme == nil { return false }
        if ref.scheme == nil {
            // A relative reference's first segment must not contain ':'.
            if let first = ref.path.split(separator: "/", omittingEmptySubsequences: false).first, first.contains(":") { return false }
            if s.hasPrefix(":") { return false }
        }
        if let auth = ref.authority {
            var hostPort = Substring(auth)
            if let at = auth.lastIndex(of: "@") {
                guard validChars(auth[..<at], extra: ":", international: international) else { return false }
                hostPort = auth[auth.index(after: at)...]
            }
            if hostPort.hasPrefix("[") {
                guard let close = hostPort.firstIndex(of: "]") else { return false }
                let ip = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
                if !(isIPv6(String(ip)) || ip.lowercased().hasPrefix("v")) { return false }
                let rest = hostPort[hostPort.index(after: close)...]
                if !rest.isEmpty && !(rest.hasPrefix(":") && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }) { return false }
            } else {
                var host = hostPort
                if let colon = hostPort.lastIndex(of: ":") {
                    let port = hostPort[hostPort.index(after: colon)...]
                    guard port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                    host = hostPort[..<colon]
                }
                guard validChars(host, extra: "", international: international) else { return false }
            }
        }
        guard validChars(Substring(ref.path), extra: ":@/", international: international) else { return false }
        if let q = ref.query, !validChars(Substring(q), extra: ":@/?", international: international) { return false }
        if let f = ref.fragment, !validChars(Substring(f), extra: ":@/?", international: international) { return false }
        return true
    }

    /// RFC 6570 level-4 syntax check.
    static func isURITemplate(_ s: String) -> Bool {
        let u = Array(s.unicodeScalars)
        var i = 0
        let forbiddenLiteral = Set(" \"<>\\^`{|}".unicodeScalars)
        while i < u.count {
            let c = u[i]
            if c == "{" {
                guard let close = u[i...].firstIndex(of: "}") else { return false }
                var expr = Array(u[(i + 1)..<close])
                if let op = expr.first, "+#./;?&".unicodeScalars.contains(op) { expr.removeFirst() }
                else if let op = expr.first, "=,!@|".unicodeScalars.contains(op) { return false }
                let specs = expr.split(separator: ",", omittingEmptySubsequences: false)
                for spec in specs where !isVarspec(Array(spec)) { return false }
                i = close + 1
                continue
            }
            if c == "}" || forbiddenLiteral.contains(c) || c.value < 0x20 || c.value == 0x7F { return false }
            if c == "%" {
                guard i + 2 < u.count, u[i + 1].properties.isASCIIHexDigit, u[i + 2].properties.isASCIIHexDigit else { return false }
            }
            i += 1
        }
        return true
    }

    private static func isVarspec(_ spec: [Unicode.Scalar]) -> Bool {
        var name = spec[...]
        if let colon = spec.firstIndex(of: ":") {
            let digits = spec[(colon + 1)...]
            guard (1...4).contains(digits.count), digits.allSatisfy({ ("0"..."9").contains($0) }), digits.first != "0" else { return false }
            name = spec[..<colon]
        } else if spec.last == "*" {
            name = spec.dropLast()
        }
        guard !name.isEmpty, name.first != ".", name.last != "." else { return false }
        var previousDot = false
        var i = name.startIndex
        while i < name.endIndex {
            let c = name[i]
            if c == "." {
                if previousDot { return false }
                previousDot = true
            } else if c == "%" {
                guard i + 2 < name.endIndex, name[i + 1].properties.isASCIIHexDigit, name[i + 2].properties.isASCIIHexDigit else { return false }
                i += 2
                previousDot = false
            } else if c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_") {
                previousDot = false
            } else {
                return false
            }
            i += 1
        }
        return true
    }

    // MARK: - Pointers and identifiers

    static func isJSONPointer(_ s: String) -> Bool {
        if s.isEmpty { return true }
        guard s.hasPrefix("/") else { return false }
        let u = Array(s.unicodeScalars)
        for (i, c) in u.enumerated() where c == "~" {
            guard i + 1 < u.count, u[i + 1] == "0" || u[i + 1] == "1" else { return false }
        }
        return true
    }

    static func isRelativeJSONPointer(_ s: String) -> Bool {
        let digitsPart = s.prefix { $0.isASCII && $0.isNumber }
        guard !digitsPart.isEmpty else { return false }
        if digitsPart.count > 1 && digitsPart.hasPrefix("0") { return false }
        let rest = s.dropFirst(digitsPart.count)
        if rest == "#" { return true }
        return isJSONPointer(String(rest))
    }

    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != 45 { return false }
            } else if !((48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c)) {
                return false
            }
        }
        return true
    }
}

/// RFC 3492 Punycode decoding, for `xn--` hostname labels.
enum Punycode {
    static func decode(_ input: String) -> String? {
        let base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700
        var n = 128, i = 0, bias = 72
        var output: [UInt32] = []
        var chars = Array(input.unicodeScalars)
        if let d = chars.lastIndex(of: "-") {
            for c in chars[..<d] {
                guard c.isASCII else { return nil }
                output.append(c.value)
            }
            chars = Array(chars[(d + 1)...])
        }
        var pos = 0
        while pos < chars.count {
            let oldi = i
            var w = 1
            var k = base
            while true {
                guard pos < chars.count else { return nil }
                let c = chars[pos].value
                pos += 1
                let digit: Int
                switch c {
                case 0x30...0x39: digit = Int(c) - 22
                case 0x41...0x5A: digit = Int(c) - 0x41
                case 0x61...0x7A: digit = Int(c) - 0x61
                default: return nil
                }
                i += digit * w
                if i > 0x10FFFF * 64 { return nil }
                let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                if digit < t { break }
                w *= base - t
                k += base
            }
            var delta = oldi == 0 ? (i - oldi) / damp : (i - oldi) / 2
            delta += delta / (output.count + 1)
            k = 0
            while delta > ((base - tmin) * tmax) / 2 { delta /= base - tmin; k += base }
            bias = k + ((base - tmin + 1) * delta) / (delta + skew)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF else { return nil }
            output.insert(UInt32(n), at: i)
            i += 1
        }
        var s = ""
        for v in output {
            guard let u = Unicode.Scalar(v) else { return nil }
            s.unicodeScalars.append(u)
        }
        return s
    }
}
