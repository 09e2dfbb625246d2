import EnrollCore
import JSONSchema

/// The on-the-spot check of one field: the whole document is validated by the project's own
/// engine (`FormValidator`: schema, formats, named rules) and the problems at the field, and at
/// the fields a named rule ties to it, are kept. No second implementation of any rule.
public struct FieldCheck: Sendable {
    /// One field's outcome (no problems: the field is clean and its message is cleared).
    public struct Result: Sendable {
        /// The field's pointer.
        public var pointer: String
        /// Its problems.
        public var problems: [Diagnostic]
    }

    /// The form.
    public let form: Form

    /// Creates the check for a form.
    public init(form: Form) {
        self.form = form
    }

    /// Checks a field.
    /// - Parameters:
    ///   - field: The pointer of the field just left.
    ///   - pairs: Every control of the form, as submitted.
    /// - Returns: The field's result first, then one per field a rule ties to it.
    public func check(field: String, pairs: [(name: String, value: String)]) -> [Result] {
        let formJSON = FormFieldDecoder(form: form).formJSON(pairs)
        let problems = FormValidator(form: form).validate(FormInput(formJSON: formJSON, attachments: []), root: "")
            .filter { $0.severity == .error && $0.location.pointer != nil }
        func isAt(_ problem: Diagnostic, _ pointer: String) -> Bool {
            guard let at = problem.location.pointer else { return false }
            return at == pointer || at.hasPrefix(pointer + "/")
        }
        var results = [Result(pointer: field, problems: problems.filter { isAt($0, field) })]
        for partner in partners(of: field) {
            let ruleProblems = problems.filter { isAt($0, partner) && $0.code != .formRequired }
            results.append(Result(pointer: partner, problems: ruleProblems))
        }
        return results
    }

    /// The fields a named rule reads together with `field`.
    func partners(of field: String) -> [String] {
        var partners: [String] = []
        for rule in form.rules {
            let pointers = rule.params.compactMap { $0.1.stringValue }.filter { $0.hasPrefix("/") }
            guard pointers.contains(field) else { continue }
            for pointer in pointers where pointer != field && !partners.contains(pointer) { partners.append(pointer) }
        }
        return partners
    }
}
