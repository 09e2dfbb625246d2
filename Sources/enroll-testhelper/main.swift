// enroll-testhelper: work that a test must measure on its own, in a process of its own.
//
// Used only by the test suites, never installed. Swift Testing runs suites in parallel in
// one process, so getrusage(RUSAGE_SELF) there counts every suite's memory, and ru_maxrss
// is the peak of the whole run so far: a test cannot tell from it what one reader used.
// Here the reader is the only thing the process does, so its peak (VmHWM) is the reader's.
//
//     enroll-testhelper read-archive ARCHIVE [--max-entry-size BYTES] [--max-ratio R] [--keep]
//
// reads every entry of ARCHIVE with ArchiveReader (default limits, or the ones given),
// handing out every byte of data; with --keep it holds every byte handed out in memory (the
// counter-example a memory bound must catch). It prints one JSON object on standard output:
//     {"handedOut": N, "peakResidentBytes": N, "refusal": "compressionRatioExceeded" | null,
//      "entry": "…" | null, "message": "…" | null}
// and exits 0 whether or not the archive was refused, 2 on a usage error.

import ArchiveKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Peak resident set size of this process's own memory since it started, in bytes: the
/// `VmHWM` line of /proc/self/status.
///
/// Not getrusage(2): Linux carries `ru_maxrss` over execve(2) from the memory the process
/// had before it (for a child spawned with vfork semantics, as Foundation's `Process` does,
/// the parent's), so a helper started by a test with a large peak would report the test
/// process's peak. `VmHWM` belongs to the address space the program runs in.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kibibytes = Int(line.dropFirst("VmHWM:".count).trimmingCharacters(in: .whitespaces).split(separator: " ")[0])
    else { fail("cannot read VmHWM from /proc/self/status") }
    return kibibytes * 1024
}

/// The case name and entry of an archive refusal, for the test to check.
func describe(_ error: ArchiveError) -> (refusal: String, entry: String?) {
    switch error {
    case .compressionRatioExceeded(let entry, _, _, _): ("compressionRatioExceeded", entry)
    case .entryTooLarge(let entry, _, _): ("entryTooLarge", entry)
    case .totalSizeExceeded(let entry, _): ("totalSizeExceeded", entry)
    default: (String(describing: error).prefix { $0 != "(" }.description, nil)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("enroll-testhelper: \(message)\n".utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "read-archive", arguments.count >= 2 else {
    fail("usage: enroll-testhelper read-archive ARCHIVE [--max-entry-size BYTES] [--max-ratio R] [--keep]")
}
let archive = arguments[1]
var limits = ArchiveLimits.default
var keep = false
var index = 2
while index < arguments.count {
    switch arguments[index] {
    case "--keep":
        keep = true
    case "--max-entry-size":
        index += 1
        guard index < arguments.count, let bytes = Int64(arguments[index]) else { fail("--max-entry-size needs a number of bytes") }
        limits.maxEntrySize = bytes
    case "--max-ratio":
        index += 1
        guard index < arguments.count, let ratio = Double(arguments[index]) else { fail("--max-ratio needs a number") }
        limits.maxCompressionRatio = ratio
    default:
        fail("unknown argument \(arguments[index])")
    }
    index += 1
}

var handedOut = 0
var kept: [[UInt8]] = []
var refusal: (refusal: String, entry: String?)?
var message: String?
do {
    let reader = try ArchiveReader(path: archive, limits: limits)
    while let entry = try reader.next() {
        try entry.readData { chunk in
            handedOut += chunk.count
            if keep { kept.append(Array(chunk)) }
        }
    }
} catch let error as ArchiveError {
    refusal = describe(error)
    message = error.description
} catch {
    fail("unexpected error \(error)")
}

let report: [String: Any] = [
    "handedOut": handedOut,
    "keptChunks": kept.count,
    "peakResidentBytes": peakResidentBytes(),
    "refusal": refusal?.refusal ?? NSNull(),
    "entry": refusal?.entry ?? NSNull(),
    "message": message ?? NSNull(),
]
let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
FileHandle.standardOutput.write(json + Data("\n".utf8))
