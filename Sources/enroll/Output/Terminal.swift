import ArgumentParser
import EnrollCore
import Foundation

/// Printing for people and for scripts.
enum Terminal {
    /// Writes a line to standard output.
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes a line to standard error.
    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints an encodable value as pretty, key-sorted JSON on standard output.
    static func json(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        out(String(decoding: data, as: UTF8.self))
    }

    /// Whether standard output is a terminal that wants colour (`NO_COLOR` turns it off).
    static let colour: Bool = isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    /// Text in green (good) or red (bad) on a colour terminal; plain otherwise.
    static func mark(_ text: String, good: Bool) -> String {
        colour ? "\u{1B}[\(good ? 32 : 31)m\(text)\u{1B}[0m" : text
    }

    /// Prints diagnostics for people on standard error, warnings and errors alike.
    static func report(_ diagnostics: [Diagnostic], _ language: Language) {
        for diagnostic in diagnostics { err(diagnostic.rendered(in: language)) }
    }

    /// Writes text to a file (replacing it whole, atomically) or, without a path, to standard
    /// output.
    /// - Throws: `EnrollError` `io.failed` (exit status 2) naming the file if it cannot be written.
    static func emit(_ text: String, to path: String?) throws {
        guard let path else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            let reason = (error as NSError).localizedDescription
            throw EnrollError.io(
                .ioFailed, Location(file: path),
                zh: "无法写入文件（\(reason)）。请检查它所在的目录是否存在、是否有写权限。",
                en: "Cannot write the file (\(reason)). Check that its directory exists and that you may write there.")
        }
    }
}

/// Runs a command body, turning `EnrollError` into printed diagnostics and exit status 1 or 2.
@discardableResult
func reportingErrors<T>(_ options: CommonOptions, _ body: () throws -> T) throws -> T {
    try reportingErrors(language: options.language, format: options.format, body)
}

/// Runs `body`, printing an `EnrollError`'s diagnostics in `language` (as JSON unless `format`
/// is text) and exiting with its status.
func reportingErrors<T>(language: Language, format: OutputFormat, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as EnrollError {
        if format != .text {
            Terminal.json(["errors": error.diagnostics.map { DiagnosticJSON($0, language) }])
        } else {
            Terminal.report(error.diagnostics, language)
        }
        throw ExitCode(error.exitStatus.rawValue)
    }
}
