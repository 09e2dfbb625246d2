/// A diagnostic as scripts read it (`--format json` of every reporting command).
///
/// `location` is DESIGN §8's field: the JSON pointer when there is one, else the file path.
/// The parts of the location follow separately, and `messages` carries both languages.
public struct DiagnosticJSON: Encodable, Sendable, Hashable {
    /// The stable dotted code (`form.required`).
    public var code: String
    /// `error` or `warning`.
    public var severity: String
    /// The JSON pointer when there is one, else the file path (DESIGN §8's `location`).
    public var location: String
    /// The file, when the problem is in one.
    public var file: String?
    /// The JSON pointer into the form data.
    public var pointer: String?
    /// The line, 1-based.
    public var line: Int?
    /// The column, 1-based.
    public var column: Int?
    /// The archive entry.
    public var entry: String?
    /// The message in the report's language.
    public var message: String
    /// The message in both languages.
    public var messages: LocalizedText

    /// The JSON form of a diagnostic.
    /// - Parameters:
    ///   - diagnostic: The diagnostic.
    ///   - language: The language of `message`.
    public init(_ diagnostic: Diagnostic, _ language: Language) {
        code = diagnostic.code.rawValue
        severity = diagnostic.severity.rawValue
        location = diagnostic.location.pointer ?? diagnostic.location.file ?? ""
        file = diagnostic.location.file
        pointer = diagnostic.location.pointer
        line = diagnostic.location.line
        column = diagnostic.location.column
        entry = diagnostic.location.entry
        message = diagnostic.message.text(in: language)
        messages = diagnostic.message
    }
}
