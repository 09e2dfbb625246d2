import Foundation
import Testing

/// Faults a field station and a district office meet, each survived (issue #20): a USB stick
/// pulled mid-write (an archive cut short), a disk that fills up during pack, unpack, import
/// and draft saving, `kill -9` during pack, and a read error (EIO) during import.
///
/// The full disk is real: a small tmpfs, mounted in a private mount namespace of the test's
/// own (`unshare --map-root-user --mount`), so the kernel itself answers ENOSPC, no root is
/// needed when user namespaces are enabled, and nothing outside the test sees the mount. The
/// read error is injected by a small LD_PRELOAD shim (``shimSource``, compiled with the
/// toolchain's clang): its read(2) and pread(2) fail with EIO on the named file after a byte count, as
/// a failing USB stick's does. A device-mapper `error` target would need root and the dm
/// module, which CI machines do not promise.
@Suite("Faults: pulled sticks, full disks, kill -9, read errors", .serialized)
struct FaultCLITests {
    let cli = CLITests()

    /// Runs a bash script in `directory` with `ENROLL` set to the binary under test.
    func bash(_ script: String, in directory: String, namespace: Bool = false, environment: [String: String] = [:]) throws -> CLITests.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = (namespace ? ["unshare", "--map-root-user", "--mount"] : []) + ["bash", "-c", "set -u\n" + script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["ENROLL"] = CLITests.binary
        env["LANG"] = "C.UTF-8"
        env.removeValue(forKey: "LC_ALL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return try CLITests.collect(process)
    }

    /// A directory with a station key (`trust/st.*`), `count` signed sample bundles in `day/`
    /// (two forms) and `day.tar.zst` packed from them.
    func station(count: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "enroll-fault-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #require(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        for (form, share) in [("beijing-local-primary-2024", count - count / 2), ("harbin-public-primary-2024", count / 2)] where share > 0 {
            let made = try cli.enroll(
                ["sample", "generate", "--form", form, "--count", String(share), "--out", "day", "--key", "trust/st.sec", "--small", "--seed", "5"], in: dir)
            try #require(made.status == 0, "\(made.stderr)")
        }
        let packed = try cli.enroll(["pack", "day", "--out", "day.tar.zst", "--key", "trust/st.sec", "--jobs", "1"], in: dir)
        try #require(packed.status == 0, "\(packed.stderr)")
        return dir
    }

