import Foundation

/// Finding the directory that holds the form schemas (`Schemas/`).
public enum SchemaDirectory {
    /// The places looked at, in order: `ENROLL_SCHEMAS`; `share/enroll/Schemas` beside the
    /// executable's `bin/`; a `Schemas/` directory in the executable's directory or any parent
    /// (a build inside a checkout); `Schemas/` in the working directory.
    /// - Parameter explicit: A directory given with `--schemas`, which wins.
    /// - Returns: The first candidate that exists, or nil.
    public static func locate(explicit: String? = nil) -> String? {
        var candidates: [String] = []
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["ENROLL_SCHEMAS"], !fromEnvironment.isEmpty {
            candidates.append(fromEnvironment)
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var directory = executable.deletingLastPathComponent()
        candidates.append(directory.deletingLastPathComponent().appendingPathComponent("share/enroll/Schemas").path)
        while directory.path != "/" {
            candidates.append(directory.appendingPathComponent("Schemas").path)
            directory = directory.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/Schemas")
        return candidates.first { DirectoryWalker.kind(of: $0) == .directory }
    }
}
