import Foundation

/// One fuzz target: a parser fed arbitrary bytes.
struct FuzzTarget: Sendable {
    /// The name scripts/fuzz.sh and fuzz/corpus/<name>/ use.
    let name: String
    /// What it feeds the bytes to.
    let summary: String
    /// Feeds one input; returns normally whatever the parser thinks of it.
    let run: @Sendable (UnsafeRawBufferPointer) -> Void
}

/// The targets, in the order `--list` prints them.
enum FuzzTargets {
    static let all: [FuzzTarget] = [
        JSONTarget.target, SchemaTarget.target, BagItTarget.target, SignifyTarget.target,
        BatchTarget.target, StatusTarget.target, ArchiveTarget.target, AgeTarget.target,
        XMLTarget.target, XLSXTarget.target,
    ]

    /// The target the libFuzzer callback runs (a C function pointer cannot capture it).
    nonisolated(unsafe) static var selected: FuzzTarget?

    static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}

/// Fails the way a sanitizer does, so libFuzzer saves the input: for a property a parser
/// broke (an accepted value that does not survive a round trip), not for a refusal.
func fuzzInvariant(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
    if !condition { fatalError("fuzz invariant broken: \(message())", file: file, line: line) }
}

/// The inputs a path names: the file, or the regular files of a directory (not recursive).
enum FuzzInputs {
    static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [path] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { path + "/" + $0 }.filter { file in
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: file, isDirectory: &isDir) && !isDir.boolValue
        }
    }
}

/// A file for the targets whose parser reads a path (the xlsx reader, the status archive
/// reader): one per process and suffix, rewritten for every input, under $TMPDIR.
enum FuzzScratch {
    static func write(_ bytes: UnsafeRawBufferPointer, suffix: String) -> String {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        let path = "\(directory)/enroll-fuzz-\(getpid())\(suffix)"
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }
}
