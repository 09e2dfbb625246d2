import ArgumentParser
import EnrollCore
import Foundation

/// Runs a validation and prints it, as `enroll validate` and `enroll verify` do.
///
/// Text for a terminal is printed row by row as results arrive (input order) and the rows are
/// not kept; JSON, JUnit and a `--report` file are rendered at the end from the kept rows,
/// with a progress bar on a terminal meanwhile.
enum CheckPrinting {
    /// Checks `paths` and prints the report.
    /// - Returns: Whether everything passed.
    static func run(_ run: ValidationRun, paths: [String], common: CommonOptions, report: ReportOption) throws -> Bool {
        let language = common.language
        let streaming = common.format == .text && report.report == nil
        let targets = try BundleDiscovery.targets(in: paths)
        let bar = ProgressBar(enabled: !streaming)
        let result = run.run(targets, keepingRows: !streaming, onEvent: { event in
            guard streaming else { return }
            switch event {
            case .archive(let archive): printRow(archive.isValid, archive.headline, archive.diagnostics, language)
            case .bundle(let bundle): printRow(bundle.isValid, bundle.headline, bundle.diagnostics, language)
            }
        }, progress: { done, total in bar.update(Int64(done), Int64(total)) })
        bar.finish()
        let document = switch common.format {
        case .json: try result.json(in: language)
        case .junit: result.junit(in: language)
        case .text: report.report == nil ? result.summary.line(in: language) : result.text(in: language)
        }
        if let path = report.report {
            try Terminal.emit(document + "\n", to: path)
            Terminal.out(result.summary.line(in: language))
        } else {
            Terminal.out(document)
        }
        return result.isValid
    }

    private static func printRow(_ valid: Bool, _ headline: String, _ diagnostics: [Diagnostic], _ language: Language) {
        Terminal.out("\(Terminal.mark(ValidationReport.verdict(valid, in: language), good: valid))  \(headline)")
        Terminal.report(diagnostics, language)
    }
}
