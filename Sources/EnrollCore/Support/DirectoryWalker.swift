import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lists a directory tree without following symbolic links.
///
/// Each entry is classified with `lstat`, so a symlink is reported as a symlink and never
/// followed out of the tree. Names that are not valid UTF-8 are reported rather than repaired.
enum DirectoryWalker {
    /// What kind of file an entry is.
    enum Kind: Equatable {
        case file
        case directory
        case symlink
        /// A device, FIFO or socket.
        case special
    }

    /// One entry below the root.
    struct Entry {
        /// The path relative to the root, `/`-separated.
        var path: String
        /// The kind of file.
        var kind: Kind
        /// The size in bytes (regular files only).
        var size: Int64
    }

    /// The kind of the file at `path` (not following a final symlink), or nil if absent.
    static func kind(of path: String) -> Kind? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return kind(info.st_mode)
    }

    private static func kind(_ mode: mode_t) -> Kind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .special
        }
    }

    /// Lists the entries of one directory (not below it), sorted by name.
    /// - Throws: `EnrollError` (I/O) if the directory cannot be read.
    static func list(_ directory: String) throws -> [Entry] {
        var result: [Entry] = []
        guard let handle = opendir(directory) else {
            throw FileIO.ioError(errno, directory, verb: ("读取目录", "read the directory"))
        }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name: String? = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(validatingCString: $0) }
            }
            if let name, name != ".", name != ".." { names.append(name) }
        }
        closedir(handle)
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            var info = stat()
            guard lstat(directory + "/" + name, &info) == 0 else { continue }
            result.append(Entry(path: name, kind: kind(info.st_mode), size: Int64(info.st_size)))
        }
        return result
    }

    /// Lists every entry below `root`, depth first, sorted by name within a directory.
    /// - Parameters:
    ///   - root: The directory to list.
    ///   - badName: Called with the parent's relative path for each name that is not UTF-8;
    ///     such entries are skipped.
    /// - Throws: `EnrollError` (I/O) if `root` or a directory below it cannot be read.
    static func walk(_ root: String, badName: (String) -> Void = { _ in }) throws -> [Entry] {
        var result: [Entry] = []
        try walk(root: root, relative: "", into: &result, badName: badName)
        return result
    }

    private static func walk(
        root: String, relative: String, into result: inout [Entry], badName: (String) -> Void
    ) throws {
        let directoryPath = relative.isEmpty ? root : root + "/" + relative
        guard let directory = opendir(directoryPath) else {
            throw FileIO.ioError(errno, directoryPath, verb: ("读取目录", "read the directory"))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name: String? = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) {
                    String(validatingCString: $0)
                }
            }
            guard let name else {
                badName(relative)
                continue
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for name in names {
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + childRelative, &info) == 0 else {
                throw FileIO.ioError(errno, root + "/" + childRelative, verb: ("读取", "read"))
            }
            let kind = kind(info.st_mode)
            result.append(Entry(path: childRelative, kind: kind, size: Int64(info.st_size)))
            if kind == .directory {
                try walk(root: root, relative: childRelative, into: &result, badName: badName)
            }
        }
    }
}

/// The inputs of a command that takes files or directories (`enroll schema check`).
public enum InputFiles {
    /// Each path as given, with each directory replaced by the files below it whose names end
    /// in `suffix` (symbolic links to files included), depth first and sorted by name within
    /// a directory.
    ///
    /// - Throws: `EnrollError` (I/O) if a directory cannot be read.
    public static func expand(_ paths: [String], suffix: String) throws -> [String] {
        var files: [String] = []
        for path in paths {
            guard isDirectory(path) else {
                files.append(path)
                continue
            }
            for entry in try DirectoryWalker.walk(path)
            where (entry.kind == .file || entry.kind == .symlink) && entry.path.hasSuffix(suffix) {
                files.append(path + "/" + entry.path)
            }
        }
        return files
    }

    /// The bytes of one input file.
    ///
    /// - Throws: `EnrollError` (I/O) naming the file if it cannot be opened or read.
    public static func read(_ path: String) throws -> [UInt8] { try FileIO.readAll(path) }

    /// Whether `path` is a directory or a symbolic link to one (stat(2) follows links).
    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
