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

    /// Creates a configuration.
    public init(directory: String, signer: (key: SignifySecretKey, station: String), catalog: FormCatalog, limits: MultipartLimits = MultipartLimits()) {
        self.directory = directory
        self.signer = signer
        self.catalog = catalog
        self.limits = limits
    }

    /// `DIR/bundles`: the submitted (signed) bundles.
    public var bundlesDirectory: String { directory + "/bundles" }
    /// `DIR/uploads`: files being received, removed once a request ends.
    public var uploadsDirectory: String { directory + "/uploads" }
    /// `DIR/outgoing`: archives packed here before they are copied to the stick.
    public var outgoingDirectory: String { directory + "/outgoing" }

    /// Creates the station directory's folders (docs/FORMATS.md, "Station directory").
    public func prepare() throws {
        for folder in [directory, bundlesDirectory, directory + "/drafts", uploadsDirectory] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        // Uploads left by a killed server are not anyone's data yet.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: uploadsDirectory)) ?? [] where name.hasPrefix("upload-") {
            try? FileManager.default.removeItem(atPath: uploadsDirectory + "/" + name)
        }
    }
}
