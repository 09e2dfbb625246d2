import ArchiveKit
import Foundation

/// Verifies the bundles of a transfer archive while it is being extracted, from the very
/// bytes written to disk, so nothing is read back afterwards.
///
/// The extracting thread hands every block it writes (copied into one of a few reused
/// buffers) to one background queue, which hashes it into the bundle's assembly and verifies
/// each bundle as soon as the extraction has moved on to the next one. At most
/// `blocksInFlight` blocks wait at a time, so memory stays bounded however fast extraction
/// runs, and buffers are recycled rather than allocated per block. Hashing (about as much CPU
/// as decompressing and writing together) thus runs on the second core; hashing on the
/// extracting thread, or writing on a second thread instead, were both measured slower (see
/// bench/notes.md). A bundle whose entries resume after another
/// bundle's (an archive repacked by another tool) is left for the caller to verify from disk.
///
/// When an archive is extracted in parts, one thread per core (see
/// `ArchiveExtractor.extract(…parts:…)`), every core is already busy: each part then gets an
/// *inline* checker, which hashes on its part's thread with no copy and no queue.
/// ``merge(_:)`` combines the parts' outcomes; a bundle seen by two parts is left for the
/// caller to verify from disk.
final class ExtractionChecker: ExtractionObserver, @unchecked Sendable {
    /// One bundle's outcome.
    struct Checked: Sendable {
        var name: String
        var errors: [Diagnostic]
        var digest: String?
    }

    private let verifier: BundleVerifier
    private let staging: String
    /// Hash and verify on the extracting thread instead of on `queue`.
    private let inline: Bool
    private let queue = DispatchQueue(label: "enroll.extraction-checker")
    private let slots: DispatchSemaphore
    /// Buffers not in flight; guarded by `poolLock`.
    private var pool: [BlockBuffer] = []
    private let poolLock = NSLock()
    /// Only touched on `queue`.
    private var assembly: BundleAssembly?
    private var results: [String: Checked] = [:]
    /// Only touched on the extracting thread.
    private var current: String?
    private var isTracking = false
    private var closed: Set<String> = []
    private var resumed: Set<String> = []

    /// Creates a checker for an extraction into `staging`.
    /// - Parameter inline: check on the extracting thread (for a part of a parallel extraction).
    init(verifier: BundleVerifier, staging: String, inline: Bool = false, blocksInFlight: Int = 32) {
        self.verifier = verifier
        self.staging = staging
        self.inline = inline
        slots = DispatchSemaphore(value: blocksInFlight)
    }

    /// Runs checking work in order: at once when inline, else on the checking queue.
    private func schedule(_ work: @escaping @Sendable () -> Void) {
        if inline { work() } else { queue.async(execute: work) }
    }

    func willExtract(_ entry: ArchiveEntry) {
        // <root>/bundles/<name>/<path inside the bundle>
        let parts = entry.path.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        isTracking = false
        guard parts.count == 4, parts[1] == "bundles" else { return }
        let name = String(parts[2])
        let isDirectory = entry.kind == .directory
        if name != current {
            // Other tars write all directories first: a directory does not start a bundle.
            if isDirectory { return }
            closeCurrent()
            guard !closed.contains(name) else {
                resumed.insert(name)
                return
            }
            current = name
            let directory = staging + "/" + parts[0] + "/bundles/" + name
            schedule { self.assembly = BundleAssembly(name: name, displayRoot: directory) }
        }
        isTracking = true
        let relative = String(parts[3])
        schedule { self.assembly?.begin(relative, isDirectory: isDirectory) }
    }

    func didWrite(_ block: UnsafeRawBufferPointer) {
        guard isTracking else { return }
        if inline {
            assembly?.update(block)
            return
        }
        slots.wait()
        poolLock.lock()
        let buffer = pool.popLast() ?? BlockBuffer()
        poolLock.unlock()
        buffer.fill(from: block)
        queue.async {
            self.assembly?.update(buffer.contents)
            self.poolLock.lock()
            self.pool.append(buffer)
            self.poolLock.unlock()
            self.slots.signal()
        }
    }

    func didExtract(_ entry: ArchiveEntry) {
        guard isTracking else { return }
        schedule { self.assembly?.end() }
    }

    /// Waits for the last checks.
    /// - Returns: The outcomes by bundle name. A bundle missing here was not followed
    ///   (its entries were split) and must be verified from disk.
    func finish() -> [String: Checked] {
        closeCurrent()
        return queue.sync { results.filter { !resumed.contains($0.key) } }
    }

    /// The outcomes of the checkers of all parts of one extraction. A bundle that more than
    /// one part saw (an archive cut inside a bundle) is missing, to be verified from disk.
    static func merge(_ checkers: [ExtractionChecker]) -> [String: Checked] {
        var merged: [String: Checked] = [:]
        var seenBy: [String: Int] = [:]
        for checker in checkers {
            merged.merge(checker.finish()) { first, _ in first }
            for name in checker.closed { seenBy[name, default: 0] += 1 }
        }
        return merged.filter { seenBy[$0.key, default: 0] == 1 }
    }

    private func closeCurrent() {
        guard let name = current else { return }
        current = nil
        closed.insert(name)
        schedule {
            guard let assembly = self.assembly else { return }
            self.assembly = nil
            let verification = self.verifier.verify(inventory: assembly.inventory(), root: assembly.displayRoot)
            self.results[name] = Checked(name: name, errors: verification.diagnostics.errors, digest: verification.tagManifestDigest)
        }
    }
}

/// One block's bytes on their way to the checking queue; reused from block to block.
private final class BlockBuffer: @unchecked Sendable {
    private var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)
    private var count = 0

    deinit { storage.deallocate() }

    /// Copies `block` in, growing the storage when it is too small.
    func fill(from block: UnsafeRawBufferPointer) {
        if storage.count < block.count {
            storage.deallocate()
            storage = .allocate(byteCount: max(block.count, 256 << 10), alignment: 16)
        }
        if let source = block.baseAddress, block.count > 0 {
            storage.baseAddress!.copyMemory(from: source, byteCount: block.count)
        }
        count = block.count
    }

    /// The bytes last copied in.
    var contents: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[..<count]) }
}
