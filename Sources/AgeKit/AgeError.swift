import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong while reading keys, encrypting or decrypting an age file.
///
/// Each case has a stable ``code`` (`crypt.…`) for machine-readable reports, and a
/// bilingual ``description`` (Chinese / English) that says what went wrong, where, and what
/// to do. Errors thrown by a caller's own source or sink closure are passed through
/// unchanged and are not wrapped in `AgeError`.
public enum AgeError: Error, Equatable {
    /// The input does not begin with the age version line `age-encryption.org/v1`.
    ///
    /// `firstLine` is a printable excerpt of what was found instead (empty for an empty
    /// input). A line naming another `age-encryption.org/` version is reported here too.
    case notAgeFile(firstLine: String)

    /// The input is ASCII-armored (`-----BEGIN AGE ENCRYPTED FILE-----`), which AgeKit does
    /// not read. Decrypt with `age -d` or re-encrypt without `-a`/`--armor`.
    case armoredInput

    /// The header breaks the age grammar or a rule of a stanza it recognises.
    ///
    /// `line` is the 1-based header line, or `nil` where the problem is not on one line
    /// (for example the payload nonce after the header).
    case headerMalformed(line: Int?, problem: HeaderProblem)

    /// The header parsed and a file key was unwrapped, but the header MAC does not match:
    /// the header was modified after it was written.
    case headerMACMismatch

    /// The header has X25519 stanzas, but none of them opens with any identity given:
    /// the file was encrypted to someone else (wrong key).
    case noIdentityMatched(x25519Stanzas: Int, identities: Int)

    /// The header has no X25519 stanza at all, only stanzas of types AgeKit does not
    /// implement (for example `scrypt` passphrases or `mlkem768x25519` post-quantum keys).
    ///
    /// The types are listed in header order, each once.
    case unsupportedRecipientTypes([String])

    /// A payload chunk failed authentication: the file was modified, or cut short inside
    /// this chunk. `chunk` is zero-based, as the STREAM nonce counts. No byte of it was
    /// released.
    case payloadAuthenticationFailed(chunk: Int)

    /// A final chunk authenticated but is empty although chunks precede it, which the age
    /// format forbids (only an empty payload ends in an empty chunk). `chunk` is zero-based.
    case emptyFinalChunk(chunk: Int)

    /// The payload ends without a final chunk: the file was cut short at a chunk boundary.
    /// `chunks` is the number of chunks that were authenticated and released before the end.
    case truncated(chunks: Int)

    /// Bytes follow the final chunk. `afterChunk` is the zero-based index of that final
    /// chunk; everything up to and including it was authenticated and released.
    case trailingData(afterChunk: Int)

    /// A key or recipient string, or a line of a key file, is not a valid age X25519 key.
    ///
    /// `file` and `line` (1-based) locate it in a key file; both are `nil` for a single
    /// string. The message never repeats the line, since it may hold a secret key.
    case keyMalformed(file: String?, line: Int?, problem: KeyProblem)

    /// Encryption was asked for without any recipient.
    case noRecipients

    /// A key file could not be read or written.
    ///
    /// `errno` is the system's error number; the message includes its text.
    case fileAccess(path: String, action: FileAction, errno: Int32)
}

extension AgeError: Sendable {}

extension AgeError {
    /// What is wrong with a header, for ``AgeError/headerMalformed(line:problem:)``.
    public enum HeaderProblem: Equatable, Sendable {
        /// The input ends before the header's MAC line.
        case endsInsideHeader
        /// A header line is longer than AgeKit reads (`limit` bytes).
        case lineTooLong(limit: Int)
        /// The header is larger than AgeKit reads (`limit` bytes).
        case headerTooLarge(limit: Int)
        /// A line that is neither a stanza (`-> `), a body line, nor the MAC line (`--- `).
        case unexpectedLine
        /// A line ends in CR LF instead of LF: the file was converted as text (for example by
        /// an FTP or mail transfer in text mode) and is damaged.
        case crlfLineEnding
        /// A stanza line (`->`) has no arguments, not even a type.
        case missingStanzaArguments
        /// A stanza line has an empty argument (two spaces in a row, or a trailing space).
        case emptyStanzaArgument
        /// A stanza argument has a byte outside printable ASCII (0x21–0x7E) at `column` (1-based).
        case invalidStanzaCharacter(column: Int)
        /// A stanza body line is not canonical unpadded base64.
        case bodyLineNotBase64
        /// A stanza body line is longer than 64 columns.
        case bodyLineTooLong
        /// The MAC line is not `--- ` followed by the canonical base64 of 32 bytes.
        case malformedMACLine
        /// The header has no recipient stanza.
        case noStanzas
        /// An `scrypt` stanza appears together with other stanzas, which the format forbids.
        case scryptNotAlone
        /// An X25519 stanza has `count` arguments after its type instead of exactly one.
        case x25519ArgumentCount(Int)
        /// An X25519 stanza's share is not the canonical base64 of 32 bytes.
        case x25519ShareInvalid
        /// An X25519 stanza's body is `count` bytes instead of 32.
        case x25519BodyLength(Int)
        /// An X25519 stanza's share gives the all-zero shared secret (a low-order point).
        case x25519ZeroSharedSecret
        /// The input ends `found` bytes into the 16-byte payload nonce that follows the header.
        case payloadNonceMissing(found: Int)
    }

