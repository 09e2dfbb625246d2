import AgeKit
import Crypto
import Foundation
import Testing

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "agekit-test-\(safe)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A path inside the directory.
    func callAsFunction(_ relative: String) -> String { path + "/" + relative }
}

/// The CCTV age vectors: `shared/conformance/age/testdata`, found by walking up from this
/// file (`<worktree>/../shared` here, `<repo>/../shared` in CI), or from `$ENROLL_SHARED`.
let conformanceDirectory: String? = {
    if let shared = ProcessInfo.processInfo.environment["ENROLL_SHARED"], !shared.isEmpty {
        return shared + "/conformance/age/testdata"
    }
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
        let candidate = url.path + "/shared/conformance/age/testdata"
        if FileManager.default.fileExists(atPath: candidate) { return candidate }
        url.deleteLastPathComponent()
    }
    return nil
}()

/// Lowercase hex SHA-256 of some bytes.
func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}

/// Deterministic pseudo-random bytes (a SplitMix64 stream), so failures reproduce.
func pseudoRandomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    var bytes = [UInt8]()
    bytes.reserveCapacity(count + 8)
    while bytes.count < count {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        withUnsafeBytes(of: z.littleEndian) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}

/// What a streaming decryption released before it ended, and how it ended.
struct StreamOutcome {
    /// Every plaintext byte handed out, in order.
    var released: [UInt8] = []
    /// The chunks handed out by `nextChunk()`.
    var chunkCount = 0
    /// The error that ended it, or nil if it reached the checked end.
    var error: (any Error)?

    var ageError: AgeError? { error as? AgeError }
}

/// Decrypts through the streaming API (`nextChunk()`), keeping whatever was released.
func streamDecrypt(_ ciphertext: [UInt8], identities: [AgeIdentity]) -> StreamOutcome {
    var outcome = StreamOutcome()
    do {
        let decryptor = try AgeDecryptor(identities: identities, ciphertext: ciphertext)
        while let chunk = try decryptor.nextChunk() {
            #expect(!chunk.isEmpty, "nextChunk never hands out an empty chunk")
            #expect(chunk.count <= Age.chunkSize)
            outcome.released.append(contentsOf: chunk)
            outcome.chunkCount += 1
        }
        #expect(decryptor.isFinished)
    } catch {
        outcome.error = error
    }
    return outcome
}

/// The outcome of running a program.
struct ProcessResult {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// Finds a program on PATH.
func which(_ program: String) -> String? {
    for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let candidate = "\(directory)/\(program)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Runs a program to completion, its standard input from a file (or /dev/null).
func runProcess(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = try stdin.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: $0)) } ?? FileHandle.nullDevice
    try process.run()
    // Drain both pipes at once so a chatty child never blocks.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
        errData = err.fileHandleForReading.readDataToEndOfFile()
        group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
}

/// The path of a tool the tests need, or a recorded failure naming the package to install.
func requireTool(_ name: String, package: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    try #require(
        which(name), "\(name) is not installed: run scripts/setup.sh (apt package \(package))",
        sourceLocation: sourceLocation)
}

/// Writes bytes to a file.
func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Reads a file's bytes.
func readFile(_ path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}
