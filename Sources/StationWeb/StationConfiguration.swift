import AgeKit
import EnrollCore
import EnrollWeb
import Foundation

/// What the station server needs: its directory, its key, its forms and its limits.
public struct StationConfiguration: Sendable {
    /// The station directory (`--station-dir`); created on first use.
    public var directory: String
    /// The station's signing key and name.
    public var signer: (key: SignifySecretKey, station: String)
    /// The forms.
    public var catalog: FormCatalog
    /// Upload limits (per file: the largest slot of any form, 20 MiB in the seeds).
    public var limits: MultipartLimits
    /// Directories the registrar may pack into and take status archives from (USB sticks),
    /// besides the removable media mounted under `/media` and `/run/media`. A request picks
    /// one of them by its place in the list, never by a path.
    public var exportDirectories: [String]
    /// The district's trusted key(s), to check a status archive's signature.
    public var districtTrust: TrustStore?
    /// The station's age identities, to open an encrypted status archive.
    public var identities: [AgeIdentity]?
    /// The clock 提交 is judged by against the form's collection window: the CLI's clock
    /// (`ENROLL_NOW` when set, for tests, training and the demo; else the system clock).
    public var clock: @Sendable () -> Date = { StoreClock.date() }

    /// Creates a configuration.
    public init(
        directory: String, signer: (key: SignifySecretKey, station: String), catalog: FormCatalog, limits: MultipartLimits = MultipartLimits(),
        exportDirectories: [String] = [], districtTrust: TrustStore? = nil, identities: [AgeIdentity]? = nil
    ) {
        self.directory = directory
        self.signer = signer
        self.catalog = catalog
        self.limits = limits
        self.exportDirectories = exportDirectories
        self.districtTrust = districtTrust
        self.identities = identities
    }

    /// The directories offered for 打包 and 导入回执: `DIR/outgoing`, the configured ones, then
    /// mounted removable media (`/media/USER/NAME`, `/run/media/USER/NAME`).
    public func packTargets() -> [String] {
        var targets = [outgoingDirectory] + exportDirectories
        for base in ["/media", "/run/media"] {
            for user in ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).sorted() {
                for volume in ((try? FileManager.default.contentsOfDirectory(atPath: base + "/" + user)) ?? []).sorted() {
                    var isDirectory: ObjCBool = false
                    let path = base + "/" + user + "/" + volume
                    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { targets.append(path) }
                }
            }
        }
        return targets
    }

    /// `DIR/bundles`: the submitted (signed) bundles.
    public var bundlesDirectory: String { directory + "/bundles" }
    /// `DIR/uploads`: files being received, removed once a request ends.
    public var uploadsDirectory: String { directory + "/uploads" }
    /// `DIR/outgoing`: archives packed here before they are copied to the stick.
    public var outgoingDirectory: String { directory + "/outgoing" }

    /// Creates the station directory's folders (docs/FORMATS.md, "Station directory").
    public func prepare() throws {
        for folder in [directory, bundlesDirectory, directory + "/drafts", uploadsDirectory, outgoingDirectory] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Uploads left by a killed server are not anyone's data yet.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory)) ?? [] where name.hasPrefix("upload-") {
            try? FileManager.default.removeItem(atPath: uploadsDirectory + "/" + name)
        }
    }
}
