import Foundation

// The validation report as text, for people: one line per bundle and per archive, then a summary.

extension BundleCheck {
    /// The bundle's line after its verdict: path, form, application, revision and signer
    /// (`b1  harbin-public-primary-2024 0c2f… r1 (st1 4d2a…)`).
    public var headline: String {
        let what = header.map { "\($0.form) \($0.applicationID.uuidString.lowercased()) r\($0.revision)" } ?? ""
        let by = signer.map { " (\($0.name) \($0.key.keyID))" } ?? ""
        return what.isEmpty && by.isEmpty ? path : "\(path)  \(what)\(by)"
    }
}

extension ArchiveCheck {
    /// The archive's line after its verdict (`archive day.tar.zst: 12 bundles, batch signed by st1`).
    public var headline: String {
        "archive \(path): \(bundleCount) bundles\(signer.map { ", batch signed by \($0.name)" } ?? "")"
    }
}

extension ValidationSummary {
    /// The closing line of a run, with what was hashed and how fast.
    /// - Parameter language: The language.
    /// - Returns: `3 bundles: 2 valid, 1 invalid; 1.2 MiB hashed in 0.05 s (24.0 MiB/s)` or its Chinese.
    public func line(in language: Language) -> String {
        let megabytes = Double(bytes) / 1_048_576
        let rate = seconds > 0 ? megabytes / seconds : 0
        switch language {
        case .zh:
            let archivesPart = archives == 0 ? "" : "，\(archives) 个归档（\(invalidArchives) 个有问题）"
            return "共 \(bundles) 个申请包：\(valid) 个通过，\(invalid) 个失败\(archivesPart)；"
                + String(format: "校验 %.1f MiB，用时 %.2f 秒（%.1f MiB/秒）", megabytes, seconds, rate)
        case .en:
            let archivesPart = archives == 0 ? "" : ", \(archives) archives (\(invalidArchives) invalid)"
            return "\(bundles) bundles: \(valid) valid, \(invalid) invalid\(archivesPart); "
                + String(format: "%.1f MiB hashed in %.2f s (%.1f MiB/s)", megabytes, seconds, rate)
        }
    }
}

extension ValidationReport {
    /// The verdict word that starts a row on a terminal: `OK  ` or `FAIL`, `通过` or `失败`.
    /// - Parameters:
    ///   - valid: Whether the row passed.
    ///   - language: The language.
    public static func verdict(_ valid: Bool, in language: Language) -> String {
        switch language {
        case .zh: valid ? "通过" : "失败"
        case .en: valid ? "OK  " : "FAIL"
        }
    }

    /// The report as a text file (`--report FILE` with text): the archives' lines, then the
    /// bundles' lines, each followed by its problems, then the summary line.
    ///
    /// Verdicts are `OK  ` and `FAIL` in every language, so scripts can grep a report file;
    /// the problems and the summary are in `language`. Needs the rows (`keepingRows`).
    /// - Parameter language: The language of the problems and the summary.
    /// - Returns: The text, without a final newline.
    public func text(in language: Language) -> String {
        var lines: [String] = []
        for archive in archives {
            lines.append("\(Self.verdict(archive.isValid, in: .en))  \(archive.headline)")
            lines += archive.diagnostics.map { $0.rendered(in: language) }
        }
        for bundle in bundles {
            lines.append("\(Self.verdict(bundle.isValid, in: .en))  \(bundle.headline)")
            lines += bundle.diagnostics.map { $0.rendered(in: language) }
        }
        lines.append(summary.line(in: language))
        return lines.joined(separator: "\n")
    }
}
