import Foundation

/// A progress bar on standard error, drawn only when it is a terminal.
/// Its mutable state is guarded by `lock`, since workers report from several threads.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private var last = -1

    init(enabled: Bool) {
        self.enabled = enabled && isatty(2) == 1
    }

    func update(_ done: Int64, _ total: Int64) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = Int(min(100, done * 100 / total))
        guard percent != last else { return }
        last = percent
        let width = 30
        let filled = width * percent / 100
        FileHandle.standardError.write(Data("\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(percent)%".utf8))
    }

    func finish() {
        if enabled && last >= 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
