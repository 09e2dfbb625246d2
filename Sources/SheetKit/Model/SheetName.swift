/// Why a sheet name was refused.
public enum SheetNameProblem: Sendable, Hashable {
    /// The name is empty.
    case empty
    /// Longer than Excel's 31 characters (UTF-16 code units).
    case tooLong(limit: Int)
    /// Holds a character Excel forbids in sheet names: `[ ] : * ? / \` or a control character.
    case forbiddenCharacter(Character)
    /// Starts or ends with an apostrophe, which Excel reserves for quoting.
    case apostropheAtEdge
    /// `History`, which Excel reserves.
    case reserved

    /// A short English explanation.
    public var description: String {
        switch self {
        case .empty: "the name is empty"
        case .tooLong(let limit): "the name is longer than \(limit) characters"
        case .forbiddenCharacter(let character):
            "the name contains \(Self.shown(character)), which Excel does not allow (none of [ ] : * ? / \\ or control characters)"
        case .apostropheAtEdge: "the name starts or ends with an apostrophe"
        case .reserved: "'History' is reserved by Excel"
        }
    }

    /// The same in Chinese.
    public var chineseDescription: String {
        switch self {
        case .empty: "名称为空"
        case .tooLong(let limit): "名称超过 \(limit) 个字符"
        case .forbiddenCharacter(let character):
            "名称含有 Excel 不允许的字符 \(Self.shown(character))（不能含 [ ] : * ? / \\ 或控制字符）"
        case .apostropheAtEdge: "名称以撇号（'）开头或结尾"
        case .reserved: "“History”是 Excel 的保留名称"
        }
    }

    /// `'*'`, or `U+0007` for a control character.
    private static func shown(_ character: Character) -> String {
        let scalar = character.unicodeScalars.first!
        if scalar.value < 0x20 || scalar.value == 0x7F { return "U+" + String(scalar.value, radix: 16, uppercase: true) }
        return "'\(character)'"
    }
}

/// Excel's rules for sheet names.
public enum SheetName {
    /// Longest sheet name Excel accepts, in UTF-16 code units.
    public static let maxLength = 31

    /// Why `name` cannot name a sheet, or `nil` if it can.
    public static func problem(with name: String) -> SheetNameProblem? {
        if name.isEmpty { return .empty }
        if name.utf16.count > maxLength { return .tooLong(limit: maxLength) }
        for character in name {
            if "[]:*?/\\".contains(character) || character.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return .forbiddenCharacter(character)
            }
        }
        if name.hasPrefix("'") || name.hasSuffix("'") { return .apostropheAtEdge }
        if name.lowercased() == "history" { return .reserved }
        return nil
    }

    /// A name Excel accepts made from `proposed` (a school's or a form's name): each forbidden
    /// or control character becomes `_`, apostrophes at the edges are dropped, and the name is
    /// cut to ``maxLength`` UTF-16 code units (never inside a character); `fallback` if
    /// nothing is left. Uniqueness is the caller's business.
    public static func fitting(_ proposed: String, fallback: String = "Sheet") -> String {
        var name = ""
        for character in proposed {
            let forbidden = "[]:*?/\\".contains(character) || character.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            let next = forbidden ? "_" : String(character)
            if name.utf16.count + next.utf16.count > maxLength { break }
            name += next
        }
        while name.hasPrefix("'") { name.removeFirst() }
        while name.hasSuffix("'") { name.removeLast() }
        if name.isEmpty || problem(with: name) != nil { return fallback }
        return name
    }

    /// The name quoted for a formula or defined name: `'学生 名单'`, apostrophes doubled.
    static func quoted(_ name: String) -> String {
        "'" + name.replacingAll("'", with: "''") + "'"
    }
}

extension String {
    /// Every occurrence of `target` replaced by `replacement` (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
