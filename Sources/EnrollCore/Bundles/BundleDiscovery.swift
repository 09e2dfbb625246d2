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
    /// for both, without descending into bundles (so a tree of many bundles is listed in
    /// memory proportional to its directories, not its files).
    public static func targets(in paths: [String]) throws -> [CheckTarget] {
        var targets: [CheckTarget] = []
        for path in paths {
            let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            switch DirectoryWalker.kind(of: trimmed) {
            case nil:
                throw EnrollError.io(
                    .ioNotFound, Location(file: path),
                    zh: "找不到该路径。请检查拼写。", en: "The path does not exist. Check its spelling.")
            case .file?:
                // A file named like an archive is read as one even if damaged, so the report
                // says what is wrong with the archive rather than "not a bundle".
                let isArchive = isArchiveName(trimmed) || TransferFormat.looksLikeArchive(trimmed)
                targets.append(isArchive ? .archive(trimmed) : .bundle(trimmed))
            case .directory?:
                try search(trimmed, into: &targets, archives: true)
            default:
                targets.append(.bundle(trimmed))  // Reported by the checker as not a bundle.
            }
        }
        return targets
    }

    /// The bundle directories named by `paths` (archives are not looked for).
    /// - Throws: `EnrollError` (I/O) for a path that does not exist or cannot be read.
    public static func bundles(in paths: [String]) throws -> [String] {
        try targets(in: paths).compactMap { target in
            if case .bundle(let path) = target { return path }
            return nil
        }
    }

    private static func search(_ directory: String, into targets: inout [CheckTarget], archives: Bool) throws {
        if DirectoryWalker.kind(of: directory + "/bagit.txt") != nil {
            targets.append(.bundle(directory))
            return
        }
        for entry in try DirectoryWalker.list(directory) {
            let path = directory + "/" + entry.path
            switch entry.kind {
            case .directory:
                try search(path, into: &targets, archives: archives)
            case .file where archives && isArchiveName(entry.path) && TransferFormat.looksLikeArchive(path):
                targets.append(.archive(path))
            default:
                continue
            }
        }
    }

    private static func isArchiveName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return [".tar.zst", ".tzst", ".tar.gz", ".tgz", ".zip", ".tar", ".age"].contains { lower.hasSuffix($0) }
    }
}
