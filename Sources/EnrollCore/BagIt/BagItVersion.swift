/// A BagIt version a bag declares (`BagIt-Version: M.N`), and the rules that differ by version.
///
/// enroll reads 0.93 to 0.97 (the Internet-Drafts `draft-kunze-bagit`) and 1.0 (RFC 8493).
/// What an older version allowed is not an error in a bag that declares it; what 1.0 forbids is
/// one in a 1.0 bag.
public struct BagItVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version number.
    public var major: Int
    /// The minor version number.
    public var minor: Int

    /// The versions enroll reads.
    public static let known: [BagItVersion] = [
        .init(0, 93), .init(0, 94), .init(0, 95), .init(0, 96), .init(0, 97), .init(1, 0),
    ]

    /// RFC 8493.
    public static let rfc8493 = BagItVersion(1, 0)

    /// Creates a version.
    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// Parses `M.N` (digits only), or nil.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let major = Int(parts[0]), let minor = Int(parts[1])
        else { return nil }
        self.init(major, minor)
    }

    /// `M.N`.
    public var description: String { "\(major).\(minor)" }

    /// Orders by major, then minor.
    public static func < (lhs: BagItVersion, rhs: BagItVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// The metadata tag file: `package-info.txt` up to 0.95, `bag-info.txt` from 0.96.
    public var metadataFile: String { self <= BagItVersion(0, 95) ? "package-info.txt" : "bag-info.txt" }

    /// Whether `bagit.txt` must be UTF-8 without a byte-order mark (0.97 and RFC 8493 §2.1.1);
    /// earlier versions are read the same way with a warning.
    var declarationMustBeUTF8: Bool { self >= BagItVersion(0, 97) }

    /// Whether tag manifests are verified (0.97 and later); before 0.97 they were optional
    /// and a mismatch is reported as a warning.
    var verifiesTagManifests: Bool { self >= BagItVersion(0, 97) }

    /// Whether RFC 8493's stricter grammar holds: a bag-info label without surrounding
    /// whitespace, a whitespace after the colon (§2.2.2), no path listed twice in a manifest
    /// (§2.1.3).
    var isRFC8493: Bool { self >= .rfc8493 }
}
