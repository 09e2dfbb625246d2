import COpenSSLCrypto

/// A failure inside OpenSSL's libcrypto, with the message its error queue gave.
public struct DigestError: Error, Sendable, Equatable {
    /// The libcrypto function that failed, e.g. `EVP_DigestInit_ex`.
    public var function: String
    /// The message from `ERR_error_string_n`, or a fixed text when the queue was empty.
    public var message: String
}

/// An incremental SHA-224 digest (FIPS 180-4), computed by OpenSSL's libcrypto.
///
/// swift-crypto has no SHA-224, which BagIt lists among its manifest algorithms; this is the one
/// place enroll calls libcrypto. The context (`EVP_MD_CTX`) is owned by the instance and freed in
/// `deinit`.
public final class SHA224Digest {
    private let context: OpaquePointer

    /// The digest length in bytes.
    public static let byteCount = 28

    /// Starts a digest: `EVP_MD_CTX_new`, then `EVP_DigestInit_ex` with `EVP_sha224()`.
    /// - Throws: `DigestError` if libcrypto cannot allocate or initialise the context.
    public init() throws(DigestError) {
        guard let context = EVP_MD_CTX_new() else {
            throw Self.error("EVP_MD_CTX_new")
        }
        guard EVP_DigestInit_ex(context, EVP_sha224(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw Self.error("EVP_DigestInit_ex")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds bytes to the digest (`EVP_DigestUpdate`).
    /// - Throws: `DigestError` if libcrypto reports a failure.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(DigestError) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1 else {
            throw Self.error("EVP_DigestUpdate")
        }
    }

    /// The digest of the bytes so far, as 28 bytes. The digest itself goes on: a copy of the
    /// context (`EVP_MD_CTX_copy_ex`) is finished (`EVP_DigestFinal_ex`), so this may be called
    /// again after more updates, as swift-crypto's value-type digests allow.
    /// - Throws: `DigestError` if libcrypto reports a failure.
    public func finalize() throws(DigestError) -> [UInt8] {
        guard let copy = EVP_MD_CTX_new() else { throw Self.error("EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(copy) }
        guard EVP_MD_CTX_copy_ex(copy, context) == 1 else { throw Self.error("EVP_MD_CTX_copy_ex") }
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let status = output.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(copy, $0.baseAddress, &length) }
        guard status == 1, Int(length) == Self.byteCount else {
            throw Self.error("EVP_DigestFinal_ex")
        }
        return Array(output.prefix(Int(length)))
    }

    /// The SHA-224 digest of `bytes` in one call.
    /// - Throws: `DigestError` from libcrypto.
    public static func hash(_ bytes: some Collection<UInt8>) throws(DigestError) -> [UInt8] {
        let digest = try SHA224Digest()
        let array = Array(bytes)
        let failure: DigestError? = array.withUnsafeBytes { buffer in
            do throws(DigestError) { try digest.update(buffer) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        return try digest.finalize()
    }

    /// The oldest message on libcrypto's error queue (`ERR_get_error`, `ERR_error_string_n`).
    private static func error(_ function: String) -> DigestError {
        let code = ERR_get_error()
        guard code != 0 else {
            return DigestError(function: function, message: "libcrypto reported a failure without a message")
        }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return DigestError(function: function, message: String(decoding: bytes, as: UTF8.self))
    }
}
