// swift-tools-version:6.1
// The regression guard (issue 21): in-process benchmarks of the schema engine and the bag
// hasher. A package of its own so that ordo-one/benchmark never enters the main build.
//   swift package --package-path bench/guard benchmark          (wall time, allocations)
//   bench/guard/check.sh                                         (instruction counts vs baseline.tsv)
import PackageDescription

let package = Package(
    name: "enroll-guard",
    dependencies: [
        .package(name: "enroll", path: "../.."),
        // The malloc interposer only: perf counters are not available on this machine kind, and the
        // Swift 6.3 runtime interposer is not among the machine's packages.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The measured work, shared by the benchmarks and by guard-count so both measure the same code.
        .target(
            name: "GuardWork",
            dependencies: [
                .product(name: "EnrollCore", package: "enroll"),
                .product(name: "JSONSchema", package: "enroll"),
            ]
        ),
        // Runs one piece of work a fixed number of times, for valgrind --tool=callgrind.
        .executableTarget(name: "guard-count", dependencies: ["GuardWork"]),
        .executableTarget(
            name: "EngineGuard",
            dependencies: ["GuardWork", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/EngineGuard",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
