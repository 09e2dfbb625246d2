import EnrollCore

/// `batch.txt`, the list of bundles in a transfer archive (DESIGN §6). What parses must
/// render and parse back to the same manifest.
enum BatchTarget {
    static let target = FuzzTarget(name: "batch", summary: "BatchManifest(bytes:file:) on batch.txt") { input in
        guard let manifest = try? BatchManifest(bytes: Array(input), file: "fuzz/batch.txt") else { return }
        let again = try? BatchManifest(bytes: manifest.rendered(), file: "fuzz/batch.txt")
        fuzzInvariant(again?.entries == manifest.entries, "batch.txt entries change in a round trip")
    }
}
