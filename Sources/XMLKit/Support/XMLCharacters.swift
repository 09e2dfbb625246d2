import CLibXML2

/// Which characters and names XML 1.0 allows.
public enum XMLCharacters {
    /// The first character in `text` that XML 1.0 cannot represent, even escaped, or `nil`.
    ///
    /// XML 1.0 allows tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD and
    /// U+10000–U+10FFFF; Swift strings never hold surrogates, so what is left to find is the
    /// other C0 controls (NUL included) and U+FFFE, U+FFFF. One pass over the UTF-8 bytes.
    public static func firstInvalidCharacter(in text: String) -> UInt32? {
        var text = text
        let found = text.withUTF8 { bytes in enroll_xml_first_invalid_char(bytes.baseAddress, bytes.count) }
        return found < 0 ? nil : UInt32(found)
    }

    /// Whether `name` is an XML qualified name: an XML `Name` with at most one colon, which
    /// is neither first nor last (`worksheet`, `r:id`, `xml:space`, `xmlns:r`).
    ///
    /// Asks libxml2 (`xmlValidateQName`).
    public static func isQualifiedName(_ name: String) -> Bool {
        !name.isEmpty && firstInvalidCharacter(in: name) == nil && LibXML2.withXMLString(name) { xmlValidateQName($0, 0) } == 0
    }
}
