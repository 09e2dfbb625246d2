import Foundation

/// A `Tag-File-Character-Encoding` a bag declares, resolved to a decoder this platform has.
///
/// RFC 8493 §2.1.1 names the encoding by its IANA character-set name (`UTF-8`, `UTF-16`,
/// `ISO-8859-1`, `GB18030`, `Shift_JIS` …). UTF-8 and the UTF-16/UTF-32 forms are decoded by
/// the Swift standard library and Foundation; other names through `String.Encoding(ianaName:)`
/// or CoreFoundation's encoding numbers, and decoded by Foundation.
public struct TagFileEncoding: Sendable, Equatable {
    /// The decoder behind a name.
    enum Kind: Equatable {
        /// UTF-8.
        case utf8
        /// UTF-16 whose byte order comes from its byte-order mark (big-endian without one,
        /// RFC 2781 §4.3).
        case utf16
        /// UTF-16 in a fixed byte order, as `UTF-16LE` and `UTF-16BE` declare.
        case utf16Fixed(bigEndian: Bool)
        /// UTF-32 whose byte order comes from its byte-order mark (big-endian without one).
        case utf32
        /// UTF-32 in a fixed byte order.
        case utf32Fixed(bigEndian: Bool)
        /// Any other encoding Foundation decodes.
        case foundation(String.Encoding.RawValue)
    }

    /// The name as the bag declared it.
    public var declaredName: String
    let kind: Kind

    /// UTF-8, the encoding of every bag enroll writes.
    public static let utf8 = TagFileEncoding(declaredName: "UTF-8", kind: .utf8)

    /// Whether this is UTF-8.
    public var isUTF8: Bool { kind == .utf8 }

    /// Resolves an IANA character-set name, or nil when this platform cannot decode it.
    public init?(ianaName name: String) {
        let trimmed = name.trimmingCharacters(in: [" ", "\t"])
        let key = trimmed.uppercased().replacingOccurrences(of: "_", with: "-")
        declaredName = trimmed
        switch key {
        case "UTF-8", "UTF8": kind = .utf8
        case "UTF-16", "UTF16": kind = .utf16
        case "UTF-16LE": kind = .utf16Fixed(bigEndian: false)
        case "UTF-16BE": kind = .utf16Fixed(bigEndian: true)
        case "UTF-32", "UTF32": kind = .utf32
        case "UTF-32LE": kind = .utf32Fixed(bigEndian: false)
        case "UTF-32BE": kind = .utf32Fixed(bigEndian: true)
        default:
            guard let raw = Self.foundationEncoding(ianaName: trimmed) else { return nil }
            kind = .foundation(raw)
        }
    }

    private init(declaredName: String, kind: Kind) {
        self.declaredName = declaredName
        self.kind = kind
    }

    /// CoreFoundation's encoding numbers (`CFStringEncodings`) for the IANA names
    /// `String.Encoding(ianaName:)` does not know on Linux; a Foundation encoding is the
    /// number with bit 31 set (`CFStringConvertEncodingToNSStringEncoding`). Importing
    /// CoreFoundation itself into this module would change which module Swift sees as
    /// declaring `stat`, so its constants are listed here.
    private static let coreFoundationEncodings: [String: UInt32] = [
        "GB18030": 0x0632,  // kCFStringEncodingGB_18030_2000
        "GBK": 0x0421, "CP936": 0x0421,  // kCFStringEncodingDOSChineseSimplif
        "GB2312": 0x0930, "EUC-CN": 0x0930,  // kCFStringEncodingEUC_CN
        "EUC-KR": 0x0940,  // kCFStringEncodingEUC_KR
        "BIG5": 0x0A03,  // kCFStringEncodingBig5
        "BIG5-HKSCS": 0x0A06,  // kCFStringEncodingBig5_HKSCS_1999
        "KOI8-R": 0x0A02,  // kCFStringEncodingKOI8_R
        "KOI8-U": 0x0A08,  // kCFStringEncodingKOI8_U
        "ISO-2022-JP": 0x0820,  // kCFStringEncodingISO_2022_JP
        "ISO-8859-5": 0x0205, "ISO-8859-7": 0x0207, "ISO-8859-15": 0x020F,
        "WINDOWS-1251": 0x0502, "WINDOWS-1253": 0x0503, "WINDOWS-1254": 0x0504,
    ]