    /// What a store holds, for comparing a store before and after a failure: every
    /// application with its data (`export json`), how many bundles the audit log says were
    /// quarantined, and the object files. (The audit log itself grows by the failed attempt:
    /// it is append-only and records every import run.)
    func contents(of store: String, in dir: String) throws -> String {
        let exported = try cli.enroll(["export", "json", "--store", store], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        return exported.stdout + "\n" + (try quarantined(in: store, dir)) + "\n" + (try objects(in: dir + "/" + store))
    }

    /// The audit log's quarantine events of a store, as "quarantined: N".
    func quarantined(in store: String, _ dir: String) throws -> String {
        let log = try cli.enroll(["log", "--store", store], in: dir)
        #expect(log.status == 0, "\(log.stderr)")
        return "quarantined: \(log.stdout.components(separatedBy: "import.quarantined").count - 1)"
    }

    /// The object store's files, sorted.
    func objects(in store: String) throws -> String {
        try FileManager.default.subpathsOfDirectory(atPath: store + "/objects").filter { $0.count > 3 }.sorted().joined(separator: "\n")
    }

    /// The entry names of an archive, in order, as bsdtar lists them.
    func entries(_ archive: String, in dir: String) throws -> [String] {
        let listed = try bash("bsdtar -tf \(archive)", in: dir)
        try #require(listed.status == 0, "\(listed.stderr)")
        return listed.stdout.split(separator: "\n").map(String.init)
    }

    // MARK: - The pulled stick

    /// An archive cut at every tenth of its length is refused by list, verify, unpack and
    /// import: exit 1, an `archive.*` code, the name of an entry of the archive, in English and
    /// in Chinese; import leaves the store exactly as it was and unpack writes no bundle.
    @Test func anArchiveCutAtEveryTenthIsRefusedAndChangesNothing() throws {
        let dir = try station(count: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A store holding an earlier day: what a failed import must leave as it was.
        let earlier = try cli.enroll(["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "2", "--out", "earlier", "--key", "trust/st.sec", "--small", "--seed", "8"], in: dir)
        try #require(earlier.status == 0, "\(earlier.stderr)")
        try #require(try cli.enroll(["import", "earlier", "--store", "store", "--trust", "trust"], in: dir).status == 0)
        let before = try contents(of: "store", in: dir)

        let names = try entries("day.tar.zst", in: dir)
        let whole = try Data(contentsOf: URL(fileURLWithPath: dir + "/day.tar.zst"))
        for tenth in 1...9 {
            let cut = "cut-\(tenth).tar.zst"
            try whole.prefix(whole.count * tenth / 10).write(to: URL(fileURLWithPath: dir + "/" + cut))
            for command in [["list", cut], ["verify", cut, "--trust", "trust"], ["unpack", cut, "--out", "out-\(tenth)", "--trust", "trust"],
                            ["import", cut, "--store", "store", "--trust", "trust"]] {
                let run = try cli.enroll(command + ["--lang", "en"], in: dir)
                let what = "\(command[0]) of the archive cut at \(tenth * 10)%"
                #expect(run.status == 1, "\(what) exited \(run.status): \(run.stdout)\(run.stderr)")
                #expect(run.stderr.contains("archive.corrupt") || run.stderr.contains("archive.size-mismatch"), "\(what): \(run.stderr)")
                #expect(run.stderr.contains(cut), "\(what) does not name the archive: \(run.stderr)")
                // The entry it broke in, or that no entry could be read at all.
                #expect(names.contains { run.stderr.contains($0.hasSuffix("/") ? String($0.dropLast()) : $0) }
                        || run.stderr.contains("before its first entry"), "\(what) names no entry: \(run.stderr)")
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/out-\(tenth)/bagit.txt"))
            let restored = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/out-\(tenth)")) ?? []
            #expect(restored.isEmpty, "unpack of the archive cut at \(tenth * 10)% left \(restored)")
        }
        #expect(try contents(of: "store", in: dir) == before, "a failed import changed the store")
        let chinese = try cli.enroll(["list", "cut-5.tar.zst", "--lang", "zh"], in: dir)
        #expect(chinese.status == 1)
        #expect(chinese.stderr.contains("归档"), "\(chinese.stderr)")
        // The whole archive still imports into that store.
        #expect(try cli.enroll(["import", "day.tar.zst", "--store", "store", "--trust", "trust"], in: dir).status == 0)
    }

    // MARK: - kill -9 during pack

    /// `pack` killed with SIGKILL while it writes leaves nothing under the archive's name (only
    /// its hidden `.partial-` file), and packing again to that name succeeds.
    @Test func packKilledMidWriteLeavesNoArchiveUnderItsName() throws {
        let dir = try station(count: 24)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var interrupted = 0
        for attempt in 0..<3 {
            let target = "killed-\(attempt).tar.zst"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CLITests.binary)
            process.arguments = ["pack", "day", "--out", target, "--key", "trust/st.sec", "--jobs", "1"]
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Kill once the partial file exists and has grown past its first block: mid-write.
            let deadline = Date().addingTimeInterval(20)
            var partial: String?
            while process.isRunning, Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
                if let name = names.first(where: { $0.hasPrefix(".\(target).partial-") }),
                   let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + name))?[.size] as? Int, size > 4096 * (attempt + 1) {
                    partial = name
                    break
                }
                usleep(500)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if partial != nil && process.terminationReason == .uncaughtSignal { interrupted += 1 }
            if process.terminationReason == .uncaughtSignal {
                #expect(!FileManager.default.fileExists(atPath: dir + "/" + target), "a killed pack left \(target)")
            }
            let again = try cli.enroll(["pack", "day", "--out", target, "--key", "trust/st.sec"], in: dir)
            #expect(again.status == 0, "\(again.stderr)")
            let verified = try cli.enroll(["verify", target, "--trust", "trust"], in: dir)
            #expect(verified.status == 0, "\(verified.stderr)")
        }
        #expect(interrupted >= 1, "no kill landed while pack was writing")
    }

    // MARK: - Full disks

    /// Mounts a tmpfs of 16 MiB at `full/` in the script's own mount namespace.
    static let mountTmpfs = """
        mkdir -p full && mount -t tmpfs -o size=16m tmpfs full || { echo "cannot mount a tmpfs" >&2; exit 99; }

        """

    /// Fills `full/` up to `free` bytes left (a shell arithmetic expression) with
    /// `full/filler`; `rm full/filler` frees the space again.
    static func fill(leaving free: String) -> String {
        """
        used=$(du -sb full | cut -f1)
        head -c $(( 16 * 1024 * 1024 - used - (\(free)) )) /dev/zero > full/filler 2>/dev/null || true

        """
    }

    func fullDisk(free: String) -> String { Self.mountTmpfs + Self.fill(leaving: free) }

    /// Pack onto a full disk: exit 2 with `archive.write-failed` or `io.failed` naming the
    /// archive and "No space left on device"; no file under the archive's name and no partial
    /// file left; after freeing space the same command succeeds and the archive verifies.
    @Test func packOntoAFullDiskFailsCleanlyAndSucceedsOnceThereIsSpace() throws {
        let dir = try station(count: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/day.tar.zst")[.size] as! Int
        let run = try bash(fullDisk(free: String(size / 3)) + """
            "$ENROLL" pack day --out full/day.tar.zst --key trust/st.sec --lang en; echo "first=$?"
            ls -A full | grep -v '^filler$' | sed 's/^/left: /'
            rm full/filler
            "$ENROLL" pack day --out full/day.tar.zst --key trust/st.sec >/dev/null; echo "second=$?"
            "$ENROLL" verify full/day.tar.zst --trust trust >/dev/null; echo "verified=$?"
            """, in: dir, namespace: true)
        #expect(run.stdout.contains("first=2"), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(run.stderr.contains("full/day.tar.zst"), "\(run.stderr)")
        #expect(!run.stdout.contains("left: "), "a failed pack left files: \(run.stdout)")
        #expect(run.stdout.contains("second=0") && run.stdout.contains("verified=0"), "\(run.stdout)\(run.stderr)")
    }

    /// Unpack onto a full disk: exit 2, the destination holds no bundle; after freeing space
    /// the bundles come back byte for byte.
    @Test func unpackOntoAFullDiskFailsCleanlyAndSucceedsOnceThereIsSpace() throws {
        let dir = try station(count: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try bash(fullDisk(free: "$(du -sb day | cut -f1) / 3") + """
            "$ENROLL" unpack day.tar.zst --out full/restored --trust trust --lang en; echo "first=$?"
            find full/restored -name bagit.txt 2>/dev/null | sed 's/^/bundle: /'
            rm full/filler
            "$ENROLL" unpack day.tar.zst --out full/restored --trust trust >/dev/null; echo "second=$?"
            diff -r day full/restored && echo identical
            """, in: dir, namespace: true)
        #expect(run.stdout.contains("first=2"), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(!run.stdout.contains("bundle: "), "a failed unpack left bundles: \(run.stdout)")
        #expect(run.stdout.contains("second=0") && run.stdout.contains("identical"), "\(run.stdout)\(run.stderr)")
    }

    /// Import into a store on a full disk, from an archive and from bundle directories: exit 2,
    /// nothing quarantined, the store readable and holding no part of what failed; after
    /// freeing space the same import completes to the store an import without faults makes.
    @Test func importIntoAFullStoreLosesNothingAndCompletesOnceThereIsSpace() throws {
        let dir = try station(count: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["import", "day.tar.zst", "--store", "reference", "--trust", "trust"], in: dir).status == 0)
        let reference = try contents(of: "reference", in: dir)
        let bundles = try FileManager.default.contentsOfDirectory(atPath: dir + "/day").sorted()
        for source in ["day.tar.zst", "day"] {
            try? FileManager.default.removeItem(atPath: dir + "/after")
            // The store holds the first bundle; the disk fills up; the whole day is imported.
            let run = try bash(Self.mountTmpfs + """
                "$ENROLL" import day/\(bundles[0]) --store full/store --trust trust >/dev/null; echo "created=$?"

                """ + Self.fill(leaving: "64 * 1024") + """
                "$ENROLL" import \(source) --store full/store --trust trust --lang en --jobs 1; echo "first=$?"
                "$ENROLL" log --store full/store | grep -c import.quarantined | sed 's/^/quarantined after the full disk: /'
                rm full/filler
                "$ENROLL" import \(source) --store full/store --trust trust >/dev/null; echo "second=$?"
                cp -a full/store after
                """, in: dir, namespace: true)
            #expect(run.stdout.contains("created=0"), "\(source): \(run.stdout)\(run.stderr)")
            #expect(run.stdout.contains("first=2"), "\(source): \(run.stdout)\(run.stderr)")
            // The object store's write says ENOSPC; SQLite's own says SQLITE_FULL.
            #expect(run.stderr.contains("No space left on device") || run.stderr.contains("database or disk is full"), "\(source): \(run.stderr)")
            #expect(run.stdout.contains("quarantined after the full disk: 0"), "\(source) quarantined something on a full disk: \(run.stdout)")
            #expect(run.stdout.contains("second=0"), "\(source): \(run.stdout)\(run.stderr)")
            #expect(try contents(of: "after", in: dir) == reference, "\(source): the store after a full disk and a re-run differs from one import without faults")
        }
    }

    /// A draft (an unsigned bundle, `enroll new`) saved onto a full disk: exit 2, nothing at
    /// the bundle's path; after freeing space it is saved and validates.
    @Test func aDraftSavedOntoAFullDiskLeavesNothingAndSavesOnceThereIsSpace() throws {
        let dir = try cli.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let run = try bash(fullDisk(free: "0") + """
            "$ENROLL" new --schemas schemas --form test-form --data form.json --out full/draft --lang en; echo "first=$?"
            ls -A full | grep -v '^filler$' | sed 's/^/left: /'
            rm full/filler
            "$ENROLL" new --schemas schemas --form test-form --data form.json --out full/draft >/dev/null; echo "second=$?"
            "$ENROLL" bag validate full/draft >/dev/null; echo "valid=$?"
            """, in: dir, namespace: true)
        #expect(run.stdout.contains("first=2"), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(!run.stdout.contains("left: "), "a failed draft left files: \(run.stdout)")
        #expect(run.stdout.contains("second=0") && run.stdout.contains("valid=0"), "\(run.stdout)\(run.stderr)")
    }

    // MARK: - A read error

    /// The LD_PRELOAD shim: read(2) on a file whose path ends in $EIO_SHIM_FILE returns EIO
    /// once $EIO_SHIM_AFTER bytes of it were read.
    static let shimSource = #"""
        #define _GNU_SOURCE
        #include <dlfcn.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <limits.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <unistd.h>
        static ssize_t (*real_read)(int, void *, size_t);
        static long done;
        static int targeted(int fd) {
            const char *suffix = getenv("EIO_SHIM_FILE");
            char link[64], path[PATH_MAX];
            if (!suffix) return 0;
            snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
            ssize_t n = readlink(link, path, sizeof path - 1);
            if (n <= 0) return 0;
            path[n] = 0;
            size_t length = strlen(suffix);
            return (size_t)n >= length && strcmp(path + n - length, suffix) == 0;
        }
        static ssize_t (*real_pread)(int, void *, size_t, off_t);
        /* How many bytes may still be read from a targeted descriptor before EIO. */
        static size_t allowance(size_t count) {
            long after = atol(getenv("EIO_SHIM_AFTER") ? getenv("EIO_SHIM_AFTER") : "0");
            if (done >= after) return 0;
            return (long)count > after - done ? (size_t)(after - done) : count;
        }
        ssize_t read(int fd, void *buffer, size_t count) {
            if (!real_read) real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
            if (!targeted(fd)) return real_read(fd, buffer, count);
            size_t allowed = allowance(count);
            if (allowed == 0 && count > 0) { errno = EIO; return -1; }
            ssize_t got = real_read(fd, buffer, allowed);
            if (got > 0) done += got;
            return got;
        }
        static ssize_t shim_pread(int fd, void *buffer, size_t count, off_t offset) {
            if (!real_pread) real_pread = (ssize_t (*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread64");
            if (!targeted(fd)) return real_pread(fd, buffer, count, offset);
            size_t allowed = allowance(count);
            if (allowed == 0 && count > 0) { errno = EIO; return -1; }
            ssize_t got = real_pread(fd, buffer, allowed, offset);
            if (got > 0) done += got;
            return got;
        }
        ssize_t pread(int fd, void *buffer, size_t count, off_t offset) { return shim_pread(fd, buffer, count, offset); }
        ssize_t pread64(int fd, void *buffer, size_t count, off_t offset) { return shim_pread(fd, buffer, count, offset); }
        """#

    /// Compiles the shim into `dir/eio-shim.so` with the toolchain's clang.
    func buildShim(in dir: String) throws -> String {
        try Self.shimSource.write(toFile: dir + "/eio-shim.c", atomically: true, encoding: .utf8)
        let built = try bash("cc=$(command -v clang || command -v cc); $cc -shared -fPIC -O1 -o eio-shim.so eio-shim.c -ldl", in: dir)
        try #require(built.status == 0, "the EIO shim does not compile: \(built.stderr)")
        return dir + "/eio-shim.so"
    }

    /// An archive whose reads fail with EIO halfway: the import exits 2 naming the archive and
    /// the system's "Input/output error", quarantines nothing and changes nothing; a bundle
    /// whose photo cannot be read is not quarantined either (the photo is not at fault), and a
    /// re-run without the fault imports everything.
    @Test func aReadErrorMidImportQuarantinesNothingAndLosesNothing() throws {
        let dir = try station(count: 6)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shim = try buildShim(in: dir)
        #expect(try cli.enroll(["import", "day.tar.zst", "--store", "reference", "--trust", "trust"], in: dir).status == 0)
        let reference = try contents(of: "reference", in: dir)
        #expect(try cli.enroll(["import", "day/" + (try FileManager.default.contentsOfDirectory(atPath: dir + "/day").sorted()[0]), "--store", "store", "--trust", "trust"], in: dir).status == 0)
        let before = try contents(of: "store", in: dir)
        let size = try FileManager.default.attributesOfItem(atPath: dir + "/day.tar.zst")[.size] as! Int

        let failing = try cli.enroll(
            ["import", "day.tar.zst", "--store", "store", "--trust", "trust", "--lang", "en", "--jobs", "1"], in: dir,
            environment: ["LD_PRELOAD": shim, "EIO_SHIM_FILE": "/day.tar.zst", "EIO_SHIM_AFTER": String(size / 2)])
        #expect(failing.status == 2, "\(failing.stdout)\(failing.stderr)")
        #expect(failing.stderr.contains("Input/output error"), "\(failing.stderr)")
        #expect(failing.stderr.contains("day.tar.zst"), "\(failing.stderr)")
        #expect(try contents(of: "store", in: dir) == before, "an import that hit EIO changed the store")

        // A photo of a bundle directory that cannot be read: that bundle fails, the others import.
        let bundles = try FileManager.default.contentsOfDirectory(atPath: dir + "/day").sorted()
        let victim = try #require(bundles.last)
        let photo = try #require(FileManager.default.subpathsOfDirectory(atPath: dir + "/day/" + victim + "/data/attachments").sorted().first { $0.hasSuffix(".jpg") })
        let partial = try cli.enroll(
            ["import", "day", "--store", "store", "--trust", "trust", "--lang", "en", "--format", "json", "--jobs", "1"], in: dir,
            environment: ["LD_PRELOAD": shim, "EIO_SHIM_FILE": "/\(victim)/data/attachments/\(photo)", "EIO_SHIM_AFTER": "100"])
        #expect(partial.status == 2, "\(partial.stdout)\(partial.stderr)")
        #expect(partial.stdout.contains("\"failed\""), "\(partial.stdout)")
        #expect(try quarantined(in: "store", dir) == "quarantined: 0", "the bundle whose photo could not be read was quarantined")

        let healed = try cli.enroll(["import", "day.tar.zst", "--store", "store", "--trust", "trust"], in: dir)
        #expect(healed.status == 0, "\(healed.stdout)\(healed.stderr)")
        #expect(try contents(of: "store", in: dir) == reference, "after the faults and a re-run the store differs from one import without faults")
    }
}
