import EnrollCore
import Foundation

/// 打包 runs in the background; the page follows its progress. Every member is guarded by `lock`.
final class PackJobs: @unchecked Sendable {
    struct Job: Sendable {
        var done: Int64 = 0
        var total: Int64 = 0
        var finished = false
        var archive: String?
        var packed = 0
        var problems: [Diagnostic] = []
    }

    private let lock = NSLock()
    private var jobs: [UUID: Job] = [:]

    func start() -> UUID {
        let id = UUID()
        lock.withLock { jobs[id] = Job() }
        return id
    }

    func update(_ id: UUID, done: Int64, total: Int64) {
        lock.withLock {
            jobs[id]?.done = done
            jobs[id]?.total = total
        }
    }

    func finish(_ id: UUID, archive: String?, packed: Int, problems: [Diagnostic]) {
        lock.withLock {
            jobs[id]?.finished = true
            jobs[id]?.archive = archive
            jobs[id]?.packed = packed
            jobs[id]?.problems = problems
        }
    }

    func job(_ id: UUID) -> Job? {
        lock.withLock { jobs[id] }
    }
}

/// Which signed bundles went into which archive: `DIR/packed.tsv`, one line per bundle
/// (`bundle directory name`, tab, `archive path`), so the day's list shows them as packed.
struct PackedIndex {
    let directory: String
    var file: String { directory + "/packed.tsv" }

    func packed() -> Set<String> {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return [] }
        return Set(text.split(separator: "\n").compactMap { line in line.hasPrefix("#") ? nil : line.split(separator: "\t").first.map(String.init) })
    }

    func add(bundles: [String], archive: String) throws {
        var text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? "# enroll station: bundle, archive it was packed into (tab-separated)\n"
        for bundle in bundles { text += bundle + "\t" + archive + "\n" }
        try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
