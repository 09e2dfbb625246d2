import Foundation

/// The error thrown by enroll's operations when they cannot go on.
///
/// Checks that can find many problems (bag validation, signature verification, form
/// validation) return `[Diagnostic]` instead of throwing, so that every problem is reported.
/// `EnrollError` is for the cases where work stops: a file that cannot be read, a key that is
/// not a key, a target that already exists. It carries one or more diagnostics and says whether
/// the failure is about the input being invalid (exit 1) or about usage and I/O (exit 2).
public struct EnrollError: Error {
    /// What went wrong, as diagnostics with codes, locations and bilingual messages.
    public var diagnostics: [Diagnostic]
    /// How a command that stops on this error exits: ``ExitStatus/invalid`` for invalid or
    /// refused input, ``ExitStatus/usageOrIO`` for usage and I/O failures.
    public var exitStatus: ExitStatus

    /// Creates an error from diagnostics.
    public init(_ diagnostics: [Diagnostic], exitStatus: ExitStatus = .invalid) {
        self.diagnostics = diagnostics
        self.exitStatus = exitStatus
    }

    /// Creates an invalid-input error (exit 1) with one diagnostic.
    public static func invalid(
        _ code: DiagnosticCode, _ location: Location = Location(), zh: String, en: String
    ) -> EnrollError {
        EnrollError([.error(code, location, zh: zh, en: en)])
    }

    /// Creates an I/O error (exit 2) with one diagnostic.
    public static func io(
        _ code: DiagnosticCode, _ location: Location = Location(), zh: String, en: String
    ) -> EnrollError {
        EnrollError([.error(code, location, zh: zh, en: en)], exitStatus: .usageOrIO)
    }

    /// Creates a usage error (exit 2) with one diagnostic: a flag or argument the command
    /// cannot work with.
    public static func usage(
        _ code: DiagnosticCode, _ location: Location = Location(), zh: String, en: String
    ) -> EnrollError {
        EnrollError([.error(code, location, zh: zh, en: en)], exitStatus: .usageOrIO)
    }
}

extension EnrollError: Sendable {}

extension EnrollError: CustomStringConvertible, LocalizedError {
    public var description: String {
        diagnostics.map { $0.rendered(in: .en) }.joined(separator: "\n")
    }

    public var errorDescription: String? { description }
}
