import Foundation

/// One bundle as a validation run saw it: what it is, who signed it, and every problem.
public struct BundleCheck: Sendable {
    /// The bundle's path.
    public var path: String
    /// Its `Enroll-*` metadata, when bag-info.txt could be read.
    public var header: BundleHeader?
    /// The trusted key that signed it, when signatures were checked and one did.
    public var signer: TrustStore.Entry?
    /// Every problem found, errors and warnings.
    public var diagnostics: [Diagnostic]
    /// The bytes read and hashed for this bundle on its own (payload and tag files); zero for
    /// a bundle inside an archive, whose bytes the archive counts.
    public var bytes: Int64

    /// Whether the bundle passed (no errors; warnings allowed).
    public var isValid: Bool { !diagnostics.containsErrors }

    /// The check of a bundle that was verified (and perhaps validated).
    /// - Parameter result: The verification.
    public init(_ result: BundleVerification) {
        path = result.bag.path
        header = result.header
        signer = result.signer
        diagnostics = result.diagnostics
        bytes = result.bag.payloadByteCount + result.bag.inventory.tagFiles.values.reduce(0) { $0 + $1.size }
    }

    /// The check of something that could not be checked as a bundle at all.
    /// - Parameters:
    ///   - path: What was named.
    ///   - diagnostics: Why it could not be checked.
    public init(path: String, diagnostics: [Diagnostic]) {
        self.path = path
        self.diagnostics = diagnostics
        bytes = 0
    }
}

/// One transfer archive as a validation run saw it (its bundles are `BundleCheck`s of their own).
public struct ArchiveCheck: Sendable {
    /// The archive's path.
    public var path: String
    /// How many bundles it holds.
    public var bundleCount: Int
    /// The station batch.txt names.
    public var station: String?
    /// The trusted key that signed batch.txt.
    public var signer: TrustStore.Entry?
    /// The archive's own problems (its bundles' are theirs).
    public var diagnostics: [Diagnostic]
    /// The bytes read.
    public var bytes: Int64

    /// Whether the archive itself passed.
    public var isValid: Bool { !diagnostics.containsErrors }

    /// The check of a scanned archive.
    /// - Parameter scan: The scan.
    public init(_ scan: ArchiveScan) {
        path = scan.archive
        bundleCount = scan.bundleCount
        station = scan.batch?.station
        signer = scan.batchSigner
        diagnostics = scan.diagnostics
        bytes = scan.bytes
    }
}

/// The counts of a validation run (DESIGN §8's `summary`, plus archives, bytes and time).
public struct ValidationSummary: Sendable, Hashable {
    /// Bundles checked.
    public var bundles = 0
    /// Bundles that passed.
    public var valid = 0
    /// Bundles that failed.
    public var invalid = 0
    /// Archives checked.
    public var archives = 0
    /// Archives that failed on their own account.
    public var invalidArchives = 0
    /// Errors by code, over bundles and archives.
    public var errorsByCode: [String: Int] = [:]
    /// Bytes read and hashed.
    public var bytes: Int64 = 0
    /// Wall-clock seconds the run took.
    public var seconds: Double = 0

    /// Creates empty counts.
    public init() {}
}

/// The report of a validation run over bundles and archives.
///
/// The summary always counts everything. The rows themselves (one `BundleCheck` per bundle,
/// one `ArchiveCheck` per archive, in input order) are kept only when asked, for a report
/// rendered at the end (JSON, JUnit, a text file); a run that prints each row as it arrives
/// needs none of them, so its memory does not grow with the number of bundles.
public struct ValidationReport: Sendable {
    /// The counts.
    public private(set) var summary = ValidationSummary()
    /// The bundles, in input order (empty unless rows are kept).
    public private(set) var bundles: [BundleCheck] = []
    /// The archives, in input order (empty unless rows are kept).
    public private(set) var archives: [ArchiveCheck] = []
    /// Whether rows are kept.
    public let keepsRows: Bool

    /// Whether every bundle and every archive passed.
    public var isValid: Bool { summary.invalid == 0 && summary.invalidArchives == 0 }

    /// An empty report.
    /// - Parameter keepingRows: Whether to keep every row for rendering at the end.
    public init(keepingRows: Bool) {
        keepsRows = keepingRows
    }

    /// Counts a bundle (and keeps it, if rows are kept).
    public mutating func record(_ bundle: BundleCheck) {
        summary.bundles += 1
        if bundle.isValid { summary.valid += 1 } else { summary.invalid += 1 }
        count(bundle.diagnostics)
        summary.bytes += bundle.bytes
        if keepsRows { bundles.append(bundle) }
    }

