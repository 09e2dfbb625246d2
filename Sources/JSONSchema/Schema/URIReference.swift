import Foundation

/// A minimal RFC 3986 URI reference: parsing, resolution and recomposition.
///
/// Foundation's `URL` is not used because it rejects or rewrites URNs and tag URIs that
/// JSON Schema identifiers commonly use.
struct URIReference: Sendable, Hashable {
    var scheme: String?
    var authority: String?
    var path: String
    var query: String?
    var fragment: String?

    init(scheme: String?, authority: String?, path: String, query: String?, fragment: String?) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
        self.query = query
        self.fragment = fragment
    }

    init(parsing string: String) {
        var rest = Substring(string)
        if let h = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: h)...])
            rest = rest[..<h]
        }
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        if let c = rest.firstIndex(of: ":"), c > rest.startIndex {
            let candidate = rest[..<c]
            let ok = candidate.first!.isASCII && candidate.first!.isLetter
                && candidate.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
            if ok {
                scheme = String(candidate).lowercased()
                rest = rest[rest.index(after: c)...]
            }
        }
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(of: "/") ?? rest.endIndex
            authority = String(rest[..<end])
            rest = rest[end...]
        }
        path = String(rest)
    }

    /// The reference as a string.
    var string: String {
        var out = ""
        if let scheme { out += scheme + ":" }
        if let authority { out += "//" + authority }
        out += path
        if let query { out += "?" + query }
        if let fragment { out += "#" + fragment }
        return out
    }

    /// The reference without its fragment.
    var withoutFragment: URIReference {
        var c = self
        c.fragment = nil
        return c
    }

    /// Resolves this (possibly relative) reference against `base` (RFC 3986 §5.2.2).
    func resolved(against base: URIReference) -> URIReference {
        if scheme != nil {
            return URIReference(scheme: scheme, authority: authority, path: Self.removeDotSegments(path), query: query, fragment: fragment)
        }
        if authority != nil {
            return URIReference(scheme: base.scheme, authority: authority, path: Self.removeDotSegments(path), query: query, fragment: fragment)
        }
        if path.isEmpty {
            return URIReference(scheme: base.scheme, authority: base.authority, path: base.path, query: query ?? base.query, fragment: fragment)
        }
        var merged: String
        if path.hasPrefix("/") {
            merged = path
        } else if base.authority != nil && base.path.isEmpty {
            merged = "/" + path
        } else if let slash = base.path.lastIndex(of: "/") {
            merged = String(base.path[...slash]) + path
        } else {
            merged = path
        }
        merged = Self.removeDotSegments(merged)
        return URIReference(scheme: base.scheme, authority: base.authority, path: merged, query: query, fragment: fragment)
    }

    static func removeDotSegments(_ path: String) -> String {
        guard path.contains(".") else { return path }
        var input = Substring(path)
        var output: [Substring] = []
        let absolute = path.hasPrefix("/")
        var segments = input.split(separator: "/", omittingEmptySubsequences: false)
        if absolute { segments.removeFirst() }
        let trailing = segments.last == "." || segments.last == ".."
        for seg in segments {
            if seg == "." { continue }
            if seg == ".." { if !output.isEmpty { output.removeLast() }; continue }
            output.append(seg)
        }
        input = Substring(output.joined(separator: "/"))
        var result = (absolute ? "/" : "") + input
        if trailing { result += "/" }
        return result
    }

    /// Resolves `reference` against `base`, both given as strings.
    static func resolve(_ reference: String, against base: String) -> String {
        URIReference(parsing: reference).resolved(against: URIReference(parsing: base)).string
    }

    /// Splits an absolute URI into its fragment-less part and its (possibly empty) fragment.
    static func split(_ uri: String) -> (base: String, fragment: String) {
        if let h = uri.firstIndex(of: "#") {
            return (String(uri[..<h]), String(uri[uri.index(after: h)...]))
        }
        return (uri, "")
    }
}