    /// What is wrong with a key or recipient, for ``AgeError/keyMalformed(file:line:problem:)``.
    public enum KeyProblem: Equatable, Sendable {
        /// The string is empty.
        case empty
        /// A character outside Bech32's alphabet (or outside printable ASCII) at `column` (1-based).
        case invalidCharacter(column: Int)
        /// Upper- and lowercase letters are mixed, which Bech32 forbids.
        case mixedCase
        /// There is no `1` separating the type from the key data, or no type before it.
        case missingSeparator
        /// The string is too short to hold a Bech32 checksum.
        case tooShort
        /// The Bech32 checksum does not match: a character was mistyped or lost.
        case checksumMismatch
        /// The Bech32 data has padding bits that are not zero, or too many of them.
        case invalidPadding
        /// The string is a Bech32 key of another type (`found`, for example `age1pq` or
        /// `AGE-PLUGIN-…`), or not an age key at all, where `expected` was wanted.
        case wrongType(expected: String, found: String)
        /// The key data is `found` bytes instead of `expected`.
        case wrongLength(expected: Int, found: Int)
        /// A key file holds no key at all.
        case noKeys
        /// A key file is not UTF-8 text.
        case notUTF8
        /// The recipient is a low-order X25519 point, which no real key is: nothing can be
        /// encrypted to it.
        case lowOrderPoint
    }

    /// What was being done to a key file, for ``AgeError/fileAccess(path:action:errno:)``.
    public enum FileAction: String, Equatable, Sendable {
        /// Opening or reading an existing file.
        case read
        /// Creating a new file (an existing one is not replaced).
        case create
        /// Writing or flushing a file's content.
        case write
        /// Moving a finished temporary file into place.
        case rename
    }
}

// MARK: - Codes

extension AgeError {
    /// A stable, dotted identifier of an error case, for reports and scripts.
    ///
    /// Every value is a documented static member; ``all`` lists them. A code names the case,
    /// not its details, and never changes once published.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The dotted code, for example `crypt.wrong-identity`.
        public let rawValue: String

        /// Wraps a dotted code string.
        /// - Parameter rawValue: The code, for example `crypt.truncated`.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The dotted code.
        public var description: String { rawValue }

        /// ``AgeError/notAgeFile(firstLine:)``.
        public static let notAge = Code(rawValue: "crypt.not-age")
        /// ``AgeError/armoredInput``.
        public static let armored = Code(rawValue: "crypt.armored")
        /// ``AgeError/headerMalformed(line:problem:)``.
        public static let headerMalformed = Code(rawValue: "crypt.header-malformed")
        /// ``AgeError/headerMACMismatch``.
        public static let headerMAC = Code(rawValue: "crypt.header-mac")
        /// ``AgeError/noIdentityMatched(x25519Stanzas:identities:)``.
        public static let wrongIdentity = Code(rawValue: "crypt.wrong-identity")
        /// ``AgeError/unsupportedRecipientTypes(_:)``.
        public static let unknownRecipientType = Code(rawValue: "crypt.unknown-recipient-type")
        /// ``AgeError/payloadAuthenticationFailed(chunk:)``.
        public static let payloadTampered = Code(rawValue: "crypt.payload-tampered")
        /// ``AgeError/emptyFinalChunk(chunk:)``.
        public static let payloadMalformed = Code(rawValue: "crypt.payload-malformed")
        /// ``AgeError/truncated(chunks:)``.
        public static let truncated = Code(rawValue: "crypt.truncated")
        /// ``AgeError/trailingData(afterChunk:)``.
        public static let trailingData = Code(rawValue: "crypt.trailing-data")
        /// ``AgeError/keyMalformed(file:line:problem:)``.
        public static let keyMalformed = Code(rawValue: "crypt.key-malformed")
        /// ``AgeError/noRecipients``.
        public static let noRecipients = Code(rawValue: "crypt.no-recipients")
        /// ``AgeError/fileAccess(path:action:errno:)``.
        public static let keyFileAccess = Code(rawValue: "crypt.key-file-access")

