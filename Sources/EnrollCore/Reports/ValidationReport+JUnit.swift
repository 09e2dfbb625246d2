import Foundation

// The validation report as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub) read.

extension ValidationReport {
    /// The report as a JUnit XML document (needs the rows: `keepingRows`).
    ///
    /// `<testsuites>` holds a suite `bundles` with one `<testcase>` per bundle (its form as
    /// the class name, its path as the name) and, when archives were checked, a suite
    /// `archives` with one per archive. A failing case carries one `<failure>` per error,
    /// with the code as its type, the message as its message, and the location and message
    /// as its text.
    /// - Parameter language: The language of the messages.
    /// - Returns: The XML text, without a final newline.
    public func junit(in language: Language) -> String {
        let failedBundles = bundles.filter { !$0.isValid }.count
        let failedArchives = archives.filter { !$0.isValid }.count
        let time = String(format: "%.3f", summary.seconds)
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="enroll validate" tests="\#(bundles.count + archives.count)" failures="\#(failedBundles + failedArchives)" time="\#(time)">"# + "\n"
        xml += #"  <testsuite name="bundles" tests="\#(bundles.count)" failures="\#(failedBundles)">"# + "\n"
        for bundle in bundles {
            xml += JUnitXML.testcase(classname: bundle.header?.form ?? "bundle", name: bundle.path, errors: bundle.diagnostics.errors, language)
        }
        xml += "  </testsuite>\n"
        if !archives.isEmpty {
            xml += #"  <testsuite name="archives" tests="\#(archives.count)" failures="\#(failedArchives)">"# + "\n"
            for archive in archives {
                xml += JUnitXML.testcase(classname: "archive", name: archive.path, errors: archive.diagnostics.errors, language)
            }
            xml += "  </testsuite>\n"
        }
        xml += "</testsuites>"
        return xml
    }
}

/// Pieces of JUnit XML.
enum JUnitXML {
    static func testcase(classname: String, name: String, errors: [Diagnostic], _ language: Language) -> String {
        var xml = #"    <testcase classname="\#(attribute(classname))" name="\#(attribute(name))""#
        guard !errors.isEmpty else { return xml + "/>\n" }
        xml += ">\n"
        for error in errors {
            let location = error.location
            let place = [location.file, location.pointer, location.line.map { "line \($0)" }, location.entry]
                .compactMap { $0 }.joined(separator: " ")
            let message = error.message.text(in: language)
            xml += #"      <failure type="\#(attribute(error.code.rawValue))" message="\#(attribute(message))">\#(text(place + ": " + message))</failure>"# + "\n"
        }
        return xml + "    </testcase>\n"
    }

    /// Escapes text for XML content, dropping characters XML 1.0 forbids.
    static func text(_ value: String) -> String {
        escape(value, inAttribute: false)
    }

    /// Escapes text for a double-quoted XML attribute; tabs and line breaks become character
    /// references, which attribute-value normalisation would otherwise turn into spaces.
    static func attribute(_ value: String) -> String {
        escape(value, inAttribute: true)
    }

    private static func escape(_ value: String, inAttribute: Bool) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r":
                if inAttribute { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
            default:
                // XML 1.0 allows no other control characters, no surrogates (Swift has none in
                // a String) and neither U+FFFE nor U+FFFF.
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