    /// Counts an archive's own result (and keeps it, if rows are kept).
    public mutating func record(_ archive: ArchiveCheck) {
        summary.archives += 1
        if !archive.isValid { summary.invalidArchives += 1 }
        count(archive.diagnostics)
        summary.bytes += archive.bytes
        if keepsRows { archives.append(archive) }
    }

    /// Sets the run's duration.
    public mutating func finish(seconds: Double) {
        summary.seconds = seconds
    }

    private mutating func count(_ diagnostics: [Diagnostic]) {
        for error in diagnostics.errors { summary.errorsByCode[error.code.rawValue, default: 0] += 1 }
    }
}

/// A validation run: bundles and archives checked on several threads, reported in input order.
///
/// The work (hashing, signature checks, the form and its rules, attachments) runs on `jobs`
/// threads through `Parallel.forEach`; results are handed on in the order the targets were
/// given, as soon as each and all before it are done, so a caller can print them as they come
/// while only the results not yet delivered wait in memory. A bundle that cannot even be read
/// is reported as invalid and the run goes on; so is a corrupt archive.
public struct ValidationRun: Sendable {
    /// A result, in input order: an archive's own result comes before its bundles.
    public enum Event: Sendable {
        /// A transfer archive's own result.
        case archive(ArchiveCheck)
        /// A bundle's result (a bundle inside an archive included).
        case bundle(BundleCheck)
    }

    /// Checks a bundle's integrity and signature.
    public var verifier: BundleVerifier
    /// Checks the form data, rules and attachments too; nil checks integrity and signatures only.
    public var validator: ApplicationValidator?
    /// Reads transfer archives while streaming.
    public var scanner: ArchiveScanner
    /// The most threads to use.
    public var jobs: Int

    /// A run that checks integrity and signatures only (`enroll verify`).
    /// - Parameters:
    ///   - verifier: The bundle verifier (its trust store decides whether signatures count).
    ///   - scanner: The archive scanner.
    ///   - jobs: The most threads (at least 1).
    public init(verifier: BundleVerifier, scanner: ArchiveScanner, jobs: Int) {
        self.verifier = verifier
        self.scanner = scanner
        self.jobs = jobs
    }

    /// A run that checks everything (`enroll validate`).
    /// - Parameters:
    ///   - validator: The application validator (form catalog and trust).
    ///   - scanner: The archive scanner; its bundles are validated with `validator` too.
    ///   - jobs: The most threads (at least 1).
    public init(validator: ApplicationValidator, scanner: ArchiveScanner, jobs: Int) {
        verifier = validator.verifier
        self.validator = validator
        var scanner = scanner
        scanner.validator = validator
        self.scanner = scanner
        self.jobs = jobs
    }

    /// Checks every target.
    /// - Parameters:
    ///   - targets: Bundles and archives (see `BundleDiscovery.targets(in:)`).
    ///   - keepingRows: Whether the report keeps every row (for JSON, JUnit or a report file).
    ///   - onEvent: Receives each result in input order, on one thread at a time.
    ///   - progress: Receives the number of targets done and the total, in order.
    /// - Returns: The report.
    public func run(
        _ targets: [CheckTarget], keepingRows: Bool,
        onEvent: (Event) -> Void = { _ in }, progress: (Int, Int) -> Void = { _, _ in }
    ) -> ValidationReport {
        let start = Date()
        var report = ValidationReport(keepingRows: keepingRows)
        Parallel.forEach(count: targets.count, jobs: jobs, { index in
            check(targets[index])
        }, deliver: { index, result in
            if let archive = result.archive {
                report.record(archive)
                onEvent(.archive(archive))
            }
            for bundle in result.bundles {
                report.record(bundle)
                onEvent(.bundle(bundle))
            }
            progress(index + 1, targets.count)
        })
        report.finish(seconds: Date().timeIntervalSince(start))
        return report
    }

    /// Checks one target: a bundle, or an archive with all its bundles.
    private func check(_ target: CheckTarget) -> (archive: ArchiveCheck?, bundles: [BundleCheck]) {
        switch target {
        case .bundle(let path):
            do {
                let result = try validator?.validate(directory: path) ?? verifier.verify(directory: path)
                return (nil, [BundleCheck(result)])
            } catch let error as EnrollError {
                return (nil, [BundleCheck(path: path, diagnostics: error.diagnostics)])
            } catch {
                let diagnostic = Diagnostic.error(.ioFailed, Location(file: path), zh: "\(error)", en: "\(error)")
                return (nil, [BundleCheck(path: path, diagnostics: [diagnostic])])
            }
        case .archive(let path):
            var bundles: [BundleCheck] = []
            let scan = scanner.scan(path) { _, result in
                var bundle = BundleCheck(result)
                bundle.bytes = 0
                bundles.append(bundle)
            }
            return (ArchiveCheck(scan), bundles)
        }
    }
}