        /// Every code, one per case of ``AgeError``.
        public static let all: [Code] = [
            .notAge, .armored, .headerMalformed, .headerMAC, .wrongIdentity, .unknownRecipientType,
            .payloadTampered, .payloadMalformed, .truncated, .trailingData, .keyMalformed,
            .noRecipients, .keyFileAccess,
        ]
    }

    /// The stable code of this error.
    public var code: Code {
        switch self {
        case .notAgeFile: .notAge
        case .armoredInput: .armored
        case .headerMalformed: .headerMalformed
        case .headerMACMismatch: .headerMAC
        case .noIdentityMatched: .wrongIdentity
        case .unsupportedRecipientTypes: .unknownRecipientType
        case .payloadAuthenticationFailed: .payloadTampered
        case .emptyFinalChunk: .payloadMalformed
        case .truncated: .truncated
        case .trailingData: .trailingData
        case .keyMalformed: .keyMalformed
        case .noRecipients: .noRecipients
        case .fileAccess: .keyFileAccess
        }
    }
}

// MARK: - Messages

extension AgeError: CustomStringConvertible, LocalizedError {
    /// The message in Chinese and English, as `中文 / English`.
    public var description: String { "\(chinese) / \(english)" }

    /// The message in both languages (`LocalizedError`).
    public var errorDescription: String? { description }

    /// The message in Chinese: what went wrong, where, and what to do.
    public var chinese: String {
        switch self {
        case .notAgeFile(let firstLine):
            firstLine.isEmpty
                ? "解密失败：输入为空，不是 age 加密文件。请确认选对了文件。"
                : "解密失败：不是 age 加密文件（第一行应为 “age-encryption.org/v1”，实际为 “\(firstLine)”）。请确认选对了文件。"
        case .armoredInput:
            "解密失败：这是 ASCII 封装（armor）的 age 文件，本程序不读取。请用 `age -d` 解密，或重新加密时不加 -a。"
        case .headerMalformed(let line, let problem):
            "解密失败：age 文件头损坏\(line.map { "（第 \($0) 行）" } ?? "")：\(problem.chinese)。文件已损坏或被改动，请重新拷贝。"
        case .headerMACMismatch:
            "解密失败：文件头的校验码（MAC）不符，文件头在加密后被改动过。请向发送方重新索取文件。"
        case .noIdentityMatched(let stanzas, let identities):
            "解密失败：所给的 \(identities) 个私钥都打不开文件中的 \(stanzas) 个 X25519 收件人：文件不是加密给这把钥匙的。请使用正确的私钥文件。"
        case .unsupportedRecipientTypes(let types):
            "解密失败：文件只加密给了本程序不支持的收件人类型（\(types.joined(separator: "、"))），没有 X25519 收件人。请让发送方用 age1… 公钥（X25519）加密。"
        case .payloadAuthenticationFailed(let chunk):
            "解密失败：第 \(chunk + 1) 个数据块（明文偏移 \(chunk * Age.chunkSize)）验证失败：文件被改动，或在此块中途被截断。此块及之后的内容都未输出。请重新拷贝文件。"
        case .emptyFinalChunk(let chunk):
            "解密失败：第 \(chunk + 1) 个数据块是空的结束块，age 格式不允许（只有空文件才以空块结束）。文件不是由合规的 age 程序写出的，或被改动过。"
        case .truncated(let chunks):
            "解密失败：文件在 \(chunks) 个数据块之后就结束了，缺少结束块：文件被截断（拷贝中断？）。请重新拷贝文件。"
        case .trailingData(let chunk):
            "解密失败：结束块（第 \(chunk + 1) 块）之后还有多余的数据。文件被改动或拼接过，请重新拷贝文件。"
        case .keyMalformed(let file, let line, let problem):
            "密钥格式错误\(Self.location(file: file, line: line, chinese: true))：\(problem.chinese)。"
        case .noRecipients:
            "加密失败：没有收件人。请至少给出一个 age1… 公钥。"
        case .fileAccess(let path, let action, let code):
            code == EEXIST
                ? "无法创建密钥文件 \(path)：文件已存在，不会覆盖。请换一个路径，或先移走旧文件。"
                : "无法\(action.chinese)密钥文件 \(path)：\(Self.systemMessage(code))（errno \(code)）。请检查路径和权限。"
        }
    }

