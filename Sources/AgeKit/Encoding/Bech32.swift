/// Bech32 (BIP 173) as age uses it: for `age1…` recipients and `AGE-SECRET-KEY-1…` identities.
///
/// As the age specification says, BIP 173's 90-character limit does not apply (post-quantum
/// and plugin keys are longer), the string is all lowercase or all uppercase, and the checksum
/// is always computed over the lowercase form. This is Bech32, not Bech32m: the checksum
/// constant is 1.
enum Bech32 {
    /// The 32 data characters; a character's index is its 5-bit value.
    private static let alphabet: [UInt8] = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// The 5-bit value of each lowercase ASCII character, or -1 where it is not in the alphabet.
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 128)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = Int8(index) }
        return table
    }()

    /// The BCH generator of the checksum (BIP 173).
    private static let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]

    /// The length of the checksum, in characters.
    private static let checksumLength = 6

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for bit in 0..<5 where (top >> UInt32(bit)) & 1 == 1 {
                checksum ^= generator[bit]
            }
        }
        return checksum
    }

    /// The human-readable part expanded for the checksum: high bits, a zero, low bits.
    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Encodes bytes as Bech32.
    /// - Parameters:
    ///   - hrp: The human-readable part, in any case (the checksum uses its lowercase form).
    ///   - data: The bytes to encode.
    ///   - uppercase: Whether to return the string in uppercase, as age writes identities.
    /// - Returns: `hrp`, `1`, the data in 5-bit groups and the 6-character checksum.
    static func encode(hrp: String, data: [UInt8], uppercase: Bool = false) -> String {
        let lowerHRP = Array(hrp.lowercased().utf8)
        let groups = regroup(data, from: 8, to: 5, pad: true)!
        let polymodValue = polymod(expand(lowerHRP) + groups + [UInt8](repeating: 0, count: checksumLength)) ^ 1
        let checksum = (0..<checksumLength).map { UInt8((polymodValue >> UInt32(5 * (5 - $0))) & 31) }
        var result = lowerHRP
        result.append(UInt8(ascii: "1"))
        result.append(contentsOf: (groups + checksum).map { alphabet[Int($0)] })
        let string = String(decoding: result, as: UTF8.self)
        return uppercase ? string.uppercased() : string
    }

    /// Decodes a Bech32 string.
    /// - Parameter string: The string, all lowercase or all uppercase.
    /// - Returns: The human-readable part as written (its case kept) and the decoded bytes.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)``, without a location, with the
    ///   problem that makes the string invalid Bech32.
    static func decode(_ string: String) throws(AgeError) -> (hrp: String, data: [UInt8]) {
        func fail(_ problem: AgeError.KeyProblem) -> AgeError {
            .keyMalformed(file: nil, line: nil, problem: problem)
        }
        let bytes = Array(string.utf8)
        guard !bytes.isEmpty else { throw fail(.empty) }
        var hasLower = false
        var hasUpper = false
        for (index, byte) in bytes.enumerated() {
            guard (33...126).contains(byte) else { throw fail(.invalidCharacter(column: index + 1)) }
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { hasLower = true }
            if (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) { hasUpper = true }
        }
        guard !(hasLower && hasUpper) else { throw fail(.mixedCase) }
        let lower = bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")) else { throw fail(.missingSeparator) }
        guard separator > 0 else { throw fail(.missingSeparator) }
        guard lower.count - separator - 1 >= checksumLength else { throw fail(.tooShort) }
        var groups: [UInt8] = []
        groups.reserveCapacity(lower.count - separator - 1)
        for index in (separator + 1)..<lower.count {
            let value = values[Int(lower[index])]
            guard value >= 0 else { throw fail(.invalidCharacter(column: index + 1)) }
            groups.append(UInt8(value))
        }
        guard polymod(expand(Array(lower[..<separator])) + groups) == 1 else { throw fail(.checksumMismatch) }
        guard let data = regroup(groups.dropLast(checksumLength), from: 5, to: 8, pad: false) else {
            throw fail(.invalidPadding)
        }
        return (String(decoding: bytes[..<separator], as: UTF8.self), data)
    }

    /// Regroups bits: 8-bit bytes into 5-bit groups (`pad`) or back (no padding allowed).
    /// - Returns: The groups, or `nil` if, without padding, leftover bits are 5 or more or not zero.
    private static func regroup(_ input: some Collection<UInt8>, from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator = 0
        var bits = 0
        let mask = (1 << to) - 1
        var output: [UInt8] = []
        output.reserveCapacity(input.count * from / to + 1)
        for value in input {
            accumulator = (accumulator << from) | Int(value)
            bits += from
            while bits >= to {
                bits -= to
                output.append(UInt8((accumulator >> bits) & mask))
            }
            accumulator &= (1 << bits) - 1
        }
        if pad {
            if bits > 0 { output.append(UInt8((accumulator << (to - bits)) & mask)) }
        } else if bits >= from || accumulator != 0 {
            return nil
        }
        return output
    }
}
