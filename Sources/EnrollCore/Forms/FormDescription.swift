/// A form described for people and scripts (`enroll forms show`): its fields, attachment
/// slots and rules, as plain values that encode to JSON.
public struct FormDescription: Encodable, Sendable {
    /// A field of the form data.
    public struct Field: Encodable, Sendable {
        /// The field's JSON pointer (`/student/name`).
        public var pointer: String
        /// Its label in both languages.
        public var label: LocalizedText
        /// Whether it is always required.
        public var required: Bool
        /// Its JSON type, when the schema names one.
        public var type: String?
        /// The values it may take, when it is a choice.
        public var options: [String]?
        /// Its format (`cn-resident-id`, `date`…).
        public var format: String?
    }

    /// An attachment slot.
    public struct Slot: Encodable, Sendable {
        /// The slot's id (`student-photo`).
        public var id: String
        /// Its label in both languages.
        public var label: LocalizedText
        /// `always`, `conditional` or `optional`.
        public var required: String
        /// How many files it takes (`1–2`, `0+`).
        public var count: String
        /// The media types it accepts.
        public var mediaTypes: [String]
        /// The largest file it accepts, in bytes.
        public var maxBytes: Int64
        /// The exact pixel size it asks for (`295x413`).
        public var pixelSize: String?
    }

    /// A named rule.
    public struct Rule: Encodable, Sendable {
        /// The rule's id within the form.
        public var id: String
        /// The rule it applies (`id-birth-date`, `one-per-child`…).
        public var rule: String
        /// Its label in both languages.
        public var label: LocalizedText
        /// Whether it applies only under a condition.
        public var conditional: Bool
    }

    /// The form's id.
    public var id: String
    /// Its version.
    public var version: String
    /// Its title in both languages.
    public var label: LocalizedText
    /// Every field, in schema order.
    public var fields: [Field]
    /// The attachment slots.
    public var attachments: [Slot]
    /// The rules checked within one application.
    public var rules: [Rule]
    /// The rules checked across applications at the district.
    public var crossApplicationRules: [Rule]

    /// Describes a form.
    /// - Parameter form: The compiled form.
    public init(_ form: Form) {
        id = form.id
        version = form.version
        label = form.label
        fields = form.fieldList().map {
            Field(pointer: $0.pointer, label: $0.label, required: $0.required, type: $0.type, options: $0.options, format: $0.format)
        }
        attachments = form.slots.map { slot in
            Slot(id: slot.id, label: slot.label,
                 required: slot.required ? "always" : (slot.requiredIf != nil ? "conditional" : "optional"),
                 count: slot.maxCount == Int.max ? "\(slot.minCount)+" : "\(slot.minCount)–\(slot.maxCount)",
                 mediaTypes: slot.mediaTypes.map(\.rawValue), maxBytes: slot.maxBytes,
                 pixelSize: slot.pixelSize.map { "\($0.width)x\($0.height)" })
        }
        rules = form.rules.map { Rule(id: $0.id, rule: $0.rule, label: $0.label, conditional: $0.when != nil) }
        crossApplicationRules = form.crossApplicationRules.map { Rule(id: $0.id, rule: $0.rule, label: $0.label, conditional: false) }
    }
}