    /// The Foundation encoding of an IANA name: `String.Encoding(ianaName:)`, else CoreFoundation's
    /// number for it; nil unless a round trip of ASCII text through it works.
    private static func foundationEncoding(ianaName name: String) -> String.Encoding.RawValue? {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            return nil
        }
        var candidates: [String.Encoding] = []
        if let encoding = String.Encoding(ianaName: name) { candidates.append(encoding) }
        if let number = coreFoundationEncodings[name.uppercased().replacingOccurrences(of: "_", with: "-")] {
            candidates.append(String.Encoding(rawValue: String.Encoding.RawValue(0x8000_0000 | number)))
        }
        for encoding in candidates {
            if let probe = "Tag: 1\n".data(using: encoding), String(data: probe, encoding: encoding) == "Tag: 1\n" {
                return encoding.rawValue
            }
        }
        return nil
    }

    /// What decoding found.
    struct Decoded {
        /// The text, without any byte-order mark.
        var text: String
        /// Whether the bytes began with a byte-order mark (which was removed).
        var hadByteOrderMark: Bool
        /// Whether every byte was valid in the encoding.
        var isValid: Bool
    }

    /// Decodes bytes; invalid sequences become U+FFFD and `isValid` is false.
    func decode(_ bytes: ArraySlice<UInt8>) -> Decoded {
        switch kind {
        case .utf8:
            let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF])
            let content = bom ? bytes.dropFirst(3) : bytes
            if let valid = String(validating: content, as: UTF8.self) {
                return Decoded(text: valid, hadByteOrderMark: bom, isValid: true)
            }
            return Decoded(text: String(decoding: content, as: UTF8.self), hadByteOrderMark: bom, isValid: false)
        case .utf16:
            if bytes.starts(with: [0xFF, 0xFE]) { return Self.foundation(bytes.dropFirst(2), .utf16LittleEndian, bom: true) }
            if bytes.starts(with: [0xFE, 0xFF]) { return Self.foundation(bytes.dropFirst(2), .utf16BigEndian, bom: true) }
            return Self.foundation(bytes, .utf16BigEndian, bom: false)
        case .utf16Fixed(let bigEndian):
            let mark: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
            let bom = bytes.starts(with: mark)
            return Self.foundation(bom ? bytes.dropFirst(2) : bytes, bigEndian ? .utf16BigEndian : .utf16LittleEndian, bom: bom)
        case .utf32:
            if bytes.starts(with: [0xFF, 0xFE, 0x00, 0x00]) {
                return Self.foundation(bytes.dropFirst(4), .utf32LittleEndian, bom: true)
            }
            if bytes.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
                return Self.foundation(bytes.dropFirst(4), .utf32BigEndian, bom: true)
            }
            return Self.foundation(bytes, .utf32BigEndian, bom: false)
        case .utf32Fixed(let bigEndian):
            let mark: [UInt8] = bigEndian ? [0x00, 0x00, 0xFE, 0xFF] : [0xFF, 0xFE, 0x00, 0x00]
            let bom = bytes.starts(with: mark)
            return Self.foundation(bom ? bytes.dropFirst(4) : bytes, bigEndian ? .utf32BigEndian : .utf32LittleEndian, bom: bom)
        case .foundation(let raw):
            return Self.foundation(bytes, String.Encoding(rawValue: raw), bom: false)
        }
    }

    private static func foundation(_ bytes: ArraySlice<UInt8>, _ encoding: String.Encoding, bom: Bool) -> Decoded {
        if bytes.isEmpty { return Decoded(text: "", hadByteOrderMark: bom, isValid: true) }
        if let text = String(data: Data(bytes), encoding: encoding) {
            return Decoded(text: text, hadByteOrderMark: bom, isValid: true)
        }
        return Decoded(text: String(decoding: bytes, as: UTF8.self), hadByteOrderMark: bom, isValid: false)
    }
}
