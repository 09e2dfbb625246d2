import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Key files as `age -i` (identities) and `age -R` (recipients) read them: one key per line,
// lines starting with `#` and empty lines ignored. Surrounding spaces, tabs and a CR before
// the LF are ignored too (age-keygen writes none).

extension AgeIdentity {
    /// Parses an identity file: one or more `AGE-SECRET-KEY-1…` lines, with `#` comments and
    /// blank lines, as `age -i` reads it (and `age-keygen` writes it).
    /// - Parameters:
    ///   - contents: The file's text.
    ///   - file: The file's path, for error messages.
    /// - Returns: The identities, in file order.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` with the 1-based line of the
    ///   first bad line, or ``AgeError/KeyProblem/noKeys`` if there is no identity.
    public static func parseIdentityFile(_ contents: String, file: String? = nil) throws(AgeError) -> [AgeIdentity] {
        try KeyFileLines.parse(contents, file: file) { line throws(AgeError) in try AgeIdentity(string: line) }
    }

    /// Reads and parses an identity file (``parseIdentityFile(_:file:)``).
    /// - Parameter path: The file.
    /// - Returns: The identities, in file order.
    /// - Throws: ``AgeError/fileAccess(path:action:errno:)`` if the file cannot be read, else as
    ///   ``parseIdentityFile(_:file:)``.
    public static func readIdentityFile(atPath path: String) throws(AgeError) -> [AgeIdentity] {
        try parseIdentityFile(try KeyFileLines.readText(atPath: path), file: path)
    }

    /// The identity file `age-keygen` would write for this identity.
    ///
    ///     # created: 2026-03-01T09:30:00+08:00
    ///     # public key: age1…
    ///     AGE-SECRET-KEY-1…
    ///
    /// - Parameters:
    ///   - created: The time for the `# created:` comment (RFC 3339, to the second).
    ///   - timeZone: The time zone it is written in; `age-keygen` uses the local one.
    /// - Returns: The file's text, ending in a newline.
    public func identityFileContents(created: Date = Date(), timeZone: TimeZone = .current) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = timeZone
        return "# created: \(formatter.string(from: created))\n# public key: \(recipient.string)\n\(string)\n"
    }

    /// Writes this identity to a new identity file with mode 0600, atomically.
    ///
    /// The content (``identityFileContents(created:timeZone:)``) goes to a temporary file in
    /// the same directory, created with mode 0600 (`open` with `O_CREAT | O_EXCL`, then
    /// `fchmod`, so the umask cannot loosen it), flushed with `fsync`, and moved into place with
    /// `rename`; the directory is then flushed too. A reader never sees a partial key, and a
    /// crash leaves either no file or the whole one. An existing file is never replaced: a
    /// lost secret key means files encrypted to it can no longer be read.
    /// - Parameters:
    ///   - path: Where to write the identity file.
    ///   - created: The time for the `# created:` comment.
    ///   - timeZone: The time zone it is written in.
    /// - Throws: ``AgeError/fileAccess(path:action:errno:)``, with `EEXIST` if `path` exists.
    public func writeIdentityFile(atPath path: String, created: Date = Date(), timeZone: TimeZone = .current) throws(AgeError) {
        try KeyFileLines.writeSecretAtomically(Array(identityFileContents(created: created, timeZone: timeZone).utf8), to: path)
    }
}

extension AgeRecipient {
    /// Parses a recipients file: one or more `age1…` lines, with `#` comments and blank
    /// lines, as `age -R` reads it.
    /// - Parameters:
    ///   - contents: The file's text.
    ///   - file: The file's path, for error messages.
    /// - Returns: The recipients, in file order.
    /// - Throws: ``AgeError/keyMalformed(file:line:problem:)`` with the 1-based line of the
    ///   first bad line (an SSH or post-quantum recipient is reported as a wrong type), or
    ///   ``AgeError/KeyProblem/noKeys`` if there is no recipient.
    public static func parseRecipientsFile(_ contents: String, file: String? = nil) throws(AgeError) -> [AgeRecipient] {
        try KeyFileLines.parse(contents, file: file) { line throws(AgeError) in try AgeRecipient(string: line) }
    }

