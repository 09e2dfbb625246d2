/// Checks entry names and remembers the names already seen in one archive.
///
/// Used by the reader (to refuse hostile names) and by the writer (so it never produces an
/// archive the reader would refuse).
struct EntryNameRules {
    var maxPathLength: Int
    var maxComponentLength: Int

    init(limits: ArchiveLimits) {
        maxPathLength = limits.maxPathLength
        maxComponentLength = limits.maxComponentLength
    }

    /// Validates raw name bytes and returns the normalised name (no leading `./`, no
    /// trailing `/`), or `nil` for the archive root entry (`./` or `.`).
    func normalise(rawBytes: [UInt8]) throws(ArchiveError) -> String? {
        guard let text = String(validating: rawBytes, as: UTF8.self) else {
            throw .invalidUTF8Name(entry: String(decoding: rawBytes, as: UTF8.self), bytes: rawBytes)
        }
        return try normalise(text)
    }

    /// Validates a name that is already a Swift string; see ``normalise(rawBytes:)``.
    func normalise(_ name: String) throws(ArchiveError) -> String? {
        let unsafe = { (problem: PathProblem) -> ArchiveError in .unsafePath(entry: name, problem: problem) }
        if name.isEmpty { throw unsafe(.empty) }
        for scalar in name.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F {
            throw unsafe(.controlCharacter)
        }
        if name.contains("\\") { throw unsafe(.backslash) }
        if name.hasPrefix("/") { throw unsafe(.absolute) }
        let utf8 = Array(name.utf8)
        if utf8.count >= 2, utf8[1] == UInt8(ascii: ":"),
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(utf8[0] & 0xDF)
        {
            throw unsafe(.absolute)
        }
        if utf8.count > maxPathLength { throw unsafe(.tooLong(limit: maxPathLength)) }

        var rest = Substring(name)
        while rest.hasPrefix("./") { rest = rest.dropFirst(2) }
        if rest.isEmpty || rest == "." { return nil }
        if rest.hasSuffix("/") { rest = rest.dropLast() }

        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        for component in components {
            if component == ".." { throw unsafe(.parentComponent) }
            if component.isEmpty || component == "." { throw unsafe(.emptyOrDotComponent) }
            if component.utf8.count > maxComponentLength {
                throw unsafe(.tooLong(limit: maxComponentLength))
            }
        }
        return String(rest)
    }
}

/// The names seen so far in one archive, for duplicate, collision and file/directory
/// conflict checks.
struct EntryNameRegistry {
    private enum Role { case file, directory, impliedDirectory }
    private struct Record {
        var name: String
        var role: Role
    }

    /// Keyed by the collision key (lower-cased; Swift `String` equality and hashing already
    /// treat canonically equivalent forms such as NFC and NFD as equal).
    private var records: [String: Record] = [:]

    private static func key(_ name: String) -> String {
        name.lowercased()
    }

    /// Records `name` (already normalised) or throws if it clashes with an earlier name.
    mutating func register(_ name: String, kind: EntryKind) throws(ArchiveError) {
        let components = name.split(separator: "/")
        // Every parent must be (or become) a directory.
        var parent = ""
        for component in components.dropLast() {
            parent = parent.isEmpty ? String(component) : parent + "/" + component
            let key = Self.key(parent)
            if let existing = records[key] {
                if existing.role == .file { throw .pathConflict(entry: name, earlier: existing.name) }
                if existing.name.utf8.elementsEqual(parent.utf8) == false {
                    throw .nameCollision(entry: name, earlier: existing.name)
                }
            } else {
                records[key] = Record(name: parent, role: .impliedDirectory)
            }
        }
        let key = Self.key(name)
        if let existing = records[key] {
            let sameBytes = existing.name.utf8.elementsEqual(name.utf8)
            switch (existing.role, kind) {
            case (.impliedDirectory, .directory) where sameBytes:
                records[key] = Record(name: name, role: .directory)
                return
            case (.impliedDirectory, .file):
                throw .pathConflict(entry: name, earlier: existing.name)
            default:
                throw sameBytes
                    ? .duplicateEntry(entry: name) : .nameCollision(entry: name, earlier: existing.name)
            }
        }
        records[key] = Record(name: name, role: kind == .file ? .file : .directory)
    }
}
