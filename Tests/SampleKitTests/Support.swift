import Foundation
import SampleKit

/// Paths and process helpers shared by the tests.
enum Support {
    /// The package root (two levels above this file's directory).
    static let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The form schemas: `$ENROLL_SCHEMAS` or the repository's Schemas/.
    static let schemas: String = ProcessInfo.processInfo.environment["ENROLL_SCHEMAS"] ?? packageRoot + "/Schemas"

    /// A fresh temporary directory.
    static func tempDir(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "samplekit-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Runs a program found on PATH; returns exit status and stdout+stderr (stdout as raw bytes too).
    static func run(_ program: String, _ args: [String]) throws -> (status: Int32, output: String, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o + e, as: UTF8.self), o)
    }

    /// Whether a program is on PATH.
    static func has(_ program: String) -> Bool {
        (try? run("sh", ["-c", "command -v \(program)"]).status) == 0
    }
}
