@testable import EnrollCore

/// The status archive a station reads (DESIGN §7): the bytes as an archive file, read and
/// verified against a trust store holding the fuzz district key (and its age identity), and
/// the bytes as `status.json`, decoded the way a verified one is.
enum StatusTarget {
    static let target = FuzzTarget(name: "status", summary: "StatusArchive.read on a file + StatusArchive.decode on status.json") { input in
        let encrypted = input.starts(with: Array("age-encryption.org/".utf8))
        let path = FuzzScratch.write(input, suffix: encrypted ? "-status.tar.zst.age" : "-status.tar.zst")
        _ = try? StatusArchive.read(path, trust: FuzzKeys.trust, identities: [FuzzKeys.identity])
        _ = try? StatusArchive.decode(Array(input), path: "fuzz-status.json")
    }
}
