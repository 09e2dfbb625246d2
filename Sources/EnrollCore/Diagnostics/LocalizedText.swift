import Foundation

/// The language messages are shown in.
///
/// Every user-facing message in enroll exists in Chinese and English; the command line picks one
/// with `--lang`, or from the locale.
public enum Language: String, Sendable, Codable, CaseIterable {
    /// Simplified Chinese (简体中文).
    case zh
    /// English.
    case en

    /// The language the environment's locale asks for.
    ///
    /// Reads `LC_ALL`, then `LC_MESSAGES`, then `LANG`, as POSIX does; a value starting with `zh`
    /// selects Chinese, anything else English.
    /// - Parameter environment: The process environment to read.
    /// - Returns: `.zh` for a Chinese locale, `.en` otherwise.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                return value.lowercased().hasPrefix("zh") ? .zh : .en
            }
        }
        return .en
    }
}

/// A message in both of enroll's languages.
public struct LocalizedText: Hashable, Codable {
    /// The Chinese text.
    public var zh: String
    /// The English text.
    public var en: String

    /// Creates a message from its two translations.
    /// - Parameters:
    ///   - zh: The Chinese text.
    ///   - en: The English text.
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in one language.
    /// - Parameter language: The language wanted.
    /// - Returns: The translation for `language`.
    public func text(in language: Language) -> String {
        switch language {
        case .zh: zh
        case .en: en
        }
    }
}

extension LocalizedText: Sendable {}
