// The schema engine and the bag hasher, in process (ordo-one/benchmark): wall time and
// allocations per round. `swift package --package-path bench/guard benchmark`.
// Instruction counts (what the guard compares with its baseline) come from check.sh under
// callgrind: this machine kind has no perf counters.
import Benchmark
import Foundation
import GuardWork

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .memoryLeaked, .throughput],
        warmupIterations: 2,
        maxDuration: .seconds(3),
        maxIterations: 200)
    let synthetic = ProcessInfo.processInfo.environment["GUARD_SYNTHETIC"]
    let work: GuardWork
    do {
        work = try GuardWork(synthetic: synthetic)
    } catch {
        fatalError("guard inputs: \(error)")
    }
    for kind in GuardWork.Kind.allCases where kind != .schemaSynthetic || synthetic != nil {
        Benchmark(kind.rawValue) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try work.run(kind))
            }
        }
    }
}
