import ArgumentParser
import EnrollCore
import Foundation

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

/// Where to find the form schemas.
struct FormSchemaOptions: ParsableArguments {
    @Option(name: .long, help: "Directory holding the form schemas (default: ENROLL_SCHEMAS, or Schemas/ beside the program).")
    var schemas: String?
}

/// A station's signing key.
struct SigningOptions: ParsableArguments {
    @Option(name: .long, help: "The station's secret key (signify format, mode 0600).")
    var key: String?

    @Option(name: .long, help: "The station's name (default: the key file's name without .sec).")
    var station: String?

    /// The key and station name, or nil when no key was given.
    func signer() throws -> (key: SignifySecretKey, station: String)? {
        guard let key else { return nil }
        let secret = try SignifySecretKey(contentsOf: key)
        let name = station ?? ((key as NSString).lastPathComponent as NSString).deletingPathExtension
        return (secret, name)
    }
}

/// The language flag alone, for commands whose `--format` means something else.
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
