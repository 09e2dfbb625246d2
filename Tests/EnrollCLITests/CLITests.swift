import Foundation
import Testing

/// End-to-end tests: run the built `enroll` binary and check its output and exit status.
@Suite("enroll command line")
struct CLITests {
    /// The built `enroll` executable, next to the test bundle.
    static let binary: String = {
        if let explicit = ProcessInfo.processInfo.environment["ENROLL_BIN"] { return explicit }
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("enroll").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            url.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/enroll").path
    }()

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs enroll with arguments in a directory.
    func enroll(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["LANG"] = "C.UTF-8"
        env.removeValue(forKey: "LC_ALL")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        return try Self.collect(process)
    }

    /// Runs a prepared process to its end with no input, collecting both outputs (standard
    /// error on another thread, so neither pipe fills up).
    static func collect(_ process: Process) throws -> Run {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs psql on a database URL with one statement.
    static func psql(_ url: String, _ sql: String) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        return try collect(process)
    }

    /// Runs a Python 3 script with arguments.
    static func runPython(_ script: String, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        return try Self.collect(process)
    }

    /// A scratch directory with a test form schema and form data.
    func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "enroll-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/schemas", withIntermediateDirectories: true)
        try Data(#"{"x-form": {"id": "test-form", "version": "2024.1"}}"#.utf8).write(to: URL(fileURLWithPath: path + "/schemas/test-form.schema.json"))
        try Data(#"{"student": {"name": "测试"}}"#.utf8).write(to: URL(fileURLWithPath: path + "/form.json"))
        return path
    }

    @Test func keysNewSignVerifyRoundTrip() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try enroll(["keys", "generate", "--out", "keys", "--name", "st1"], in: dir).status == 0)
        let again = try enroll(["keys", "generate", "--out", "keys", "--name", "st1"], in: dir)
        #expect(again.status == 2)
        #expect(again.stderr.contains("io.exists"))
        let made = try enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b1"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let signed = try enroll(["sign", "b1", "--key", "keys/st1.sec", "--schemas", "schemas"], in: dir)
        #expect(signed.status == 0, "\(signed.stderr)")
        try FileManager.default.createDirectory(atPath: dir + "/trust", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/keys/st1.pub", toPath: dir + "/trust/st1.pub")
        let verified = try enroll(["verify", "b1", "--trust", "trust", "--format", "json"], in: dir)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as! [String: Any]
        let summary = report["summary"] as! [String: Any]
        #expect(summary["valid"] as? Int == 1)
        #expect(summary["invalid"] as? Int == 0)
        let bundle = (report["bundles"] as! [[String: Any]])[0]
        #expect(bundle["form"] as? String == "test-form")
        #expect(bundle["revision"] as? Int == 1)
        #expect(bundle["valid"] as? Bool == true)
    }

    @Test func tamperedBundleFailsWithExitOneAndBilingualMessages() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try enroll(["keys", "generate", "--out", "trust", "--name", "st1"], in: dir)
        #expect(try enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b1", "--key", "trust/st1.sec"], in: dir).status == 0)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/b1/data/form.json"))
        let english = try enroll(["verify", "b1", "--trust", "trust", "--lang", "en"], in: dir)
        #expect(english.status == 1)
        #expect(english.stderr.contains("bag.checksum-mismatch"))
        #expect(english.stderr.contains("b1/data/form.json"))
        let chinese = try enroll(["verify", "b1", "--trust", "trust"], in: dir, environment: ["LANG": "zh_CN.UTF-8"])
        #expect(chinese.status == 1)
        #expect(chinese.stderr.contains("文件内容与清单"))
        let json = try enroll(["verify", "b1", "--trust", "trust", "--format", "json"], in: dir)
        let report = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let byCode = (report["summary"] as! [String: Any])["errorsByCode"] as! [String: Int]
        #expect(byCode["bag.checksum-mismatch"] == 1)
    }

    @Test func bagValidateExitCodes() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b1"], in: dir).status == 0)
        #expect(try enroll(["bag", "validate", "b1"], in: dir).status == 0)
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/b1/data/extra.txt"))
        let invalid = try enroll(["bag", "validate", "b1"], in: dir)
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains("bag.file-unlisted"))
        #expect(try enroll(["bag", "validate", "does-not-exist"], in: dir).status == 2)
    }

    @Test func usageErrorsExitTwo() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try enroll(["new", "--form"], in: dir).status == 2)
        #expect(try enroll(["no-such-command"], in: dir).status == 2)
        #expect(try enroll(["sign", "b1"], in: dir).status == 2)
        let unknownForm = try enroll(["new", "--schemas", "schemas", "--form", "nope", "--data", "form.json", "--out", "b"], in: dir)
        #expect(unknownForm.status == 1)
        #expect(unknownForm.stderr.contains("form.unknown"))
        #expect(unknownForm.stderr.contains("test-form"))
        #expect(try enroll(["--version"], in: dir).status == 0)
    }

    @Test func schemaCheckAndLintExitCodes() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {"id": {"type": "string", "format": "cn-resident-id"}}, "required": ["id"]}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/s.json"))
        try Data(#"{"id": "11010519491231002X"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/good.json"))
        try Data(#"{"id": "110105194912310021"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/bad.json"))
        try Data(#"{"id": "x", "id": "y"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/dup.json"))
        #expect(try enroll(["schema", "check", "--schema", "s.json", "--assert-format", "good.json"], in: dir).status == 0)
        // Formats are annotations unless asserted.
        #expect(try enroll(["schema", "check", "--schema", "s.json", "bad.json"], in: dir).status == 0)
        let bad = try enroll(["schema", "check", "--schema", "s.json", "--assert-format", "good.json", "bad.json", "dup.json", "--format", "json"], in: dir)
        #expect(bad.status == 1)
        let results = try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as! [[String: Any]]
        #expect(results.map { $0["valid"] as! Bool } == [true, false, false])
        try Data(##"{"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}}"##.utf8).write(to: URL(fileURLWithPath: dir + "/broken.json"))
        #expect(try enroll(["schema", "check", "--schema", "broken.json", "good.json"], in: dir).status == 2)
        #expect(try enroll(["schema", "check", "--schema", "s.json", "missing.json"], in: dir).status == 2)
        #expect(try enroll(["schema", "lint", "s.json"], in: dir).status == 0)
        try Data(#"{"type": "objekt", "minLength": -1}"#.utf8).write(to: URL(fileURLWithPath: dir + "/lint.json"))
        let lint = try enroll(["schema", "lint", "lint.json"], in: dir)
        #expect(lint.status == 1)
        #expect(lint.stdout.contains("INVALID"))
    }

    @Test func untrustedKeyIsAnErrorNotAWarning() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try enroll(["keys", "generate", "--out", "keys", "--name", "st1"], in: dir)
        _ = try enroll(["keys", "generate", "--out", "trust", "--name", "other"], in: dir)
        #expect(try enroll(["new", "--schemas", "schemas", "--form", "test-form", "--data", "form.json", "--out", "b1", "--key", "keys/st1.sec"], in: dir).status == 0)
        let result = try enroll(["verify", "b1", "--trust", "trust"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("sig.untrusted-key"))
    }
}

/// The district importer survives being killed at any point (DESIGN §7).
@Suite("Import interrupted by kill -9", .serialized)
struct KilledImportTests {
    let cli = CLITests()

    func export(_ store: String, in dir: String) throws -> String {
        let run = try cli.enroll(["export", "json", "--store", store], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    func objectCount(_ store: String) throws -> Int {
        try FileManager.default.subpathsOfDirectory(atPath: store + "/objects").filter { $0.count > 3 }.count
    }

    /// Starts an import and kills it with SIGKILL once it has reported `items` bundles; returns
    /// whether the kill interrupted it.
    ///
    /// Deterministic, not timed: the import writes one JSON line (about 190 bytes) per bundle
    /// after the bundle is merged, into a pipe shrunk to one page. After reading `items` lines
    /// the test stops reading, so the import blocks once the pipe is full and cannot finish
    /// before the kill while more than a page of its report is still to come (more than about
    /// 22 bundles).
    func killedImport(_ source: String, store: String, trust: String, in dir: String, afterItems items: Int, extra: [String] = []) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLITests.binary)
        process.arguments = ["import", source, "--store", store, "--trust", trust, "--format", "json"] + extra
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        #if os(Linux)
        let pageSizedPipe: Int32 = 1031  // F_SETPIPE_SZ, which Glibc's module does not export.
        #expect(fcntl(out.fileHandleForWriting.fileDescriptor, pageSizedPipe, Int32(4096)) >= 0, "the pipe could not be shrunk")
        #endif
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Byte by byte, so nothing past the wanted line is taken out of the pipe. The first
        // line opens the document; item lines follow.
        let reading = out.fileHandleForReading.fileDescriptor
        var lines = 0
        var byte: UInt8 = 0
        while lines <= items, read(reading, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { lines += 1 }
        }
        let wasRunning = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return wasRunning && process.terminationReason == .uncaughtSignal
    }

    @Test func killedImportsRerunToTheSameStore() throws {
        let dir = NSTemporaryDirectory() + "enroll-kill-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        for (form, count) in [("beijing-local-primary-2024", 60), ("harbin-public-primary-2024", 40)] {
            let made = try cli.enroll(["sample", "generate", "--form", form, "--count", String(count), "--out", "day", "--key", "trust/st.sec", "--small", "--seed", "7"], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
        }
        let packed = try cli.enroll(["pack", "day", "--out", "day.tar.zst", "--key", "trust/st.sec"], in: dir)
        #expect(packed.status == 0, "\(packed.stderr)")

        // The reference: one uninterrupted import.
        let reference = try cli.enroll(["import", "day.tar.zst", "--store", "reference", "--trust", "trust", "--format", "json"], in: dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(reference.stdout.utf8)) as! [String: Any]
        #expect((summary["summary"] as! [String: Int])["new"] == 100)

        // The same import killed at several points, each re-run going further, then completed.
        for items in [10, 30, 50, 70] {
            #expect(try killedImport("day.tar.zst", store: "killed", trust: "trust", in: dir, afterItems: items), "the kill after \(items) bundles did not interrupt the import")
            let merged = try cli.enroll(["review", "list", "--store", "killed", "--format", "json"], in: dir)
            let count = (try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as? [Any])?.count ?? -1
            #expect(count >= items && count < 100, "after a kill at \(items) bundles the store holds \(count) applications")
        }
        let finished = try cli.enroll(["import", "day.tar.zst", "--store", "killed", "--trust", "trust", "--format", "json"], in: dir)
        #expect(finished.status == 0, "\(finished.stderr)")

        // Nothing lost, nothing doubled: the same applications, numbers, data and objects.
        #expect(try export(dir + "/killed", in: dir) == export(dir + "/reference", in: dir))
        #expect(try objectCount(dir + "/killed") == objectCount(dir + "/reference"))
        let list = try cli.enroll(["review", "list", "--store", "killed", "--format", "json"], in: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 100)
        #expect(Set(rows.map { $0["collectionNumber"] as! String }).count == 100)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/killed/tmp").isEmpty)
    }

    /// A new empty database on the server `ENROLL_TEST_POSTGRES` names (`make test` starts
    /// one), and how to drop it; nil, with the issue recorded, when no server is named.
    static func scratchDatabase(_ prefix: String) throws -> (url: String, drop: () -> Void)? {
        guard let admin = ProcessInfo.processInfo.environment["ENROLL_TEST_POSTGRES"], let base = admin.range(of: "/", options: .backwards) else {
            Issue.record("ENROLL_TEST_POSTGRES is not set: start a cluster with eval \"$(bash scripts/pg-cluster.sh start)\", or run make test")
            return nil
        }
        let database = prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        #expect(try CLITests.psql(admin, "CREATE DATABASE \(database)").status == 0)
        return (String(admin[..<base.lowerBound]) + "/" + database, { _ = try? CLITests.psql(admin, "DROP DATABASE IF EXISTS \(database) WITH (FORCE)") })
    }

    /// One value from psql (`-tA`), trimmed.
    static func psqlValue(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]
        return try CLITests.collect(process).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (up to a minute) until `condition` holds.
    static func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while try !condition() {
            if Date() > deadline {
                Issue.record("timed out waiting until \(what)")
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// `enroll store push` killed half way (issue #18), then pushed again: the city store ends
    /// as one uninterrupted push leaves it. Deterministic, not timed: a psql session holds the
    /// advisory lock of the 21st application the push takes (they go in collection-number
    /// order), so the push is known to have committed exactly 20 when it is seen waiting, and is
    /// killed there. A push that has to refuse an application exits 1.
    @Test func aKilledPushIsFinishedByPushingAgain() throws {
        guard let database = try Self.scratchDatabase("enroll_push_") else { return }
        let url = database.url
        defer { database.drop() }
        let dir = NSTemporaryDirectory() + "enroll-kill-push-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        for (out, seed) in [("day", "7"), ("other-day", "8")] {
            let made = try cli.enroll(["sample", "generate", "--form", "harbin-public-primary-2024", "--count", out == "day" ? "40" : "3",
                                       "--out", out, "--key", "trust/st.sec", "--small", "--seed", seed], in: dir)
            #expect(made.status == 0, "\(made.stderr)")
        }
        // The district's export before it is set to serve one district (a served store exports
        // that district's applications; the city store exports every district's).
        var everything = ""
        for (store, source, district) in [("district", "day", "香坊区"), ("other", "other-day", "道里区")] {
            let imported = try cli.enroll(["import", source, "--store", store, "--trust", "trust", "--format", "json"], in: dir)
            #expect(imported.status == 0, "\(imported.stderr)")
            if store == "district" { everything = try export(dir + "/district", in: dir) }
            #expect(try cli.enroll(["store", "init", "--store", store, "--district", district], in: dir).status == 0)
        }
        #expect(try cli.enroll(["store", "migrate", "--store", url], in: dir).status == 0)
        let listed = try CLITests.runPython(
            "import sqlite3, sys\nfor (i,) in sqlite3.connect(sys.argv[1]).execute('SELECT id FROM applications ORDER BY collection_number'): print(i)",
            [dir + "/district/district.sqlite"])
        let ids = listed.stdout.split(separator: "\n").map(String.init)
        try #require(ids.count == 40, "\(listed.stdout)\(listed.stderr)")

        // A session holds the 21st application's lock, as a writer of the city store would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["psql", "-X", "-q", "-d", url, "-c", "SELECT pg_advisory_lock(1, hashtext('\(ids[20])'))", "-c", "SELECT pg_sleep(120)"]
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { holder.terminate() } }
        try Self.waitUntil("the psql session holds the lock") {
            try Self.psqlValue(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == "1"
        }

        let push = ["store", "push", "--from", "district", "--to", url, "--objects", "city-objects", "--lang", "en"]
        let pushing = Process()
        pushing.executableURL = URL(fileURLWithPath: CLITests.binary)
        pushing.arguments = push
        pushing.currentDirectoryURL = URL(fileURLWithPath: dir)
        pushing.standardOutput = FileHandle.nullDevice
        pushing.standardError = FileHandle.nullDevice
        try pushing.run()
        try Self.waitUntil("the push waits for the 21st application") {
            try Self.psqlValue(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == "1"
        }
        kill(pushing.processIdentifier, SIGKILL)
        pushing.waitUntilExit()
        #expect(pushing.terminationReason == .uncaughtSignal, "the push was killed, not finished")
        // The holder's session ends (psql itself waits out its query), which frees the lock.
        _ = try Self.psqlValue(url, "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted")
        holder.waitUntilExit()
        #expect(try Self.psqlValue(url, "SELECT count(*) FROM applications") == "20", "the 20 pushed before the kill are committed, nothing else")

        // Pushing again finishes the job; the city store holds what the district's store holds.
        let resumed = try cli.enroll(push, in: dir)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("New applications: 20, updated: 0"), "\(resumed.stdout)")
        let city = try cli.enroll(["export", "json", "--store", url, "--objects", "city-objects"], in: dir)
        #expect(city.status == 0, "\(city.stderr)")
        #expect(city.stdout == everything, "the city store equals the district's after the resumed push")
        let cityObjects = try FileManager.default.subpathsOfDirectory(atPath: dir + "/city-objects").filter { $0.count > 3 && !$0.hasPrefix(".tmp") }.count
        #expect(cityObjects == (try objectCount(dir + "/district")))
        let again = try cli.enroll(push, in: dir)
        #expect(again.status == 0 && again.stdout.contains("New applications: 0, updated: 0; new revisions: 0"), "\(again.stdout)")

        // Another district whose collection numbers are already taken in the city store: each
        // such application is refused, listed, and the push exits 1.
        let refused = try cli.enroll(["store", "push", "--from", "other", "--to", url, "--objects", "city-objects", "--lang", "en"], in: dir)
        #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("belongs to another application"), "\(refused.stdout)")
    }

    /// The same on a PostgreSQL city store (issue #18), through `--store postgres://…`: killed
    /// imports re-run to the store one uninterrupted import gives (compared with SQLite's).
    /// Needs the server `ENROLL_TEST_POSTGRES` names (`make test` starts one).
    @Test func killedImportsIntoAPostgresStoreRerunToTheSameStore() throws {
        guard let database = try Self.scratchDatabase("enroll_cli_") else { return }
        let url = database.url
        defer { database.drop() }
        let dir = NSTemporaryDirectory() + "enroll-kill-pg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        let made = try cli.enroll(["sample", "generate", "--form", "harbin-public-primary-2024", "--count", "60", "--out", "day", "--key", "trust/st.sec", "--small", "--seed", "7"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try cli.enroll(["pack", "day", "--out", "day.tar.zst", "--key", "trust/st.sec"], in: dir).status == 0)

        let migrated = try cli.enroll(["store", "migrate", "--store", url, "--lang", "en"], in: dir)
        #expect(migrated.status == 0 && migrated.stdout.contains("v1-city-store"), "\(migrated.stdout)\(migrated.stderr)")
        #expect(try cli.enroll(["store", "migrate", "--store", url, "--lang", "en"], in: dir).stdout.contains("up to date"))
        let noObjects = try cli.enroll(["review", "list", "--store", url], in: dir)
        #expect(noObjects.status == 2 && noObjects.stderr.contains("usage.store-url"), "\(noObjects.stderr)")

        let reference = try cli.enroll(["import", "day.tar.zst", "--store", "reference", "--trust", "trust", "--format", "json"], in: dir)
        #expect(reference.status == 0, "\(reference.stderr)")
        for items in [10, 30] {
            #expect(try killedImport("day.tar.zst", store: url, trust: "trust", in: dir, afterItems: items, extra: ["--objects", "city-objects"]),
                    "the kill after \(items) bundles did not interrupt the import")
        }
        // ENROLL_STORE and ENROLL_OBJECTS stand for --store and --objects.
        let city = ["ENROLL_STORE": url, "ENROLL_OBJECTS": dir + "/city-objects"]
        let finished = try cli.enroll(["import", "day.tar.zst", "--trust", "trust", "--format", "json"], in: dir, environment: city)
        #expect(finished.status == 0, "\(finished.stderr)")
        let cityExport = try cli.enroll(["export", "json"], in: dir, environment: city)
        #expect(cityExport.status == 0, "\(cityExport.stderr)")
        #expect(cityExport.stdout == (try export(dir + "/reference", in: dir)))
        let objects = try FileManager.default.subpathsOfDirectory(atPath: dir + "/city-objects").filter { $0.count > 3 && !$0.hasPrefix(".tmp") }.count
        #expect(objects == (try objectCount(dir + "/reference")))
        let list = try cli.enroll(["review", "list", "--format", "json"], in: dir, environment: city)
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as! [[String: Any]]
        #expect(rows.count == 60)
        #expect(Set(rows.map { $0["collectionNumber"] as! String }).count == 60)
    }
}
