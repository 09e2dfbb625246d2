import Crypto
import Foundation
import Testing

@testable import EnrollCore

/// A fresh directory under the system's temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "enroll-test-\(safe)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        PostgresTestCluster.dropDatabases(under: path)
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A path inside the directory.
    func callAsFunction(_ relative: String) -> String { path + "/" + relative }
}

/// Writes a file, creating its parent directories.
func write(_ path: String, _ text: String) throws {
    try write(path, Array(text.utf8))
}

/// Writes a file, creating its parent directories.
func write(_ path: String, _ bytes: [UInt8]) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// Reads a file as UTF-8 text.
func read(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
}

/// The repository's root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("Package.swift not found above \(#filePath)")
}()

/// The project's `shared/` directory (conformance suites), beside the repository, or where
/// `$ENROLL_SHARED` says (a clone that has no `shared/` above it).
let sharedDirectory: String = {
    if let shared = ProcessInfo.processInfo.environment["ENROLL_SHARED"], !shared.isEmpty { return shared }
    var url = URL(fileURLWithPath: repositoryRoot)
    while url.path != "/" {
        if FileManager.default.fileExists(atPath: url.path + "/shared/conformance") { return url.path + "/shared" }
        url.deleteLastPathComponent()
    }
    return repositoryRoot + "/../shared"
}()

/// The outcome of running a program.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program to completion (found on PATH when not a path).
func runProcess(_ program: String, _ arguments: [String], directory: String? = nil) throws -> ProcessResult {
    let process = Process()
    if program.contains("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Drain both pipes concurrently so a chatty child never blocks.
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
    return ProcessResult(
        status: process.terminationStatus,
        stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// SHA-256 of every file below a directory, by relative path, plus each file's mode: a
/// fingerprint that shows whether anything was changed.
func treeFingerprint(_ root: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for entry in try DirectoryWalker.walk(root) {
        let path = root + "/" + entry.path
        let mode = FileIO.permissions(path) ?? 0
        switch entry.kind {
        case .file: result[entry.path] = sha256Hex(try FileIO.readAll(path)) + " \(mode)"
        default: result[entry.path] = "\(entry.kind) \(mode)"
        }
    }
    return result
}

/// A tiny valid PNG of the given size (stored deflate blocks, real CRCs).
func makePNG(width: Int, height: Int) -> [UInt8] {
    func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(UInt32(data.count)) + body + be32(crc32(body))
    }
    var raw: [UInt8] = []
    for _ in 0..<height { raw.append(0); raw += [UInt8](repeating: 0x80, count: width * 3) }
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
    var zlib: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let count = min(65535, raw.count - offset)
        let final: UInt8 = offset + count == raw.count ? 1 : 0
        zlib += [final, UInt8(count & 0xff), UInt8(count >> 8), UInt8(~count & 0xff), UInt8((~count >> 8) & 0xff)]
        zlib += raw[offset..<(offset + count)]
        offset += count
    } while offset < raw.count
    zlib += be32(b << 16 | a)
    let header = be32(UInt32(width)) + be32(UInt32(height)) + [8, 2, 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
}

/// A minimal schema directory declaring one test form.
func makeTestSchemas(in directory: TemporaryDirectory) throws -> String {
    try write(directory("schemas/test-form.schema.json"), #"{"x-form": {"id": "test-form", "version": "2024.1"}}"#)
    return directory("schemas")
}

/// A flag set once from one thread and read from another.
final class ManagedAtomicFlag: @unchecked Sendable {
    // Guarded by `lock`.
    private var value = false
    private let lock = NSLock()

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

/// A value handed from one thread to another.
final class LockedBox<Value>: @unchecked Sendable {
    // Guarded by `lock`.
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&value) } }
}
