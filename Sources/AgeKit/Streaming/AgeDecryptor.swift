import Crypto
import Foundation

/// Decrypts an age file pulled from a source, releasing plaintext one authenticated chunk at
/// a time.
///
/// Creating the decryptor reads and checks the whole header: its grammar, the X25519 stanzas,
/// the file key (unwrapped with one of the identities), the header MAC and the payload nonce.
/// Nothing of the payload is released before all of that has passed. Then
/// ``nextChunk()`` or ``read(into:)`` decrypt the payload one 64 KiB chunk at a time; a chunk
/// is released only after its Poly1305 tag has been verified, so a caller never sees a byte
/// that failed authentication. The end of the file is checked too: a missing final chunk is
/// ``AgeError/truncated(chunks:)``, bytes after it ``AgeError/trailingData(afterChunk:)``;
/// those errors come after every authenticated chunk was released, so a caller must treat
/// the plaintext as complete only when ``nextChunk()`` has returned `nil` (or
/// ``read(into:)`` 0).
///
/// Memory stays bounded: a read-ahead buffer of four sealed chunks (256 KiB), reused from
/// chunk to chunk, and the plaintext of one chunk.
///
///     let input = try FileDescriptor.open(path, .readOnly)
///     let decryptor = try AgeDecryptor(identities: identities) { buffer in
///         try input.read(into: buffer)
///     }
///     while let chunk = try decryptor.nextChunk() { consume(chunk) }
///
/// After an error every further call throws the same error again. A class holding a
/// non-Sendable closure and mutable stream state, used from one thread at a time:
/// deliberately not `Sendable`.
public final class AgeDecryptor {
    /// Fills the front of the buffer it is given with the next ciphertext bytes and returns
    /// how many it wrote, 0 at the end of the input (the shape of POSIX `read` and of
    /// swift-system's `FileDescriptor.read(into:)`). It is not called again after returning 0.
    public typealias Source = (UnsafeMutableRawBufferPointer) throws -> Int

    private enum Phase {
        /// Chunks remain to be read.
        case payload
        /// The final chunk was released, but bytes follow it.
        case trailing
        /// The final chunk was released and the input ended there.
        case done
    }

    private var input: InputBuffer
    private let payloadKey: SymmetricKey
    private var counter = ChunkCounter()
    private var phase = Phase.payload
    private var failure: (any Error)?
    /// nonce ‖ sealed chunk, reused for every chunk.
    private var sealed: Data
    /// The plaintext of the last chunk opened (as swift-crypto returned it, not copied again),
    /// and how much of it was handed out.
    private var plaintext = Data()
    private var plaintextOffset = 0

    /// Reads and checks the header of an age file and unwraps its file key.
    /// - Parameters:
    ///   - identities: The identities to try, in order, on each X25519 stanza.
    ///   - source: Where the age file comes from.
    /// - Throws: ``AgeError`` for a file that is not age (`notAgeFile`, `armoredInput`), a
    ///   malformed header (`headerMalformed`), no usable stanza (`noIdentityMatched`,
    ///   `unsupportedRecipientTypes`) or a wrong MAC (`headerMACMismatch`), checked in that
    ///   order; or whatever `source` throws.
    public init(identities: [AgeIdentity], source: @escaping Source) throws {
        // Four sealed chunks: the unread rest is moved to the front about every third chunk.
        var input = InputBuffer(capacity: 4 * Payload.sealedChunkSize, source: source)
        self.payloadKey = try Self.openPayload(&input, identities: identities)
        self.input = input
        self.sealed = Data(capacity: 12 + Payload.sealedChunkSize)
    }

    /// Reads and checks the header at the start of `input`, in the order the initializer
    /// documents, and the payload nonce after it.
    /// - Returns: The payload key; `input` is left at the first payload chunk
    ///   (`input.position` is the payload's offset in the file).
    static func openPayload(_ input: inout InputBuffer, identities: [AgeIdentity]) throws -> SymmetricKey {
        let header = try readHeader(&input)
        let fileKey = try unwrapFileKey(header.stanzas, identities: identities)
        guard Payload.isValidMAC(header.mac, header: header.macInput, fileKey: fileKey) else {
            throw AgeError.headerMACMismatch
        }
        try input.fill(Payload.nonceSize)
        guard input.count >= Payload.nonceSize else {
            throw AgeError.headerMalformed(line: nil, problem: .payloadNonceMissing(found: input.count))
        }
        let nonce = input.peek(Payload.nonceSize)
        input.consume(Payload.nonceSize)
        return Payload.key(fileKey: fileKey, nonce: nonce)
    }

