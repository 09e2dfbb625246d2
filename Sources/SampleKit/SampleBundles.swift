import Crypto
import EnrollCore
import Foundation

/// Writes generated applications as signed enroll bundles.
public enum SampleBundles {
    /// Generates `count` valid, signed bundles of a form under `directory`, one directory each
    /// (`<form>-000001`, …).
    ///
    /// Families are drawn one after another so that every child ID and phone is distinct; the
    /// images are rendered and the bundles written and signed on all cores. Each bundle is
    /// checked against its form before it is signed, so a generator bug cannot produce an
    /// invalid "valid" sample. Samples are signed inside their form's collection window
    /// (``signingTime(for:)``).
    /// - Parameters:
    ///   - form: The form id.
    ///   - catalog: The forms (the schema directory is read from it).
    ///   - count: How many bundles.
    ///   - directory: Where to write; created if missing. Existing bundles are never overwritten.
    ///   - signer: The station key and name.
    ///   - seed: The seed; the same seed gives the same form data and images.
    ///   - scale: Realistic image sizes, or small ones for fast tests.
    ///   - progress: Called with the number of bundles finished.
    /// - Returns: The bundle directories written, in order.
    public static func generate(
        form: String, catalog: FormCatalog, count: Int, directory: String,
        signer: (key: SignifySecretKey, station: String), seed: UInt64, scale: SampleGenerator.ImageScale = .full,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws -> [String] {
        let formEntry = try catalog.form(form)
        var generator = try SampleGenerator(form: form, schemaDirectory: catalog.directory, seed: seed, imageScale: scale)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let paths = (0..<count).map { directory + "/" + form + "-" + String(format: "%06d", $0 + 1) }
        for path in paths where FileManager.default.fileExists(atPath: path) {
            throw EnrollError.io(
                .ioExists, Location(file: path),
                zh: "输出目录中已有同名申请包，不会覆盖。请换一个输出目录。",
                en: "A bundle of that name already exists in the output directory and will not be overwritten. Choose another directory.")
        }
        let plans = try (0..<count).map { _ in try generator.nextPlan() }
        let submission = {
            var submission = Submission(signedAt: signingTime(for: formEntry))
            submission.notices = formEntry.notices
            return submission
        }()
        let validator = ApplicationValidator(catalog: catalog, trust: nil)
        let failures = FailureList()
        let finished = Counter()
        DispatchQueue.concurrentPerform(iterations: count) { index in
            do {
                let application = try plans[index].render()
                let header = BundleHeader(
                    form: form, formVersion: formEntry.version, applicationID: seededUUID(form: form, seed: seed, index: index),
                    revision: 1, previousRevision: nil, kind: .application)
                var items = [PayloadItem(path: BundleLayout.form, source: .bytes(application.formJSON))]
                items += application.attachments.map {
                    PayloadItem(path: BundleLayout.attachments + $0.slot + "/" + $0.fileName, source: .bytes($0.bytes))
                }
                try BundleWriter.write(header: header, items: items, to: paths[index])
                try BundleOperations().sign(paths[index], key: signer.key, station: signer.station, submission: submission) { verification in
                    try validator.contentDiagnostics(verification, directory: paths[index])
                }
                progress?(finished.increment())
            } catch {
                failures.append(index, error)
            }
        }
        if let (index, error) = failures.first {
            for path in paths { try? FileManager.default.removeItem(atPath: path) }
            if let enrollError = error as? EnrollError {
                throw EnrollError(
                    [.error(.sampleInvalid, Location(file: paths[index]),
                            zh: "生成的第 \(index + 1) 个样例未通过表单校验（生成器缺陷），已全部撤销。",
                            en: "Generated sample \(index + 1) fails its form (a generator bug); all samples were removed.")]
                    + enrollError.diagnostics, exitStatus: enrollError.exitStatus)
            }
            throw error
        }
        return paths
    }

    /// When samples of a form are signed: the clock (``StoreClock``, set by `ENROLL_NOW`) when
    /// it is inside the form's collection window, else 10:00 (Asia/Shanghai) on the window's
    /// third day (the window's first second if that is outside it); for a form without windows,
    /// the clock if set by `ENROLL_NOW`, else 10 May of the form's year, 10:00.
    public static func signingTime(for form: Form) -> Date {
        let now = StoreClock.date()
        let clockSet = StoreClock.fixed != nil || ProcessInfo.processInfo.environment[StoreClock.environmentVariable] != nil
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = StoreClock.shanghai
        guard let window = form.windows.first else {
            if clockSet { return now }
            return calendar.date(from: DateComponents(year: form.year ?? 2024, month: 5, day: 10, hour: 10)) ?? now
        }
        if form.windows.contains(where: { $0.contains(now) }) { return now }
        let third = calendar.date(byAdding: DateComponents(day: 2, hour: 10), to: calendar.startOfDay(for: window.from))
        return third.map { window.contains($0) ? $0 : window.from } ?? window.from
    }

    /// A UUID that depends only on the form, the seed and the position, so runs are
    /// reproducible and different forms or seeds never share an application id.
    static func seededUUID(form: String, seed: UInt64, index: Int) -> UUID {
        var bytes = Array(SHA256.hash(data: Array("enroll-sample:\(form):\(seed):\(index)".utf8)).prefix(16))
        bytes[6] = bytes[6] & 0x0F | 0x40  // version 4
        bytes[8] = bytes[8] & 0x3F | 0x80  // RFC 4122 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}

/// Errors gathered from concurrent work; the lock is `lock`.
private final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, any Error)] = []

    func append(_ index: Int, _ error: any Error) {
        lock.lock()
        items.append((index, error))
        lock.unlock()
    }

    var first: (Int, any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return items.min { $0.0 < $1.0 }
    }
}

/// A shared counter; the lock is `lock`.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
