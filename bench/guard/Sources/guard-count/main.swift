// guard-count KIND ROUNDS [--synthetic DIR] [--repository DIR]
//
// Runs one piece of the guard's work ROUNDS times, for bench/guard/check.sh to count its
// instructions with `valgrind --tool=callgrind --toggle-collect='*measuredRounds*'`: only
// the rounds are counted, not reading the inputs or starting the process. Prints the kind, the
// rounds, the work's result count and its number of inputs (the same every run, or the work changed).
import Foundation
import GuardWork

@inline(never)
func measuredRounds(_ work: GuardWork, _ kind: GuardWork.Kind, _ rounds: Int) throws -> Int {
    var total = 0
    for _ in 0..<rounds { total &+= try work.run(kind) }
    return total
}

/// Removes `name VALUE` from the arguments and returns VALUE.
func option(_ name: String, from arguments: inout [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    defer { arguments.removeSubrange(index...(index + 1)) }
    return arguments[index + 1]
}
var arguments = Array(CommandLine.arguments.dropFirst())
let synthetic = option("--synthetic", from: &arguments)
let repository = option("--repository", from: &arguments) ?? GuardWork.defaultRepository
guard arguments.count == 2, let kind = GuardWork.Kind(rawValue: arguments[0]), let rounds = Int(arguments[1]), rounds > 0 else {
    let kinds = GuardWork.Kind.allCases.map(\.rawValue).joined(separator: "|")
    FileHandle.standardError.write(Data("usage: guard-count \(kinds) ROUNDS [--synthetic DIR] [--repository DIR]\n".utf8))
    exit(2)
}
do {
    let work = try GuardWork(repository: repository, synthetic: synthetic)
    let result = try measuredRounds(work, kind, rounds)
    print("\(kind.rawValue)\t\(rounds)\t\(result)\t\(work.inputCount(kind))")
} catch {
    FileHandle.standardError.write(Data("guard-count: \(error)\n".utf8))
    exit(1)
}
