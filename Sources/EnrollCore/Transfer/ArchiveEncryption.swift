import AgeKit
import ArchiveKit
import Foundation
import SystemPackage

/// Transfer and status archives encrypted in the age format (age-encryption.org/v1, X25519
/// recipients; DESIGN §6, docs/FORMATS.md "Encrypted archive").
///
/// An encrypted archive is the plain `.tar.zst` passed through an ``AgeEncryptor`` on its
/// way to the file: only ciphertext is ever on disk, and `age -d -i KEY FILE | bsdtar -tf -`
/// reads it. Reading decrypts while streaming into libarchive
/// (`ArchiveReader(streamNamed:…)`): a chunk reaches libarchive only after its tag was
/// verified, and the reader reads the stream to its authenticated end before it reports
/// the end of the archive. Extraction in parallel parts reads the plaintext at offsets
/// instead (``openPlaintext(_:identities:)``): age seals each 64 KiB chunk on its own, so a
/// part opens just the chunks of its range.
public enum ArchiveEncryption {
    /// The name of the district's recipients file at the root of a station directory: a
    /// station that holds it encrypts what it packs by default.
    public static let districtRecipientFile = "district.age.pub"

    /// The district's recipients file of a station directory, when there is one.
    /// - Parameter directory: The station's working directory (`--station-dir`).
    /// - Returns: The path of `district.age.pub` at its root, or nil when it does not exist.
    public static func districtRecipients(inStationDirectory directory: String) -> String? {
        let path = PathName(directory).path.appending(districtRecipientFile).string
        return DirectoryWalker.kind(of: path) != nil ? path : nil
    }

    /// Whether the file at `path` is an age file (binary or armored), from its first bytes.
    /// An unreadable or short file counts as not encrypted; reading it then reports why.
    public static func isEncrypted(_ path: String) -> Bool {
        guard let file = try? FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec) else { return false }
        defer { try? file.close() }
        var head = [UInt8](repeating: 0, count: 34)
        let count = (try? head.withUnsafeMutableBytes { try file.read(into: $0, retryOnInterrupt: true) }) ?? 0
        let text = head[..<count]
        return text.starts(with: Array("age-encryption.org/".utf8)) || text.starts(with: Array("-----BEGIN AGE ENCRYPTED FILE-----".utf8))
    }

    /// Reads an identity file as `age -i` reads it (`AGE-SECRET-KEY-1…` lines, `#` comments).
    /// - Throws: `EnrollError` with a `crypt.*` code (exit 1; a file that cannot be read, exit 2).
    public static func readIdentities(_ path: String) throws -> [AgeIdentity] {
        do {
            return try AgeIdentity.readIdentityFile(atPath: path)
        } catch {
            throw error.enrollError(file: path)
        }
    }

    /// Reads a recipients file as `age -R` reads it (one or more `age1…` lines).
    /// - Throws: `EnrollError` with a `crypt.*` code (exit 1; a file that cannot be read, exit 2).
    public static func readRecipients(_ path: String) throws -> [AgeRecipient] {
        let recipients: [AgeRecipient]
        do {
            recipients = try AgeRecipient.readRecipientsFile(atPath: path)
        } catch {
            throw error.enrollError(file: path)
        }
        guard !recipients.isEmpty else { throw AgeError.noRecipients.enrollError(file: path) }
        return recipients
    }

    /// The output encoding that encrypts an archive to `recipients` while it is written. The
    /// encryption runs on a thread of its own (``BackgroundOutputStream``), beside the zstd
    /// compression that feeds it, so it adds little to the time a pack takes.
    static func encoding(to recipients: [AgeRecipient]) -> ArchiveOutputEncoding {
        ArchiveOutputEncoding { file in
            BackgroundOutputStream(EncryptingStream(try AgeEncryptor(recipients: recipients, sink: file)))
        }
    }

    /// Opens a reader for the archive at `path`, decrypting it while streaming when it is an
    /// age file.
    /// - Parameters:
    ///   - identities: The keys to decrypt with; an encrypted archive without them is refused
    ///     (`crypt.identity-required`). Ignored for a plain archive.
    /// - Returns: The reader, and whether the archive was encrypted.
    /// - Throws: `EnrollError`: `crypt.*` for a header that cannot be opened, `archive.*` for
    ///   what libarchive refuses.
    static func openReader(
        _ path: String, identities: [AgeIdentity]?, limits: ArchiveLimits, root: RootRequirement
    ) throws -> (reader: ArchiveReader, encrypted: Bool) {
        guard isEncrypted(path) else {
            do {
                return (try ArchiveReader(path: path, limits: limits, root: root), false)
            } catch {
                throw error.enrollError(archive: path)
            }
        }
        let decryptor = try openDecryptor(path, identities: identities)
        // The payload is decrypted ahead on a thread of its own, beside the decompression and
        // the hashing that consume it; a chunk still reaches libarchive only once its tag was
        // verified, and an error keeps its place in the stream.
        let ahead = ReadAhead { buffer in try decryptor.read(into: buffer) }
        do {
            let reader = try ArchiveReader(streamNamed: path, limits: limits, root: root) { buffer in
                try ahead.read(into: buffer)
            }
            return (reader, true)
        } catch {
            throw error.enrollError(archive: path)
        }
    }

    /// Opens the plaintext of the age file at `path` for reading at any offset, by the
    /// parts of a parallel extraction: the header is checked and the final chunk
    /// authenticated here, every other chunk when a part reads it.
    /// - Returns: nil when it cannot be opened so (no identities, an unreadable file, a bad
    ///   header or final chunk): reading the archive as one stream then reports exactly why.
    static func openPlaintext(_ path: String, identities: [AgeIdentity]?) -> (any RandomAccessBytes)? {
        guard let identities, !identities.isEmpty, let file = try? ArchiveFileBytes(path: path),
            let payload = try? AgeRandomAccessPayload(identities: identities, ciphertextSize: file.count, reader: { offset, buffer in
                try file.read(at: offset, into: buffer)
            })
        else { return nil }
        return DecryptedBytes(payload)
    }

    /// Opens the age file at `path` and checks its header with `identities`.
    static func openDecryptor(_ path: String, identities: [AgeIdentity]?) throws -> AgeDecryptor {
        guard let identities, !identities.isEmpty else {
            throw EnrollError.invalid(
                .cryptIdentityRequired, Location(file: path),
                zh: "该归档已加密（age 格式），需要用 --identity 指定解密私钥文件（区级的 *.age 文件）。",
                en: "The archive is encrypted (age format); give the identity file that decrypts it with --identity (the district's *.age file).")
        }
        let file: CiphertextFile
        do {
            file = try CiphertextFile(path)
        } catch {
            throw FileIO.ioError(error, path, verb: ("读取", "read"))
        }
        do {
            return try AgeDecryptor(identities: identities) { buffer in try file.read(into: buffer) }
        } catch {
            throw error.enrollError(file: path)
        }
    }
}

