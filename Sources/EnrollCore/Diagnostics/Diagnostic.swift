import Foundation

/// Where a problem is: a file, a place inside it, or an entry of an archive.
///
/// Every field is optional because problems are found at different depths: a missing bundle has
/// only a file, a schema error has a JSON pointer and a line and column, a hostile archive entry
/// has the archive's path and the entry's name.
public struct Location: Hashable, Codable {
    /// The file or directory the problem is in.
    public var file: String?
    /// An RFC 6901 JSON pointer inside a JSON document.
    public var pointer: String?
    /// A 1-based line number inside `file`.
    public var line: Int?
    /// A 1-based column number inside `file`.
    public var column: Int?
    /// The name of an entry inside an archive (`file` is then the archive).
    public var entry: String?

    /// Creates a location.
    public init(
        file: String? = nil, pointer: String? = nil, line: Int? = nil, column: Int? = nil,
        entry: String? = nil
    ) {
        self.file = file
        self.pointer = pointer
        self.line = line
        self.column = column
        self.entry = entry
    }

    /// This location with its file replaced (used when a check that knows only relative paths
    /// is reported for a bundle at a known place).
    public func inFile(_ path: String) -> Location {
        var copy = self
        copy.file = path
        return copy
    }
}

extension Location: Sendable {}

extension Location: CustomStringConvertible {
    /// `file:line:column [entry] pointer`, leaving out what is unknown.
    public var description: String {
        var parts: [String] = []
        if var text = file {
            if let line {
                text += ":\(line)"
                if let column { text += ":\(column)" }
            }
            parts.append(text)
        }
        if let entry { parts.append("[\(entry)]") }
        if let pointer { parts.append(pointer.isEmpty ? "(document)" : pointer) }
        return parts.joined(separator: " ")
    }
}

/// One problem found in a bag, a bundle, a form, an archive or a store.
///
/// A diagnostic has a stable dotted code (`bag.checksum-mismatch`, `sig.untrusted-key`,
/// `form.required`…) that scripts rely on, a location, a severity and a message in both
/// languages that says what is wrong and what to do.
public struct Diagnostic: Hashable {
    /// How bad a problem is.
    public enum Severity: String, Sendable, Codable, Comparable {
        /// Reported but does not make the subject invalid.
        case warning
        /// Makes the subject invalid.
        case error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .warning && rhs == .error
        }
    }

    /// The stable code, e.g. `bag.checksum-mismatch`.
    public var code: DiagnosticCode
    /// Whether the problem invalidates the subject.
    public var severity: Severity
    /// Where the problem is.
    public var location: Location
    /// What is wrong and what to do, in Chinese and English.
    public var message: LocalizedText

    /// Creates a diagnostic.
    public init(
        code: DiagnosticCode, severity: Severity = .error, location: Location = Location(),
        message: LocalizedText
    ) {
        self.code = code
        self.severity = severity
        self.location = location
        self.message = message
    }

    /// Creates an error diagnostic from its two translations.
    public static func error(
        _ code: DiagnosticCode, _ location: Location = Location(), zh: String, en: String
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .error, location: location, message: LocalizedText(zh: zh, en: en))
    }

    /// Creates a warning diagnostic from its two translations.
    public static func warning(
        _ code: DiagnosticCode, _ location: Location = Location(), zh: String, en: String
    ) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, location: location, message: LocalizedText(zh: zh, en: en))
    }

    /// One line for a person: `error[code] location: message`.
    public func rendered(in language: Language) -> String {
        let place = location.description
        let head = "\(severity.rawValue)[\(code)]"
        return place.isEmpty
            ? "\(head): \(message.text(in: language))"
            : "\(head) \(place): \(message.text(in: language))"
    }
}

extension Diagnostic: Sendable {}

extension Diagnostic {
    /// This diagnostic with a file path under `directory` renamed to the same path under
    /// `name` (a staging directory reported as the archive entry or source it came from).
    public func relocated(from directory: String, to name: String) -> Diagnostic {
        var copy = self
        if let file = copy.location.file, file.hasPrefix(directory) {
            copy.location.file = name + file.dropFirst(directory.count)
        }
        return copy
    }
}

extension Diagnostic: CustomStringConvertible {
    public var description: String { rendered(in: .en) }
}

extension Array where Element == Diagnostic {
    /// Whether any element is an error (not just a warning).
    public var containsErrors: Bool { contains { $0.severity == .error } }
    /// The errors only.
    public var errors: [Diagnostic] { filter { $0.severity == .error } }
    /// The warnings only.
    public var warnings: [Diagnostic] { filter { $0.severity == .warning } }
}
