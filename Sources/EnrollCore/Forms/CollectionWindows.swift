import Foundation

/// When a form's applications may be submitted (`x-enroll-windows`, docs/FORMS.md): both ends
/// inclusive, times with their offset (the seeds' are Asia/Shanghai).
public struct CollectionWindow: Sendable, Hashable {
    /// The first second of the window.
    public var from: Date
    /// The last second of the window.
    public var to: Date
    /// What the window is, in the manual's words.
    public var label: LocalizedText

    /// Whether a time lies in the window.
    public func contains(_ date: Date) -> Bool { from <= date && date <= to }

    /// `2024-06-03T08:00:00+08:00 – 2024-06-14T23:59:59+08:00`.
    public var text: String { StoreClock.signingText(from) + " – " + StoreClock.signingText(to) }
}

/// The collection-window rule (DESIGN §12) as a pure function: the station refuses to submit
/// outside the form's windows unless the registrar gives a reason (`--late-reason`), and the
/// district flags a bundle signed outside them (`outside-window`).
public enum CollectionWindowRule {
    /// Whether a time is inside one of the windows (always, for a form that declares none).
    public static func isInside(_ date: Date, _ windows: [CollectionWindow]) -> Bool {
        windows.isEmpty || windows.contains { $0.contains(date) }
    }

    /// Checks a submission at the station.
    /// - Parameters:
    ///   - form: The form.
    ///   - signedAt: When the bundle is signed (提交).
    ///   - lateReason: The registrar's reason for a late (or early) submission.
    ///   - file: The bundle, for the location.
    /// - Returns: `form.outside-window` when the time is outside every window and no reason is
    ///   given; nothing otherwise.
    public static func check(form: Form, signedAt: Date, lateReason: String?, file: String?) -> [Diagnostic] {
        guard !isInside(signedAt, form.windows) else { return [] }
        if let lateReason, !lateReason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return [] }
        let windows = form.windows.map(\.text).joined(separator: "; ")
        return [.error(
            .formOutsideWindow, Location(file: file),
            zh: "现在（\(StoreClock.signingText(signedAt))）不在“\(form.label.zh)”的采集时间内（\(windows)），不能提交。如确需补录，请登记员用 --late-reason 写明原因，区教育局会看到。",
            en: "Now (\(StoreClock.signingText(signedAt))) is outside the collection window of \"\(form.label.en)\" (\(windows)), so the application cannot be submitted. If it must be, the registrar gives the reason with --late-reason; the district will see it.")]
    }
}