/// The ciphertext file a decryptor pulls from; closed when the last reader lets go of it.
private final class CiphertextFile {
    private let descriptor: FileDescriptor
    private let path: String

    init(_ path: String) throws {
        self.path = path
        descriptor = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
    }

    deinit { try? descriptor.close() }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try descriptor.read(into: buffer, retryOnInterrupt: true)
        } catch {
            throw FileIO.ioError(error, path, verb: ("读取", "read"))
        }
    }
}

/// An age file's plaintext as random-access bytes: authenticated for extraction, decrypted
/// without authentication for the frame walk that plans the parts.
private final class DecryptedBytes: RandomAccessBytes {
    private let payload: AgeRandomAccessPayload

    init(_ payload: AgeRandomAccessPayload) { self.payload = payload }

    var count: Int64 { payload.plaintextSize }

    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try payload.read(at: offset, into: buffer)
    }

    func readForPlanning(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try payload.readUnauthenticated(at: offset, into: buffer)
    }
}

/// An ``AgeEncryptor`` as the output stream of an `ArchiveWriter`.
private final class EncryptingStream: ArchiveOutputStream {
    private let encryptor: AgeEncryptor

    init(_ encryptor: AgeEncryptor) { self.encryptor = encryptor }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try encryptor.update(bytes) }

    func finish() throws { try encryptor.finish() }
}

extension AgeError {
    /// The catalog code of this error.
    var diagnosticCode: DiagnosticCode {
        switch self {
        case .notAgeFile: .cryptNotAge
        case .armoredInput: .cryptArmored
        case .headerMalformed: .cryptHeaderMalformed
        case .headerMACMismatch: .cryptHeaderMac
        case .noIdentityMatched: .cryptWrongIdentity
        case .unsupportedRecipientTypes: .cryptUnknownRecipientType
        case .payloadAuthenticationFailed: .cryptPayloadTampered
        case .emptyFinalChunk: .cryptPayloadMalformed
        case .truncated: .cryptTruncated
        case .trailingData: .cryptTrailingData
        case .keyMalformed: .cryptKeyMalformed
        case .noRecipients: .cryptNoRecipients
        case .fileAccess: .cryptKeyFileAccess
        }
    }

    /// The error as a located, bilingual diagnostic.
    func diagnostic(file: String) -> Diagnostic {
        Diagnostic(code: diagnosticCode, severity: .error, location: Location(file: file), message: LocalizedText(zh: chinese, en: english))
    }
}

extension Error {
    /// An error of an age operation on `file` as an `EnrollError`: an ``AgeError`` with its
    /// `crypt.*` code (exit 1, a key file that cannot be read exit 2); an `EnrollError` as it is.
    func enrollError(file: String) -> EnrollError {
        if let error = self as? EnrollError { return error }
        guard let age = self as? AgeError else {
            return EnrollError.io(.ioFailed, Location(file: file), zh: "\(self)", en: "\(self)")
        }
        if case .fileAccess = age { return EnrollError([age.diagnostic(file: file)], exitStatus: .usageOrIO) }
        return EnrollError([age.diagnostic(file: file)])
    }
}
