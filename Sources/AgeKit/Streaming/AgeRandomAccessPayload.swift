import Crypto
import CryptoExtras
import Foundation

/// The plaintext of an age file, readable at any offset and by several threads at once: for
/// a reader that takes a large file in parts (enroll extracts a transfer archive in ranges
/// of its zstd frames, one thread each).
///
/// STREAM seals every 64 KiB chunk on its own, with the chunk's index in its nonce, so chunk
/// *i* sits at `payload start + i × 65,552` and opens by itself. Opening reads and checks
/// the header exactly as ``AgeDecryptor`` does (grammar, stanzas, file key, header MAC,
/// payload nonce) and then opens the **final chunk**, with the last-chunk flag, which
/// authenticates where the payload ends: a file cut at a chunk boundary, cut inside a chunk
/// or carrying bytes after its last chunk fails here, before any plaintext is released.
/// ``read(at:into:)`` opens every chunk it touches and releases a chunk's bytes only after
/// its tag was verified.
///
/// The diagnosis of a damaged payload can differ from the sequential one: ``AgeDecryptor``
/// reads from the start and tells a missing final chunk (``AgeError/truncated(chunks:)``)
/// from bytes after it (``AgeError/trailingData(afterChunk:)``), while this type only knows
/// which chunk failed. A caller that reports the error to a person reads the file again
/// sequentially for the exact one.
///
/// `Sendable`: every stored property is immutable; each read works in buffers of its own.
public final class AgeRandomAccessPayload: Sendable {
    /// Reads ciphertext: fills the front of the buffer with the bytes at `offset` of the age
    /// file and returns how many it wrote, fewer only at the end of the file (`pread`'s shape).
    /// Called from whichever threads read the plaintext.
    public typealias Reader = @Sendable (_ offset: Int64, _ buffer: UnsafeMutableRawBufferPointer) throws -> Int

    /// The number of plaintext bytes.
    public let plaintextSize: Int64
    private let reader: Reader
    private let payloadKey: SymmetricKey
    /// Where the first chunk starts in the file: after the header and the 16-byte nonce.
    private let payloadStart: Int64
    private let ciphertextSize: Int64
    private let chunkCount: Int64

    /// Opens an age file of `ciphertextSize` bytes read through `reader`.
    /// - Parameters:
    ///   - identities: The identities to try, in order, on each X25519 stanza.
    ///   - ciphertextSize: The size of the age file.
    ///   - reader: Where the age file's bytes come from.
    /// - Throws: ``AgeError``: the header errors of ``AgeDecryptor/init(identities:source:)``;
    ///   for the payload ``AgeError/truncated(chunks:)`` (no payload, or a final chunk that
    ///   opens only as an inner one), ``AgeError/emptyFinalChunk(chunk:)`` or
    ///   ``AgeError/payloadAuthenticationFailed(chunk:)``; or whatever `reader` throws.
    public init(identities: [AgeIdentity], ciphertextSize: Int64, reader: @escaping Reader) throws {
        var offset: Int64 = 0
        var input = InputBuffer(capacity: 4 * Payload.sealedChunkSize) { buffer in
            let count = try Self.readFully(reader, at: offset, into: buffer)
            offset += Int64(count)
            return count
        }
        payloadKey = try AgeDecryptor.openPayload(&input, identities: identities)
        payloadStart = input.position
        self.reader = reader
        self.ciphertextSize = ciphertextSize
        let sealedSize = ciphertextSize - payloadStart
        guard sealedSize > 0 else { throw AgeError.truncated(chunks: 0) }
        let sealedChunk = Int64(Payload.sealedChunkSize)
        chunkCount = (sealedSize + sealedChunk - 1) / sealedChunk
        let finalSealed = sealedSize - (chunkCount - 1) * sealedChunk
        plaintextSize = (chunkCount - 1) * Int64(Payload.chunkSize) + max(finalSealed - Int64(Payload.tagSize), 0)

        // The final chunk authenticates the length of the whole payload.
        let final = chunkCount - 1
        let sealed = try readSealed(chunks: final..<chunkCount)
        let opened = sealed.withUnsafeBytes { raw in open(raw, chunk: final, last: true) }
        guard let opened else {
            if sealed.withUnsafeBytes({ open($0, chunk: final, last: false) }) != nil {
                throw AgeError.truncated(chunks: Int(chunkCount))
            }
            throw AgeError.payloadAuthenticationFailed(chunk: Int(final))
        }
        if opened.isEmpty && chunkCount > 1 { throw AgeError.emptyFinalChunk(chunk: Int(final)) }
    }

