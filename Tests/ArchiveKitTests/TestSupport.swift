import CArchive
import Foundation
import Testing

@testable import ArchiveKit

#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under the system temporary directory, removed when released.
final class TemporaryDirectory {
    let path: String

    init(_ label: String = #function) throws {
        let base = FileManager.default.temporaryDirectory.path
        let safe = label.filter { $0.isLetter || $0.isNumber }
        var template = Array("\(base)/archivekit-\(safe)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        try #require(made != nil)
        path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    deinit {
        POSIX.removeTree(path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Every path below the directory (relative, sorted), hidden files included.
    func listing() -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: path)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String { names.append(name) }
        return names.sorted()
    }
}

/// Runs a system tool and returns its exit status and standard output.
/// Fails the test (does not skip) when the tool is missing.
func runTool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let candidates = ["/usr/bin/\(tool)", "/bin/\(tool)", "/usr/local/bin/\(tool)"]
    let executable = try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
        "\(tool) is not installed (apt-get install -y libarchive-tools unzip)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Reads every entry of an archive, collecting each file's bytes.
func readEverything(
    _ path: String, limits: ArchiveLimits = .default, root: RootRequirement = .none
) throws -> [(entry: ArchiveEntry, bytes: [UInt8])] {
    let reader = try ArchiveReader(path: path, limits: limits, root: root)
    var result: [(ArchiveEntry, [UInt8])] = []
    while let entry = try reader.next() {
        result.append((entry, try entry.readAll()))
    }
    return result
}

/// Deterministic pseudo-random bytes (xorshift), so large test files are not all zeros.
func pseudoRandomBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        bytes[index] = UInt8(truncatingIfNeeded: state)
    }
    return bytes
}