    /// The message in English: what went wrong, where, and what to do.
    public var english: String {
        switch self {
        case .notAgeFile(let firstLine):
            firstLine.isEmpty
                ? "Decryption failed: the input is empty, not an age encrypted file. Check that the right file was chosen."
                : "Decryption failed: not an age encrypted file (the first line should be \"age-encryption.org/v1\" but is \"\(firstLine)\"). Check that the right file was chosen."
        case .armoredInput:
            "Decryption failed: this is an ASCII-armored age file, which this program does not read. Decrypt it with `age -d`, or encrypt again without -a."
        case .headerMalformed(let line, let problem):
            "Decryption failed: malformed age header\(line.map { " (line \($0))" } ?? ""): \(problem.english). The file is damaged or was modified; copy it again."
        case .headerMACMismatch:
            "Decryption failed: the header MAC does not match; the header was modified after encryption. Ask the sender for the file again."
        case .noIdentityMatched(let stanzas, let identities):
            "Decryption failed: none of the \(identities) identities given opens any of the file's \(stanzas) X25519 recipients: the file was not encrypted to this key. Use the right identity file."
        case .unsupportedRecipientTypes(let types):
            "Decryption failed: the file is encrypted only to recipient types this program does not support (\(types.joined(separator: ", "))), with no X25519 recipient. Ask the sender to encrypt to an age1… (X25519) recipient."
        case .payloadAuthenticationFailed(let chunk):
            "Decryption failed: payload chunk \(chunk + 1) (plaintext offset \(chunk * Age.chunkSize)) failed authentication: the file was modified, or cut short inside this chunk. Nothing from this chunk on was released. Copy the file again."
        case .emptyFinalChunk(let chunk):
            "Decryption failed: payload chunk \(chunk + 1) is an empty final chunk, which the age format forbids (only an empty payload ends in an empty chunk). The file was not written by a conforming age program, or was modified."
        case .truncated(let chunks):
            "Decryption failed: the file ends after \(chunks) payload chunks without a final chunk: it was cut short (an interrupted copy?). Copy the file again."
        case .trailingData(let chunk):
            "Decryption failed: data follows the final payload chunk (chunk \(chunk + 1)). The file was modified or concatenated; copy it again."
        case .keyMalformed(let file, let line, let problem):
            "Malformed key\(Self.location(file: file, line: line, chinese: false)): \(problem.english)."
        case .noRecipients:
            "Encryption failed: no recipients. Give at least one age1… recipient."
        case .fileAccess(let path, let action, let code):
            code == EEXIST
                ? "Cannot create key file \(path): the file already exists and will not be overwritten. Choose another path or move the old file away first."
                : "Cannot \(action.rawValue) key file \(path): \(Self.systemMessage(code)) (errno \(code)). Check the path and permissions."
        }
    }

    private static func location(file: String?, line: Int?, chinese: Bool) -> String {
        switch (file, line) {
        case (nil, nil): ""
        case (let file?, nil): chinese ? "（\(file)）" : " (\(file))"
        case (nil, let line?): chinese ? "（第 \(line) 行）" : " (line \(line))"
        case (let file?, let line?): chinese ? "（\(file) 第 \(line) 行）" : " (\(file), line \(line))"
        }
    }