    /// Copies authenticated plaintext at `offset` into `buffer`.
    ///
    /// Reads and opens each chunk the range touches, one `reader` call per chunk; a read
    /// starting at a multiple of 64 KiB opens no chunk twice.
    /// - Returns: How many bytes were copied: `buffer.count`, fewer only at the end of the
    ///   plaintext, 0 at or past it.
    /// - Throws: ``AgeError/payloadAuthenticationFailed(chunk:)`` for a chunk whose tag does
    ///   not verify (nothing of the read is released then), ``AgeError/truncated(chunks:)``
    ///   when the file became shorter, or whatever the reader throws.
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let (chunks, end) = span(offset, buffer.count) else { return 0 }
        let chunkSize = Int64(Payload.chunkSize)
        let sealedChunk = Int64(Payload.sealedChunkSize)
        // nonce ‖ sealed chunk, the layout `SealedBox(combined:)` takes without copying: one
        // buffer, filled in place for each chunk.
        var combined = Data(count: 12 + Payload.sealedChunkSize)
        var written = 0
        for chunk in chunks {
            let start = payloadStart + chunk * sealedChunk
            let length = Int(min(sealedChunk, ciphertextSize - start))
            let last = chunk == chunkCount - 1
            if combined.count != 12 + length { combined.count = 12 + length }
            let got = try combined.withUnsafeMutableBytes { raw in
                raw.copyBytes(from: Payload.nonceBytes(chunk: chunk, last: last))
                return try Self.readFully(reader, at: start, into: UnsafeMutableRawBufferPointer(rebasing: raw[12...]))
            }
            guard got == length else { throw AgeError.truncated(chunks: Int(chunk)) }
            guard length >= Payload.tagSize, let box = try? ChaChaPoly.SealedBox(combined: combined),
                let plaintext = try? ChaChaPoly.open(box, using: payloadKey)
            else { throw AgeError.payloadAuthenticationFailed(chunk: Int(chunk)) }
            let from = Int(max(offset, chunk * chunkSize) - chunk * chunkSize)
            let to = Int(min(end, (chunk + 1) * chunkSize) - chunk * chunkSize)
            plaintext.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[written..<(written + to - from)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[from..<to]))
            }
            written += to - from
        }
        return written
    }

    /// Copies plaintext at `offset` into `buffer` **without authenticating it**: ChaCha20
    /// alone, 64-byte blocks at a time, so a few bytes cost a few blocks, not a chunk.
    ///
    /// Only for planning, never for content: a reader that looks for structure (where the
    /// zstd frames start) before it reads the parts it found with ``read(at:into:)``,
    /// which authenticates every byte it releases. Bytes altered on disk come out altered here.
    /// - Returns: As ``read(at:into:)``.
    /// - Throws: ``AgeError/truncated(chunks:)`` when the file became shorter, or whatever
    ///   the reader throws.
    public func readUnauthenticated(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let (chunks, end) = span(offset, buffer.count) else { return 0 }
        let chunkSize = Int64(Payload.chunkSize)
        var written = 0
        for chunk in chunks {
            let from = max(offset, chunk * chunkSize) - chunk * chunkSize
            let to = min(end, (chunk + 1) * chunkSize) - chunk * chunkSize
            // From the ChaCha20 block holding `from`: RFC 8439 §2.8 encrypts the plaintext
            // with block counter 1 onwards (block 0 keys Poly1305).
            let block = from / 64
            let count = Int(to - block * 64)
            var ciphertext = [UInt8](repeating: 0, count: count)
            let got = try ciphertext.withUnsafeMutableBytes { raw in
                try Self.readFully(reader, at: payloadStart + chunk * Int64(Payload.sealedChunkSize) + block * 64, into: raw)
            }
            guard got == count else { throw AgeError.truncated(chunks: Int(chunk)) }
            let plaintext = try Insecure.ChaCha20CTR.encrypt(
                ciphertext, using: payloadKey, counter: .init(offset: UInt32(1 + block)),
                nonce: .init(data: Payload.nonceBytes(chunk: chunk, last: chunk == chunkCount - 1)))
            let skip = Int(from - block * 64)
            plaintext.withUnsafeBytes { bytes in
                UnsafeMutableRawBufferPointer(rebasing: buffer[written..<(written + count - skip)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[skip..<count]))
            }
            written += count - skip
        }
        return written
    }

    // MARK: - Chunks

    /// The chunks holding plaintext `offset ..< offset + count`, and the end of that range
    /// clipped to the plaintext; nil when the range is empty or starts past the end.
    private func span(_ offset: Int64, _ count: Int) -> (chunks: Range<Int64>, end: Int64)? {
        precondition(offset >= 0, "a negative plaintext offset")
        guard count > 0, offset < plaintextSize else { return nil }
        let end = min(plaintextSize, offset + Int64(count))
        let chunkSize = Int64(Payload.chunkSize)
        return (offset / chunkSize..<((end - 1) / chunkSize + 1), end)
    }

    /// The sealed bytes of consecutive chunks, read at once.
    private func readSealed(chunks: Range<Int64>) throws -> [UInt8] {
        let sealedChunk = Int64(Payload.sealedChunkSize)
        let start = payloadStart + chunks.lowerBound * sealedChunk
        let end = min(ciphertextSize, payloadStart + chunks.upperBound * sealedChunk)
        var sealed = [UInt8](repeating: 0, count: Int(end - start))
        let got = try sealed.withUnsafeMutableBytes { raw in try Self.readFully(reader, at: start, into: raw) }
        guard got == sealed.count else {
            throw AgeError.truncated(chunks: Int(chunks.lowerBound + Int64(got) / sealedChunk))
        }
        return sealed
    }

    /// Opens one sealed chunk (ciphertext ‖ tag) with chunk `index`'s nonce.
    /// - Returns: The plaintext, or nil when the tag does not verify.
    private func open(_ sealed: UnsafeRawBufferPointer, chunk index: Int64, last: Bool) -> Data? {
        guard sealed.count >= Payload.tagSize,
            let nonce = try? ChaChaPoly.Nonce(data: Payload.nonceBytes(chunk: index, last: last)),
            let box = try? ChaChaPoly.SealedBox(
                nonce: nonce, ciphertext: UnsafeRawBufferPointer(rebasing: sealed.dropLast(Payload.tagSize)),
                tag: UnsafeRawBufferPointer(rebasing: sealed.suffix(Payload.tagSize)))
        else { return nil }
        return try? ChaChaPoly.open(box, using: payloadKey)
    }

    /// Calls `reader` until `buffer` is full or the file ends.
    private static func readFully(_ reader: Reader, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try reader(offset + Int64(filled), UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            precondition(count >= 0 && count <= buffer.count - filled, "AgeRandomAccessPayload reader returned \(count) bytes")
            if count == 0 { break }
            filled += count
        }
        return filled
    }
}
