/// Which characters and names XML 1.0 allows.
public enum XMLCharacters {
    /// The first character in `text` that XML 1.0 cannot represent, even escaped, or `nil`.
    ///
    /// XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and
    /// U+10000–U+10FFFF; Swift strings never hold surrogates, so what is left to find is the
    /// other C0 controls and U+FFFE, U+FFFF. Scans the UTF-8 bytes once.
    public static func firstInvalidCharacter(in text: String) -> UInt32? {
        var text = text
        return text.withUTF8 { bytes -> UInt32? in
            var index = 0
            let count = bytes.count
            while index < count {
                let byte = bytes[index]
                if byte < 0x20 {
                    if byte != 0x09 && byte != 0x0A && byte != 0x0D { return UInt32(byte) }
                } else if byte == 0xEF, index + 2 < count, bytes[index + 1] == 0xBF,
                    bytes[index + 2] == 0xBE || bytes[index + 2] == 0xBF
                {
                    return bytes[index + 2] == 0xBE ? 0xFFFE : 0xFFFF
                }
                index += 1
            }
            return nil
        }
    }

    /// Whether `name` is an XML qualified name: an XML `Name` with at most one colon, which
    /// is neither first nor last (`worksheet`, `r:id`, `xml:space`, `xmlns:r`).
    public static func isQualifiedName(_ name: String) -> Bool {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { isNCName($0) }
    }

    /// Whether `name` is an XML `NCName` (a name without colons).
    static func isNCName(_ name: Substring) -> Bool {
        var scalars = name.unicodeScalars.makeIterator()
        guard let first = scalars.next(), isNameStart(first) else { return false }
        while let scalar = scalars.next() {
            guard isNameStart(scalar) || isNameContinuation(scalar) else { return false }
        }
        return true
    }

    /// XML 1.0 (fifth edition) `NameStartChar`, without the colon.
    private static func isNameStart(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F: true
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D,
            0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD,
            0x10000...0xEFFFF:
            true
        default: false
        }
    }

    /// The rest of XML 1.0's `NameChar`.
    private static func isNameContinuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7, 0x300...0x36F, 0x203F...0x2040: true
        default: false
        }
    }
}
