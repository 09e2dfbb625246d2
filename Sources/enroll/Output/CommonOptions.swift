import ArgumentParser
import EnrollCore

/// How a command reports.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    /// JUnit XML, for CI systems (validate and verify; elsewhere the same as json).
    case junit
}

/// Flags every reporting command shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: text (for people), json (for scripts) or junit (validate/verify, for CI).")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Message language: zh or en (default: from the locale).")
    var lang: Language?

    /// The language messages are printed in.
    var language: Language { lang ?? Language.fromEnvironment() }
}

extension Language: ExpressibleByArgument {}

/// The language flag alone, for commands whose `--format` means something else (`pack`).
struct LanguageOption: ParsableArguments {
    @Option(name: .long, help: "Message language: zh or en (default: from the locale).")
    var lang: Language?

    @Flag(name: .long, help: "Report as JSON for scripts.")
    var json = false

    /// The equivalent common options.
    var common: CommonOptions {
        var options = CommonOptions()
        options.lang = lang
        options.format = json ? .json : .text
        return options
    }
}

/// The message language alone, for commands whose output is data (exports).
struct MessageLanguage: ParsableArguments {
    @Option(name: .long, help: "Message language: zh or en (default: from the locale).")
    var lang: Language?

    /// The language messages are printed in.
    var language: Language { lang ?? Language.fromEnvironment() }
}

/// Where to find the form schemas.
struct FormSchemaOptions: ParsableArguments {
    @Option(name: .long, help: "Directory holding the form schemas (default: ENROLL_SCHEMAS, or Schemas/ beside the program).")
    var schemas: String?

    /// The form catalog.
    func catalog() throws -> FormCatalog {
        try FormCatalog(directory: schemas)
    }
}
