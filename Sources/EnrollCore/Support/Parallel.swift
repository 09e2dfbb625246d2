import Foundation

/// Running independent work on several threads.
public enum Parallel {
    /// The number of processors available, for a default `--jobs`.
    public static var processorCount: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Calls `body` for every index in `0..<count` on up to `jobs` threads, handing each result
    /// to `deliver` in index order as soon as it and all before it are done.
    ///
    /// Results that finish early wait in a small buffer until their turn, so output stays in
    /// order while memory holds only the results not yet delivered.
    /// - Parameters:
    ///   - count: The number of items.
    ///   - jobs: The most threads to use (at least 1).
    ///   - body: The work for one index; runs concurrently.
    ///   - deliver: Receives results in order; runs on one thread at a time.
    public static func forEach<Result>(
        count: Int, jobs: Int, _ body: @Sendable (Int) -> Result, deliver: (Int, Result) -> Void
    ) {
        guard count > 0 else { return }
        let workers = max(1, min(jobs, count))
        if workers == 1 {
            for index in 0..<count { deliver(index, body(index)) }
            return
        }
        let state = OrderedResults<Result>()
        withoutActuallyEscaping(deliver) { deliver in
            nonisolated(unsafe) let deliver = deliver
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let index = state.claim(limit: count) {
                    let result = body(index)
                    state.finish(index, result) { deliver($0, $1) }
                }
            }
        }
    }
}

/// Shared state of `Parallel.forEach`; every member is guarded by `lock`.
private final class OrderedResults<Result>: @unchecked Sendable {
    private let lock = NSLock()
    private var nextClaim = 0
    private var nextDelivery = 0
    private var pending: [Int: Result] = [:]

    func claim(limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard nextClaim < limit else { return nil }
        defer { nextClaim += 1 }
        return nextClaim
    }

    func finish(_ index: Int, _ result: Result, deliver: (Int, Result) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        pending[index] = result
        while let ready = pending.removeValue(forKey: nextDelivery) {
            deliver(nextDelivery, ready)
            nextDelivery += 1
        }
    }
}
