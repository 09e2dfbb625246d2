import ArchiveKit
import AgeKit
import ArgumentParser
import EnrollCore
import Foundation

/// How many threads a command works on, checked once for every command that takes it.
struct JobsOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Threads to work on; the default is one per core.", valueName: "n"))
    var jobs: Int = Parallel.processorCount

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1. --jobs 至少为 1。") }
    }
}

/// Archive limits as command-line options.
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: "Most entries an archive may hold.")
    var maxEntries: Int = 1_000_000

    @Option(name: .long, help: "Largest single entry in bytes.")
    var maxEntrySize: Int64 = 64 << 20

    @Option(name: .long, help: "Largest total of all entries in bytes.")
    var maxTotalSize: Int64 = 64 << 30

    @Option(name: .long, help: "Largest compression ratio accepted.")
    var maxCompressionRatio: Double = 200

    var archiveLimits: ArchiveLimits {
        ArchiveLimits(maxEntryCount: maxEntries, maxEntrySize: maxEntrySize, maxTotalSize: maxTotalSize, maxCompressionRatio: maxCompressionRatio)
    }
}

/// Where a check run's report goes.
struct ReportOption: ParsableArguments {
    @Option(name: .long, help: "Write the report (in --format) to FILE; a short summary still goes to standard output.")
    var report: String?
}

/// The district store's location.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store: a directory (the embedded SQLite store and its objects), or postgres://USER@HOST:PORT/DB (a city store on PostgreSQL, with --objects). Default: $ENROLL_STORE.",
        valueName: "dir|url"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp(
        "The objects directory of a PostgreSQL store (a shared mount every importer sees). Default: $ENROLL_OBJECTS.", valueName: "dir"))
    var objects: String?

    func validate() throws {
        guard !location.isEmpty else {
            throw ValidationError("Give --store DIR or --store postgres://USER@HOST:PORT/DB (or set ENROLL_STORE). 请用 --store 给出数据库目录或 PostgreSQL 地址（或设置 ENROLL_STORE）。")
        }
    }

    /// The store: `--store`, else `ENROLL_STORE`.
    var location: String { store ?? ProcessInfo.processInfo.environment["ENROLL_STORE"] ?? "" }

    /// The objects directory: `--objects`, else `ENROLL_OBJECTS`.
    var objectsLocation: String? { Self.objects(objects) }

    /// An objects directory given on the command line, else `ENROLL_OBJECTS`.
    static func objects(_ given: String?) -> String? {
        given ?? ProcessInfo.processInfo.environment["ENROLL_OBJECTS"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Opens the store.
    func open() throws -> DistrictStore {
        try DistrictStore(location: location, objects: objectsLocation)
    }
}

/// A station's working directory, where the district's answers are kept.
struct StationDirectoryOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The station's working directory, where the district's answers are kept.", valueName: "dir"))
    var stationDir: String
}

/// Where a making command records the bundles it signs (`new`, `revise`, `withdraw`, `sign`),
/// so that `status show --id-number` can find the family's answer from the station's own
/// records.
struct StationRecordOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The station's working directory: a signed bundle is recorded in its index (bundles.tsv), for status show --id-number, and gets the next collection number of the blocks taken in (enroll numbers import).", valueName: "dir"))
    var stationDir: String?

    /// Records a signed bundle in the station's index, and the collection number it was
    /// given, when a station directory was given.
    func record(_ bundle: String, _ header: BundleHeader, catalog: FormCatalog) throws {
        guard let stationDir else { return }
        try StationRecords(directory: stationDir).record(bundle: bundle, header: header, catalog: catalog)
        if let number = header.collectionNumber {
            try StationNumbers(directory: stationDir).record(number, application: header.applicationID.uuidString.lowercased())
        }
    }

    /// The station's next collection number for an application (from the blocks taken in with
    /// `enroll numbers import`), when a station directory was given; nil leaves it to the district.
    func numbering(station: String, catalog: FormCatalog) -> ((BundleHeader) throws -> String?)? {
        guard let stationDir else { return nil }
        return { header in
            try StationNumbers(directory: stationDir).number(
                for: header.applicationID.uuidString.lowercased(), station: station, year: try? catalog.form(header.form).year)
        }
    }
}

/// The age identity that decrypts an encrypted archive (`list`, `verify`, `validate`,
/// `unpack`, `import`, `status import`).
struct IdentityOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "An age identity file (AGE-SECRET-KEY-1…, as `age -i` reads it) that decrypts an encrypted (.age) archive while it streams.",
        valueName: "file"))
    var identity: String?

    /// The identities in the file, or nil when none was given.
    func identities() throws -> [AgeIdentity]? {
        try identity.map { try ArchiveEncryption.readIdentities($0) }
    }
}
