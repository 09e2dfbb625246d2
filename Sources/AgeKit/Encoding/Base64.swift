/// Standard base64 (RFC 4648 §4) without `=` padding, strict, as the age header uses it.
///
/// Decoding accepts only canonical encodings (RFC 4648 §3.5: the unused low bits of the last
/// character are zero) and nothing outside the 64-character alphabet — no padding, no CR or
/// LF, no spaces — so that a header has exactly one byte representation.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The 6-bit value of each byte, or -1 where it is not in the alphabet.
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// Whether a byte is one of the 64 base64 characters.
    static func isAlphabet(_ byte: UInt8) -> Bool { values[Int(byte)] >= 0 }

    /// Encodes bytes as unpadded base64 characters.
    /// - Parameter bytes: The bytes to encode.
    /// - Returns: The ASCII characters, `ceil(4 * count / 3)` of them.
    static func encode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            if second != nil { output.append(alphabet[Int(group >> 6 & 63)]) }
            if third != nil { output.append(alphabet[Int(group & 63)]) }
        }
        return output
    }

    /// Encodes bytes as an unpadded base64 string.
    static func encodeString(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: encode(bytes), as: UTF8.self)
    }

    /// Decodes canonical unpadded base64.
    /// - Parameter characters: The encoded characters.
    /// - Returns: The bytes, or `nil` if a character is outside the alphabet, the length is
    ///   impossible (`count % 4 == 1`) or the unused bits of the last character are not zero.
    static func decode(_ characters: some Collection<UInt8>) -> [UInt8]? {
        guard characters.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(characters.count * 3 / 4)
        var group: UInt32 = 0
        var count = 0
        for character in characters {
            let value = values[Int(character)]
            guard value >= 0 else { return nil }
            group = group << 6 | UInt32(value)
            count += 1
            if count == 4 {
                output.append(UInt8(group >> 16 & 0xff))
                output.append(UInt8(group >> 8 & 0xff))
                output.append(UInt8(group & 0xff))
                group = 0
                count = 0
            }
        }
        switch count {
        case 2:
            guard group & 0x0f == 0 else { return nil }
            output.append(UInt8(group >> 4 & 0xff))
        case 3:
            guard group & 0x03 == 0 else { return nil }
            output.append(UInt8(group >> 10 & 0xff))
            output.append(UInt8(group >> 2 & 0xff))
        default:
            break
        }
        return output
    }
}
