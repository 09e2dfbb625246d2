// enroll-fuzz: one libFuzzer target for each of enroll's parsers of outside input.
//
//     enroll-fuzz --list
//     enroll-fuzz TARGET [libFuzzer flags] [CORPUS_DIR...]
//     enroll-fuzz TARGET FILE|DIR...
//
// Built by scripts/fuzz.sh with coverage instrumentation, AddressSanitizer and libFuzzer's
// driver-less runtime, the second form is libFuzzer itself (every flag it knows, e.g.
// -max_total_time=30, -artifact_prefix=DIR/). Built the ordinary way (`swift build`), the
// program has no fuzzing engine and the third form runs each input once through the target:
// a way to replay a corpus or a crash on any machine. A crash is a trap or a sanitizer
// report; a thrown error is the parser doing its job and ends nothing.

import CFuzzerDriver
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, arguments[1] != "--help", arguments[1] != "-h" else {
    FileHandle.standardError.write(Data("""
        usage: enroll-fuzz --list | TARGET [libFuzzer flags] [CORPUS...] | TARGET FILE|DIR...
        targets: \(FuzzTargets.all.map(\.name).joined(separator: " "))

        """.utf8))
    exit(2)
}
if arguments[1] == "--list" {
    for target in FuzzTargets.all { print("\(target.name)\t\(target.summary)") }
    exit(0)
}
guard let target = FuzzTargets.named(arguments[1]) else {
    FileHandle.standardError.write(Data("enroll-fuzz: no target \"\(arguments[1])\"; --list names them\n".utf8))
    exit(2)
}
FuzzTargets.selected = target

if enroll_fuzz_driver_linked() != 0 {
    // libFuzzer reads argv[0] and the flags after it: drop the target name.
    var flags = [arguments[0]] + arguments.dropFirst(2)
    var argc = Int32(flags.count)
    var cStrings: [UnsafeMutablePointer<CChar>?] = flags.map { strdup($0) } + [nil]
    let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return enroll_fuzz_run_driver(&argc, &argv) { data, size in
            FuzzTargets.selected?.run(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
    }
    flags.removeAll()
    exit(status)
}

// No fuzzing engine: replay the inputs named.
var replayed = 0
for argument in arguments.dropFirst(2) where !argument.hasPrefix("-") {
    for file in FuzzInputs.files(at: argument) {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("enroll-fuzz: cannot read \(file)\n".utf8))
            exit(2)
        }
        Array(bytes).withUnsafeBytes { target.run($0) }
        replayed += 1
    }
}
print("enroll-fuzz \(target.name): \(replayed) inputs replayed without a crash")
