import JSONSchema

/// The cross-application rules of a form (DESIGN §5), checked at the district: one
/// application per child ID number (`unique`), at most N applications per guardian phone
/// (`quota`). Both applications are kept; each rule only raises flags for a reviewer.
///
/// What the rules read from an application is pure (``facts(form:document:)``); the store
/// runs the queries and asks ``quotaExceeded(sharing:max:)``.
public enum CrossApplicationRules {
    /// What the rules need from one application's form data.
    public struct Facts: Sendable, Hashable, Codable {
        /// The child's ID number (the `unique` rule's key), if the form has the rule.
        public var childID: String?
        /// Each guardian phone with the most applications that may share it.
        public var phones: [PhoneQuota]
    }

    /// A guardian phone and the most applications of the form that may share it.
    public struct PhoneQuota: Sendable, Hashable, Codable {
        public var phone: String
        public var max: Int
    }

    /// Reads the rules' keys from an application's form data. Empty values and "无" (none)
    /// are not keys.
    public static func facts(form: Form, document: JSONValue) -> Facts {
        var facts = Facts(childID: nil, phones: [])
        for rule in form.crossApplicationRules {
            let values = Set(rule.keys.compactMap { document.value(at: $0)?.stringValue }.filter { !$0.isEmpty && $0 != "无" }).sorted()
            switch rule.rule {
            case "unique":
                if facts.childID == nil { facts.childID = values.first }
            case "quota":
                facts.phones += values.map { PhoneQuota(phone: $0, max: rule.max) }
            default:
                continue
            }
        }
        return facts
    }

    /// Whether a phone shared by `sharing` live applications of one form breaks its quota.
    public static func quotaExceeded(sharing: Int, max: Int) -> Bool { sharing > max }
}
