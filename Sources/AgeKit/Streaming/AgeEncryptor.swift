import Crypto
import Foundation

/// Encrypts a stream to age recipients, writing the age file to a sink as it goes.
///
/// The header (one X25519 stanza per recipient, with its MAC) and the payload nonce are
/// written when the encryptor is created; each 64 KiB chunk is sealed and written once the
/// next byte after it arrives (the last chunk is only known at ``finish()``). Memory stays at
/// one chunk whatever the size of the stream; the chunk buffer is reused.
///
///     let output = try FileHandle(forWritingTo: url)
///     let encryptor = try AgeEncryptor(recipients: [district]) { bytes in
///         try output.write(contentsOf: bytes)
///     }
///     try encryptor.update(block)   // as often as needed
///     try encryptor.finish()
///
/// A class holding a non-Sendable closure and mutable stream state, used from one thread at a
/// time: deliberately not `Sendable`. Once a call has thrown, or after ``finish()``, the
/// encryptor must not be used again (a precondition).
public final class AgeEncryptor {
    /// Receives the encrypted bytes, in order. The buffer is valid only during the call.
    public typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    private enum State { case open, finished, failed }

    private let sink: Sink
    private let payloadKey: SymmetricKey
    private var counter = ChunkCounter()
    private var chunk: [UInt8]
    private var state = State.open

    /// The number of plaintext bytes taken so far.
    public private(set) var plaintextCount = 0

    /// Starts an age file encrypted to the given recipients and writes its header.
    ///
    /// A fresh 16-byte file key, a fresh ephemeral X25519 key per recipient and a fresh
    /// payload nonce are drawn from the system's CSPRNG (through swift-crypto).
    /// - Parameters:
    ///   - recipients: Who can decrypt the file: one or more `age1…` recipients.
    ///   - sink: Where the age file goes.
    /// - Throws: ``AgeError/noRecipients`` for an empty list,
    ///   ``AgeError/keyMalformed(file:line:problem:)`` for a low-order recipient, or whatever
    ///   `sink` throws.
    public init(recipients: [AgeRecipient], sink: @escaping Sink) throws {
        guard !recipients.isEmpty else { throw AgeError.noRecipients }
        let fileKey = SymmetricKey(size: SymmetricKeySize(bitCount: 128))
        var stanzas: [Stanza] = []
        for recipient in recipients {
            stanzas.append(try X25519Stanza.wrap(fileKey: fileKey, to: recipient))
        }
        var header = Header.encodeForMAC(stanzas)
        header.append(contentsOf: Header.encodeMACTail(Payload.mac(header: header, fileKey: fileKey)))
        let nonce = Payload.randomBytes(Payload.nonceSize)
        header.append(contentsOf: nonce)
        self.payloadKey = Payload.key(fileKey: fileKey, nonce: nonce)
        self.sink = sink
        self.chunk = []
        self.chunk.reserveCapacity(Payload.chunkSize)
        try header.withUnsafeBytes { try sink($0) }
    }

    /// Encrypts more plaintext.
    ///
    /// Full chunks are sealed and written to the sink as soon as it is known that they are
    /// not the last one; the rest waits in the chunk buffer.
    /// - Parameter bytes: The next plaintext bytes (`[UInt8]`, `Data`,
    ///   `UnsafeRawBufferPointer`, …).
    /// - Throws: Whatever the sink throws.
    public func update(_ bytes: some ContiguousBytes) throws {
        precondition(state == .open, "AgeEncryptor.update called after finish() or after an error")
        do {
            try bytes.withUnsafeBytes { try consume($0) }
        } catch {
            state = .failed
            throw error
        }
    }

    /// Seals the final chunk and writes it; the age file is then complete.
    ///
    /// An empty stream still gets its (empty) final chunk, as the format requires.
    /// - Throws: Whatever the sink throws.
    public func finish() throws {
        precondition(state == .open, "AgeEncryptor.finish called twice or after an error")
        do {
            try seal(chunk, last: true)
            chunk.removeAll(keepingCapacity: true)
            state = .finished
        } catch {
            state = .failed
            throw error
        }
    }

    private func consume(_ input: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < input.count {
            if chunk.count == Payload.chunkSize {
                // More bytes follow, so the buffered chunk is not the last one.
                try seal(chunk, last: false)
                chunk.removeAll(keepingCapacity: true)
            }
            let remaining = input.count - offset
            if chunk.isEmpty, remaining > Payload.chunkSize {
                // A whole chunk with more after it: seal it straight from the caller's buffer.
                try seal(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Payload.chunkSize)]), last: false)
                offset += Payload.chunkSize
                plaintextCount += Payload.chunkSize
                continue
            }
            let take = min(Payload.chunkSize - chunk.count, remaining)
            chunk.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
            offset += take
            plaintextCount += take
        }
    }

    private func seal(_ plaintext: some DataProtocol, last: Bool) throws {
        let box: ChaChaPoly.SealedBox
        do {
            box = try ChaChaPoly.seal(plaintext, using: payloadKey, nonce: counter.nonce(last: last))
        } catch {
            preconditionFailure("ChaChaPoly.seal with a 32-byte key and a 12-byte nonce cannot fail: \(error)")
        }
        counter.advance()
        // `combined` is nonce ‖ ciphertext ‖ tag; the nonce is implicit in the age payload.
        try box.combined.withUnsafeBytes { raw in
            try sink(UnsafeRawBufferPointer(rebasing: raw[12...]))
        }
    }
}
