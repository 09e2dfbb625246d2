import XMLKit

#if canImport(Glibc)
import Glibc
#endif

/// Excel's escapes for characters XML cannot hold (ECMA-376 Part 1, §22.9.2.19 ST_Xstring).
///
/// A character such as U+0001 is written `_x0001_`; an underscore that would otherwise start
/// something that looks like an escape is written `_x005F_`. Excel, LibreOffice and openpyxl
/// decode these in strings.
enum CellText {
    /// `text` with every character XML cannot carry, and every underscore that starts an
    /// escape-like sequence, escaped.
    static func escape(_ text: String) -> String {
        guard XMLCharacters.firstInvalidCharacter(in: text) != nil || hasUnderscore(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            let invalid = (value < 0x20 && value != 0x09 && value != 0x0A && value != 0x0D) || value == 0xFFFE || value == 0xFFFF
            if invalid || (scalar == "_" && escapeAt(scalars, index) != nil) {
                result.append(contentsOf: hexEscape(value).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// `text` with `_xHHHH_` escapes decoded.
    static func unescape(_ text: String) -> String {
        guard hasUnderscore(text) else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", let decoded = escapeAt(scalars, index) {
                result.append(decoded)
                index += 7
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        return String(result)
    }

    /// Whether `text` has an underscore, which every escape starts with (`memchr`: this runs
    /// for every cell).
    private static func hasUnderscore(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(UInt8(ascii: "_")), bytes.count) != nil
        }
    }

    /// The character escaped at `index` (`_x` + four hex digits + `_`), if there is one.
    private static func escapeAt(_ scalars: [Unicode.Scalar], _ index: Int) -> Unicode.Scalar? {
        guard index + 6 < scalars.count, scalars[index] == "_", scalars[index + 1] == "x", scalars[index + 6] == "_" else {
            return nil
        }
        var value: UInt32 = 0
        for scalar in scalars[(index + 2)...(index + 5)] {
            guard scalar.isASCII, let digit = Int(String(scalar), radix: 16) else { return nil }
            value = value * 16 + UInt32(digit)
        }
        return Unicode.Scalar(value)
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "_x" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "_"
    }
}
