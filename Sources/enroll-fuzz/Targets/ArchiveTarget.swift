import ArchiveKit

/// The libarchive reader (ArchiveKit) on a byte stream: every entry listed and read, under
/// small limits and a required single root, as a district reads a transfer archive.
enum ArchiveTarget {
    static let target = FuzzTarget(name: "archive", summary: "ArchiveReader over libarchive: every entry, every byte") { input in
        let bytes = Array(input)
        var offset = 0
        let limits = ArchiveLimits(maxEntryCount: 64, maxEntrySize: 1 << 20, maxTotalSize: 4 << 20)
        guard let reader = try? ArchiveReader(streamNamed: "fuzz.tar.zst", limits: limits, root: .learnFromFirstEntry, source: { buffer in
            let count = min(buffer.count, bytes.count - offset)
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + count)]))
            offset += count
            return count
        }) else { return }
        do {
            while let entry = try reader.next() {
                _ = (entry.path, entry.kind, entry.size, entry.mode)
                if entry.kind == .file { _ = try entry.readAll() }
            }
        } catch {
            _ = String(describing: error)
        }
    }
}
