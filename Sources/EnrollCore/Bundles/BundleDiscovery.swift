/// Something to check that a command-line path names.
public enum CheckTarget: Sendable, Hashable {
    /// A bundle directory.
    case bundle(String)
    /// A transfer archive.
    case archive(String)
}

/// Finding bundles under paths given on the command line.
public enum BundleDiscovery {
    /// The bundles and archives named by `paths`: a file that looks like an archive is an
    /// archive; a directory holding `bagit.txt` is a bundle; any other directory is searched
    /// for both.
    public static func targets(in paths: [String]) throws -> [CheckTarget] {
        var targets: [CheckTarget] = []
        for path in paths {
            if DirectoryWalker.kind(of: path) == .file {
                targets.append(TransferFormat.looksLikeArchive(path) ? .archive(path) : .bundle(path))
                continue
            }
            if DirectoryWalker.kind(of: path) == .directory, DirectoryWalker.kind(of: path + "/bagit.txt") == nil {
                let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
                for entry in try DirectoryWalker.walk(trimmed) where entry.kind == .file {
                    let file = trimmed + "/" + entry.path
                    if !entry.path.contains("/bundles/"), isArchiveName(entry.path), TransferFormat.looksLikeArchive(file) {
                        targets.append(.archive(file))
                    }
                }
            }
            targets += try bundles(in: [path]).map { .bundle($0) }
        }
        return targets
    }

    private static func isArchiveName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".tar.zst", ".tzst", ".tar.gz", ".tgz", ".zip", ".tar"].contains { lower.hasSuffix($0) }
    }

    /// The bundle directories named by `paths`: a path holding `bagit.txt` is a bundle; any
    /// other directory is searched (without following links) for bundles below it.
    /// - Returns: Bundle directories in a stable order.
    /// - Throws: `EnrollError` (I/O) for a path that does not exist or cannot be read.
    public static func bundles(in paths: [String]) throws -> [String] {
        var found: [String] = []
        for path in paths {
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let kind = DirectoryWalker.kind(of: trimmed) else {
                throw EnrollError.io(
                    "io.not-found", Location(file: path),
                    zh: "找不到该路径。请检查拼写。", en: "The path does not exist. Check its spelling.")
            }
            guard kind == .directory else {
                found.append(trimmed)  // Reported by the checker as not a bundle.
                continue
            }
            if DirectoryWalker.kind(of: trimmed + "/bagit.txt") != nil {
                found.append(trimmed)
                continue
            }
            try collect(trimmed, into: &found)
        }
        return found
    }

    private static func collect(_ directory: String, into found: inout [String]) throws {
        let entries = try DirectoryWalker.walk(directory).filter { $0.kind == .directory }
        var bundleRoots: [String] = []
        for entry in entries {
            if bundleRoots.contains(where: { entry.path.hasPrefix($0 + "/") }) { continue }
            if DirectoryWalker.kind(of: directory + "/" + entry.path + "/bagit.txt") != nil {
                bundleRoots.append(entry.path)
                found.append(directory + "/" + entry.path)
            }
        }
    }
}