    private static func systemMessage(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

extension AgeError.HeaderProblem {
    /// The problem in Chinese, as a clause.
    public var chinese: String {
        switch self {
        case .endsInsideHeader: "文件在文件头结束前就结束了"
        case .lineTooLong(let limit): "一行超过 \(limit) 字节"
        case .headerTooLarge(let limit): "文件头超过 \(limit) 字节"
        case .unexpectedLine: "这一行既不是收件人行（“-> ”）、正文行，也不是校验行（“--- ”）"
        case .crlfLineEnding: "行尾是 CR LF 而不是 LF：文件在传输中被当作文本转换过"
        case .missingStanzaArguments: "收件人行（“->”）没有参数"
        case .emptyStanzaArgument: "收件人行有空参数（连续两个空格或行尾空格）"
        case .invalidStanzaCharacter(let column): "收件人行第 \(column) 列有非可打印 ASCII 字符"
        case .bodyLineNotBase64: "收件人正文行不是规范的无填充 base64"
        case .bodyLineTooLong: "收件人正文行超过 64 列"
        case .malformedMACLine: "校验行应为 “--- ” 加 32 字节的规范 base64"
        case .noStanzas: "没有任何收件人"
        case .scryptNotAlone: "scrypt 收件人必须是唯一的收件人"
        case .x25519ArgumentCount(let count): "X25519 收件人应有 1 个参数，实际有 \(count) 个"
        case .x25519ShareInvalid: "X25519 收件人的临时公钥不是 32 字节的规范 base64"
        case .x25519BodyLength(let count): "X25519 收件人正文应为 32 字节，实际为 \(count) 字节"
        case .x25519ZeroSharedSecret: "X25519 收件人的临时公钥是低阶点（共享密钥全为零）"
        case .payloadNonceMissing(let found): "文件头之后应有 16 字节的随机数，实际只有 \(found) 字节"
        }
    }

    /// The problem in English, as a clause.
    public var english: String {
        switch self {
        case .endsInsideHeader: "the input ends before the end of the header"
        case .lineTooLong(let limit): "a line is longer than \(limit) bytes"
        case .headerTooLarge(let limit): "the header is larger than \(limit) bytes"
        case .unexpectedLine: "the line is neither a stanza (\"-> \"), a body line, nor the MAC line (\"--- \")"
        case .crlfLineEnding: "the line ends in CR LF instead of LF: the file was converted as text in transfer"
        case .missingStanzaArguments: "a stanza line (\"->\") has no arguments"
        case .emptyStanzaArgument: "a stanza line has an empty argument (two spaces in a row, or a trailing space)"
        case .invalidStanzaCharacter(let column): "a stanza line has a byte outside printable ASCII at column \(column)"
        case .bodyLineNotBase64: "a stanza body line is not canonical unpadded base64"
        case .bodyLineTooLong: "a stanza body line is longer than 64 columns"
        case .malformedMACLine: "the MAC line must be \"--- \" and the canonical base64 of 32 bytes"
        case .noStanzas: "the header has no recipient stanza"
        case .scryptNotAlone: "an scrypt stanza must be the only stanza"
        case .x25519ArgumentCount(let count): "an X25519 stanza must have 1 argument, this one has \(count)"
        case .x25519ShareInvalid: "an X25519 stanza's share is not the canonical base64 of 32 bytes"
        case .x25519BodyLength(let count): "an X25519 stanza's body must be 32 bytes, this one is \(count)"
        case .x25519ZeroSharedSecret: "an X25519 stanza's share is a low-order point (all-zero shared secret)"
        case .payloadNonceMissing(let found): "the 16-byte payload nonce after the header has only \(found) bytes"
        }
    }
}

extension AgeError.KeyProblem {
    /// The problem in Chinese, as a clause.
    public var chinese: String {
        switch self {
        case .empty: "内容为空"
        case .invalidCharacter(let column): "第 \(column) 列的字符不属于 Bech32 字符集"
        case .mixedCase: "大小写混用，Bech32 不允许"
        case .missingSeparator: "缺少类型名，或缺少类型与数据之间的分隔符 “1”"
        case .tooShort: "太短，放不下 Bech32 校验和"
        case .checksumMismatch: "Bech32 校验和不符：有字符抄错或丢失"
        case .invalidPadding: "Bech32 数据的填充位无效"
        case .wrongType(let expected, let found): "类型是 “\(found)”，这里需要 “\(expected)”"
        case .wrongLength(let expected, let found): "密钥数据为 \(found) 字节，应为 \(expected) 字节"
        case .noKeys: "文件里没有任何密钥"
        case .notUTF8: "文件不是 UTF-8 文本"
        case .lowOrderPoint: "这个公钥是低阶点，不是真正的公钥，无法加密给它"
        }
    }

    /// The problem in English, as a clause.
    public var english: String {
        switch self {
        case .empty: "it is empty"
        case .invalidCharacter(let column): "the character at column \(column) is not in the Bech32 alphabet"
        case .mixedCase: "upper- and lowercase are mixed, which Bech32 forbids"
        case .missingSeparator: "the type, or the separator \"1\" between type and data, is missing"
        case .tooShort: "it is too short to hold a Bech32 checksum"
        case .checksumMismatch: "the Bech32 checksum does not match: a character was mistyped or lost"
        case .invalidPadding: "the Bech32 data has invalid padding bits"
        case .wrongType(let expected, let found): "its type is \"\(found)\" where \"\(expected)\" is needed"
        case .wrongLength(let expected, let found): "the key data is \(found) bytes instead of \(expected)"
        case .noKeys: "the file holds no key"
        case .notUTF8: "the file is not UTF-8 text"
        case .lowOrderPoint: "the recipient is a low-order point, not a real public key; nothing can be encrypted to it"
        }
    }
}

extension AgeError.FileAction {
    fileprivate var chinese: String {
        switch self {
        case .read: "读取"
        case .create: "创建"
        case .write: "写入"
        case .rename: "移动"
        }
    }
}
