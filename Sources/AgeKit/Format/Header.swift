/// One recipient stanza of an age header: `-> TYPE ARG…` and a base64 body.
struct Stanza: Equatable, Sendable {
    /// The first argument, naming the recipient type (`X25519`, `scrypt`, …).
    var type: String
    /// The arguments after the type.
    var arguments: [String]
    /// The decoded body.
    var body: [UInt8]
    /// The 1-based header line of the `->` line, for error messages (0 for a stanza being written).
    var line = 0
}

/// The age v1 header's text form: writing it, and parsing it one line at a time.
///
///     age-encryption.org/v1
///     -> X25519 <share>
///     <body, base64 wrapped at 64 columns, ending in a line shorter than 64>
///     --- <MAC>
enum Header {
    /// The version line, without its LF.
    static let versionLine: [UInt8] = Array("age-encryption.org/v1".utf8)
    /// What every version line starts with, whatever the version.
    static let versionPrefix: [UInt8] = Array("age-encryption.org/".utf8)
    /// The first line of the ASCII armor.
    static let armorBegin: [UInt8] = Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8)
    /// The characters of a full body line.
    static let columns = 64
    /// The longest header line read; the longest known stanza line (a post-quantum share) is
    /// about 1,500 characters.
    static let maximumLineLength = 16 * 1024
    /// The largest header read: room for thousands of recipients.
    static let maximumSize = 1 << 20

    /// The header text from the version line up to and including the `---` of the MAC line:
    /// the bytes the MAC covers.
    static func encodeForMAC(_ stanzas: [Stanza]) -> [UInt8] {
        var text = versionLine
        text.append(UInt8(ascii: "\n"))
        for stanza in stanzas {
            text.append(contentsOf: Array("->".utf8))
            for argument in [stanza.type] + stanza.arguments {
                text.append(UInt8(ascii: " "))
                text.append(contentsOf: Array(argument.utf8))
            }
            text.append(UInt8(ascii: "\n"))
            let body = Base64.encode(stanza.body)
            var start = 0
            while true {
                let end = min(start + columns, body.count)
                text.append(contentsOf: body[start..<end])
                text.append(UInt8(ascii: "\n"))
                if end - start < columns { break }  // The final line is short, possibly empty.
                start = end
            }
        }
        text.append(contentsOf: Array("---".utf8))
        return text
    }

    /// The MAC line's tail after `---`: a space, the base64 MAC and LF.
    static func encodeMACTail(_ mac: some Collection<UInt8>) -> [UInt8] {
        [UInt8(ascii: " ")] + Base64.encode(mac) + [UInt8(ascii: "\n")]
    }
}

/// Parses the lines after the version line, strictly, as the age specification's ABNF says.
///
/// Fed one line at a time (without its LF), so a streaming reader needs to hold only the
/// current line. A stanza's body ends at its first line shorter than 64 columns; the header
/// ends at the MAC line.
struct HeaderParser {
    /// The stanzas parsed so far.
    private(set) var stanzas: [Stanza] = []
    /// The 1-based number of the last line consumed (the version line is line 1).
    private(set) var lineNumber = 1
    /// The stanza whose body lines are being read.
    private var pending: Stanza?

    /// Consumes one header line.
    /// - Parameter line: The line, without its LF.
    /// - Returns: The 32-byte MAC when this was the MAC line (the header is then complete),
    ///   else `nil`.
    /// - Throws: ``AgeError/headerMalformed(line:problem:)`` naming this line.
    mutating func consume(_ line: ArraySlice<UInt8>) throws(AgeError) -> [UInt8]? {
        lineNumber += 1
        // A header whose lines end in CR LF was converted as text somewhere on its way.
        if line.last == UInt8(ascii: "\r") { throw malformed(.crlfLineEnding) }
        if var stanza = pending {
            guard line.count <= Header.columns else { throw malformed(.bodyLineTooLong) }
            guard let bytes = Base64.decode(line) else { throw malformed(.bodyLineNotBase64) }
            stanza.body.append(contentsOf: bytes)
            if line.count < Header.columns {
                stanzas.append(stanza)
                pending = nil
            } else {
                pending = stanza
            }
            return nil
        }
        if line.starts(with: Array("---".utf8)) {
            return try macLine(line)
        }
        if line.starts(with: Array("->".utf8)) {
            pending = try stanzaLine(line)
            return nil
        }
        throw malformed(.unexpectedLine)
    }

    private func macLine(_ line: ArraySlice<UInt8>) throws(AgeError) -> [UInt8] {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].elementsEqual(Array("---".utf8)),
              let mac = Base64.decode(parts[1]), mac.count == 32
        else { throw malformed(.malformedMACLine) }
        guard !stanzas.isEmpty else { throw malformed(.noStanzas) }
        if stanzas.contains(where: { $0.type == "scrypt" }), stanzas.count > 1 {
            throw AgeError.headerMalformed(line: nil, problem: .scryptNotAlone)
        }
        return mac
    }

    private func stanzaLine(_ line: ArraySlice<UInt8>) throws(AgeError) -> Stanza {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts[0].elementsEqual(Array("->".utf8)) else { throw malformed(.unexpectedLine) }
        guard parts.count >= 2 else { throw malformed(.missingStanzaArguments) }
        var arguments: [String] = []
        for part in parts.dropFirst() {
            guard !part.isEmpty else { throw malformed(.emptyStanzaArgument) }
            if let bad = part.firstIndex(where: { !(33...126).contains($0) }) {
                throw malformed(.invalidStanzaCharacter(column: bad - line.startIndex + 1))
            }
            arguments.append(String(decoding: part, as: UTF8.self))
        }
        return Stanza(type: arguments[0], arguments: Array(arguments.dropFirst()), body: [], line: lineNumber)
    }

    private func malformed(_ problem: AgeError.HeaderProblem) -> AgeError {
        .headerMalformed(line: lineNumber, problem: problem)
    }
}
