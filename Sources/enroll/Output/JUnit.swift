import EnrollCore
import Foundation

/// JUnit XML reports, the format CI systems (Jenkins, GitLab, GitHub) read.
///
/// One `<testcase>` per bundle and per archive; a failing one carries a `<failure>` per error
/// with the code as its type and the location and message as its text.
enum JUnit {
    static func document(_ bundles: [BundleJSON], archives: [ArchiveJSON], seconds: Double, language: Language) -> String {
        let failures = bundles.filter { !$0.valid }.count + archives.filter { !$0.valid }.count
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="enroll validate" tests="\#(bundles.count + archives.count)" failures="\#(failures)" time="\#(String(format: "%.3f", seconds))">"# + "\n"
        xml += #"  <testsuite name="bundles" tests="\#(bundles.count)" failures="\#(bundles.filter { !$0.valid }.count)">"# + "\n"
        for bundle in bundles {
            xml += testcase(classname: bundle.form ?? "bundle", name: bundle.path, errors: bundle.errors)
        }
        xml += "  </testsuite>\n"
        if !archives.isEmpty {
            xml += #"  <testsuite name="archives" tests="\#(archives.count)" failures="\#(archives.filter { !$0.valid }.count)">"# + "\n"
            for archive in archives {
                xml += testcase(classname: "archive", name: archive.path, errors: archive.errors)
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>"
        return xml
    }

    private static func testcase(classname: String, name: String, errors: [DiagnosticJSON]) -> String {
        var xml = #"    <testcase classname="\#(escape(classname))" name="\#(escape(name))""#
        guard !errors.isEmpty else { return xml + "/>\n" }
        xml += ">\n"
        for error in errors {
            let place = [error.file, error.pointer, error.line.map { "line \($0)" }, error.entry].compactMap { $0 }.joined(separator: " ")
            xml += #"      <failure type="\#(escape(error.code))" message="\#(escape(error.message))">\#(escape(place + ": " + error.message))</failure>"# + "\n"
        }
        return xml + "    </testcase>\n"
    }

    /// Escapes text for XML attributes and content, dropping characters XML 1.0 forbids.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
