import SystemPackage

/// The parts of a file path as a user types it: the directory it is in and its last component.
///
/// Every spelling works the same way: a bare name (`y`), a relative path (`./y`, `a/y`), an
/// absolute one (`/y`) and one with trailing or doubled separators (`a/b/`, `a//b`). Parsing
/// is swift-system's `FilePath`, which normalises separators; nothing here touches the file
/// system. This is the one place enroll splits paths (Foundation's
/// `NSString.deletingLastPathComponent` crashed on a one-letter relative path).
public struct PathName: Hashable, Sendable, CustomStringConvertible {
    /// The normalised path.
    public let path: FilePath

    /// Parses a path.
    /// - Parameter text: The path as given; an empty text stands for the current directory.
    public init(_ text: String) {
        path = FilePath(text)
    }

    /// The normalised path as text (`a/b/` → `a/b`; an empty path stays empty).
    public var description: String { path.string }

    /// The directory the path names an entry of: `.` for a bare name (`y`) or an empty path,
    /// `/` for a top-level entry (`/y`) and for `/` itself.
    public var parent: String {
        let parent = path.removingLastComponent().string
        return parent.isEmpty ? "." : parent
    }

    /// The last component (`y` for `y`, `./y`, `/y` and `a/y/`); empty for `/` and an empty path.
    public var lastComponent: String {
        path.lastComponent?.string ?? ""
    }

    /// The last component without its extension (`keys/st1.sec` → `st1`, `a/b.tar.zst` →
    /// `b.tar`, `.hidden` → `.hidden`).
    public var stem: String {
        path.lastComponent?.stem ?? ""
    }

    /// The last component's extension without the dot (`photo.JPG` → `JPG`); empty when it
    /// has none (`y`, `.hidden`).
    public var fileExtension: String {
        path.lastComponent?.extension ?? ""
    }

    /// A path in the same directory: `parent/name`.
    /// - Parameter name: The sibling's name (a single component).
    /// - Returns: The sibling's path, spelled relative when this path is (`y` → `./name`).
    public func sibling(_ name: String) -> String {
        let parent = parent
        return parent.hasSuffix("/") ? parent + name : parent + "/" + name
    }

    /// A hidden path beside this one, for writing something in full before renaming it into
    /// place: `parent/.last<suffix>` (same directory, so the rename stays on one file system).
    /// - Parameter suffix: What follows the last component, e.g. `.1234.partial`.
    /// - Returns: The hidden sibling's path.
    public func hiddenSibling(suffix: String) -> String {
        sibling("." + lastComponent + suffix)
    }
}