    /// Reads and checks the header of an age file held in memory.
    /// - Parameters:
    ///   - identities: The identities to try.
    ///   - ciphertext: The whole age file.
    /// - Throws: As ``init(identities:source:)``.
    public convenience init(identities: [AgeIdentity], ciphertext: [UInt8]) throws {
        var offset = 0
        try self.init(identities: identities) { buffer in
            let count = min(buffer.count, ciphertext.count - offset)
            ciphertext.withUnsafeBytes { raw in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)]))
            }
            offset += count
            return count
        }
    }

    /// The number of payload chunks authenticated so far.
    public var chunksAuthenticated: Int { counter.index }

    /// Whether the whole payload was authenticated and released, its end included.
    public var isFinished: Bool { phase == .done && plaintextOffset == plaintext.count }

    /// Returns the plaintext of the next authenticated chunk.
    ///
    /// Chunks are up to 64 KiB; if ``read(into:)`` took part of a chunk, the rest of it comes
    /// first. An empty payload yields no chunk at all.
    /// - Returns: The next plaintext bytes, or `nil` once the whole payload, its final chunk
    ///   and the end of input after it, has been checked.
    /// - Throws: ``AgeError/payloadAuthenticationFailed(chunk:)``,
    ///   ``AgeError/emptyFinalChunk(chunk:)``, ``AgeError/truncated(chunks:)``,
    ///   ``AgeError/trailingData(afterChunk:)``, or whatever the source throws.
    public func nextChunk() throws -> [UInt8]? {
        while plaintextOffset == plaintext.count {
            guard try openNextChunk() else { return nil }
        }
        let chunk = plaintext.withUnsafeBytes { Array($0[plaintextOffset...]) }
        plaintextOffset = plaintext.count
        return chunk
    }

    /// Copies the next plaintext bytes into a buffer.
    /// - Parameter buffer: Where to put them.
    /// - Returns: The number of bytes copied (at most one chunk's worth), or 0 once the whole
    ///   payload and its end have been checked.
    /// - Throws: As ``nextChunk()``.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !buffer.isEmpty else { return 0 }
        while plaintextOffset == plaintext.count {
            guard try openNextChunk() else { return 0 }
        }
        let count = min(buffer.count, plaintext.count - plaintextOffset)
        plaintext.withUnsafeBytes { raw in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[plaintextOffset..<(plaintextOffset + count)]))
        }
        plaintextOffset += count
        return count
    }

    /// Decrypts the whole remaining payload into memory.
    /// - Returns: The plaintext.
    /// - Throws: As ``nextChunk()``.
    public func readToEnd() throws -> [UInt8] {
        var output: [UInt8] = []
        while let chunk = try nextChunk() { output.append(contentsOf: chunk) }
        return output
    }

    // MARK: - Payload

    /// Opens the next chunk into `plaintext`.
    /// - Returns: `false` at the checked end of the payload.
    private func openNextChunk() throws -> Bool {
        if let failure { throw failure }
        do {
            switch phase {
            case .done: return false
            case .trailing: throw AgeError.trailingData(afterChunk: counter.index - 1)
            case .payload: break
            }
            // One byte more than a sealed chunk tells whether anything follows this chunk.
            try input.fill(Payload.sealedChunkSize + 1)
            let available = input.count
            guard available > 0 else { throw AgeError.truncated(chunks: counter.index) }
            let length = min(available, Payload.sealedChunkSize)
            let followed = available > length
            let last: Bool
            if length < Payload.sealedChunkSize {
                // A short chunk can only be the final one.
                guard open(length, last: true) else { throw AgeError.payloadAuthenticationFailed(chunk: counter.index) }
                last = true
            } else if followed {
                // A full chunk with more after it: normally not the last one. If it opens
                // only as a final chunk, it is released and the next call reports the
                // trailing data.
                if open(length, last: false) {
                    last = false
                } else if open(length, last: true) {
                    last = true
                } else {
                    throw AgeError.payloadAuthenticationFailed(chunk: counter.index)
                }
            } else {
                // A full chunk at the end of input: normally the final one. If it opens only
                // as a non-final chunk, it is released and the next call reports truncation.
                if open(length, last: true) {
                    last = true
                } else if open(length, last: false) {
                    last = false
                } else {
                    throw AgeError.payloadAuthenticationFailed(chunk: counter.index)
                }
            }
            if last, plaintext.isEmpty, counter.index > 0 {
                plaintextOffset = plaintext.count
                throw AgeError.emptyFinalChunk(chunk: counter.index)
            }
            input.consume(length)
            counter.advance()
            if last { phase = followed ? .trailing : .done }
            return true
        } catch {
            failure = error
            throw error
        }
    }

    /// Tries to open the first `length` buffered bytes as the current chunk.
    /// - Returns: Whether the tag verified; only then does `plaintext` hold the chunk.
    private func open(_ length: Int, last: Bool) -> Bool {
        sealed.removeAll(keepingCapacity: true)
        sealed.append(contentsOf: counter.nonceBytes(last: last))
        input.withBytes(length) { bytes in
            if let base = bytes.baseAddress {
                sealed.append(base.assumingMemoryBound(to: UInt8.self), count: bytes.count)
            }
        }
        guard let box = try? ChaChaPoly.SealedBox(combined: sealed),
              let opened = try? ChaChaPoly.open(box, using: payloadKey)
        else { return false }
        plaintext = opened
        plaintextOffset = 0
        return true
    }

    // MARK: - Header

    private struct ParsedHeader {
        var stanzas: [Stanza]
        /// The header bytes the MAC covers: through `---`.
        var macInput: [UInt8]
        var mac: [UInt8]
    }

    private static func readHeader(_ input: inout InputBuffer) throws -> ParsedHeader {
        // `age` accepts armor after up to 1 KiB of whitespace; recognise it the same way.
        try input.fill(1024 + Header.armorBegin.count)
        let start = input.peek(1024 + Header.armorBegin.count)
        if start.drop(while: { [0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c].contains($0) }).starts(with: Header.armorBegin) {
            throw AgeError.armoredInput
        }
        var header: [UInt8]
        switch try input.nextLine(maximumLength: 256) {
        case .line(let line):
            if line == Header.versionLine + [UInt8(ascii: "\r")] {
                throw AgeError.headerMalformed(line: 1, problem: .crlfLineEnding)
            }
            guard line == Header.versionLine else { throw AgeError.notAgeFile(firstLine: excerpt(line)) }
            header = line + [UInt8(ascii: "\n")]
        case .tooLong(let prefix):
            throw AgeError.notAgeFile(firstLine: excerpt(prefix))
        case .endOfInput(let partial):
            if partial == Header.versionLine { throw AgeError.headerMalformed(line: 1, problem: .endsInsideHeader) }
            throw AgeError.notAgeFile(firstLine: excerpt(partial))
        }
        var parser = HeaderParser()
        while true {
            switch try input.nextLine(maximumLength: Header.maximumLineLength) {
            case .line(let line):
                if let mac = try parser.consume(line[...]) {
                    return ParsedHeader(stanzas: parser.stanzas, macInput: header + line.prefix(3), mac: mac)
                }
                header.append(contentsOf: line)
                header.append(UInt8(ascii: "\n"))
                guard header.count <= Header.maximumSize else {
                    throw AgeError.headerMalformed(line: parser.lineNumber, problem: .headerTooLarge(limit: Header.maximumSize))
                }
            case .tooLong:
                throw AgeError.headerMalformed(
                    line: parser.lineNumber + 1, problem: .lineTooLong(limit: Header.maximumLineLength))
            case .endOfInput:
                throw AgeError.headerMalformed(line: parser.lineNumber + 1, problem: .endsInsideHeader)
            }
        }
    }

    /// Tries every identity on every X25519 stanza, in header order.
    private static func unwrapFileKey(_ stanzas: [Stanza], identities: [AgeIdentity]) throws(AgeError) -> SymmetricKey {
        var x25519Count = 0
        var otherTypes: [String] = []
        for stanza in stanzas {
            guard stanza.type == X25519Stanza.type else {
                if !otherTypes.contains(stanza.type) { otherTypes.append(stanza.type) }
                continue
            }
            x25519Count += 1
            let share = try X25519Stanza.validate(stanza)
            for identity in identities {
                if let fileKey = try X25519Stanza.unwrap(stanza, share: share, with: identity) { return fileKey }
            }
        }
        if x25519Count > 0 { throw .noIdentityMatched(x25519Stanzas: x25519Count, identities: identities.count) }
        throw .unsupportedRecipientTypes(otherTypes)
    }

    /// A short printable excerpt of a first line, for ``AgeError/notAgeFile(firstLine:)``.
    private static func excerpt(_ bytes: [UInt8]) -> String {
        let limit = 32
        let shown = bytes.prefix(limit).map { (0x20...0x7e).contains($0) ? Character(UnicodeScalar($0)) : "?" }
        return String(shown) + (bytes.count > limit ? "…" : "")
    }
}