    /// Reads and parses a recipients file (``parseRecipientsFile(_:file:)``).
    /// - Parameter path: The file.
    /// - Returns: The recipients, in file order.
    /// - Throws: ``AgeError/fileAccess(path:action:errno:)`` if the file cannot be read, else as
    ///   ``parseRecipientsFile(_:file:)``.
    public static func readRecipientsFile(atPath path: String) throws(AgeError) -> [AgeRecipient] {
        try parseRecipientsFile(try KeyFileLines.readText(atPath: path), file: path)
    }

    /// A recipients file for `age -R`: one `age1…` line per recipient.
    /// - Parameters:
    ///   - recipients: The recipients, in order.
    ///   - comment: An optional comment written first as `# comment` (one line).
    /// - Returns: The file's text, ending in a newline.
    public static func recipientsFileContents(_ recipients: [AgeRecipient], comment: String? = nil) -> String {
        var text = comment.map { "# \($0.replacingOccurrences(of: "\n", with: " "))\n" } ?? ""
        for recipient in recipients { text += recipient.string + "\n" }
        return text
    }
}

/// The line handling and file I/O shared by identity and recipients files.
enum KeyFileLines {
    /// Key files larger than this are refused: a real one holds a few keys.
    static let maximumSize = 1 << 20

    static func parse<Key>(_ contents: String, file: String?, key: (String) throws(AgeError) -> Key) throws(AgeError) -> [Key] {
        var keys: [Key] = []
        var lineNumber = 0
        // CR LF is one Character in Swift, so it is split on explicitly.
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: CharacterSet(charactersIn: " \t\r"))
            if line.isEmpty || line.hasPrefix("#") { continue }
            do {
                keys.append(try key(line))
            } catch {
                guard case .keyMalformed(_, _, let problem) = error else { throw error }
                throw .keyMalformed(file: file, line: lineNumber, problem: problem)
            }
        }
        guard !keys.isEmpty else { throw .keyMalformed(file: file, line: nil, problem: .noKeys) }
        return keys
    }

    /// Reads a key file as UTF-8 text (`open`, `read`).
    static func readText(atPath path: String) throws(AgeError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .fileAccess(path: path, action: .read, errno: errno) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .fileAccess(path: path, action: .read, errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: block[..<count])
            guard bytes.count <= maximumSize else { throw .fileAccess(path: path, action: .read, errno: EFBIG) }
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .keyMalformed(file: path, line: nil, problem: .notUTF8)
        }
        return text
    }

    /// Writes a secret file with mode 0600: temporary file, `fsync`, `rename`, directory `fsync`.
    static func writeSecretAtomically(_ bytes: [UInt8], to path: String) throws(AgeError) {
        // Checked before the work; a key file appearing at the same path in the moment between
        // this check and the rename would be replaced (keys are made by one person, by hand).
        var existing = stat()
        if lstat(path, &existing) == 0 { throw .fileAccess(path: path, action: .create, errno: EEXIST) }
        let directory = (path as NSString).deletingLastPathComponent
        let directoryPath = directory.isEmpty ? "." : directory
        let temporary = directoryPath + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .fileAccess(path: path, action: .create, errno: errno) }
        var failure: AgeError?
        if fchmod(descriptor, 0o600) != 0 {
            failure = .fileAccess(path: path, action: .write, errno: errno)
        }
        var offset = 0
        while failure == nil, offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = .fileAccess(path: path, action: .write, errno: errno)
            } else {
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 {
            failure = .fileAccess(path: path, action: .write, errno: errno)
        }
        if close(descriptor) != 0, failure == nil {
            failure = .fileAccess(path: path, action: .write, errno: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .fileAccess(path: path, action: .rename, errno: code)
        }
        let directoryDescriptor = open(directoryPath, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)  // Best effort: some file systems refuse fsync on a directory.
            close(directoryDescriptor)
        }
    }
}
