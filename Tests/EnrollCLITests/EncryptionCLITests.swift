import Foundation
import Testing

/// Encrypted transfer and status archives (age) end to end: interoperability with the `age`
/// tool both ways, the station directory's default, every decryption failure through the
/// CLI (exit 1, its own `crypt.*` code, nothing imported or unpacked) and the lost stick.
@Suite("Encrypted archives on the command line")
struct EncryptionCLITests {
    let cli = CLITests()

    /// Runs a shell command line in `directory`.
    func shell(_ command: String, in directory: String) throws -> CLITests.Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        return try CLITests.collect(process)
    }

    /// A directory with a station key (`trust/st.*`), `count` signed sample bundles in `day/`
    /// and the district's age key pair made by `age-keygen` (`district.age`, `district.age.pub`).
    func station(count: Int) throws -> String {
        let dir = NSTemporaryDirectory() + "enroll-crypt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(try cli.enroll(["keys", "generate", "--out", "trust", "--name", "st"], in: dir).status == 0)
        let made = try cli.enroll(
            ["sample", "generate", "--form", "harbin-public-primary-2024", "--count", String(count), "--out", "day", "--key", "trust/st.sec", "--small", "--seed", "11"],
            in: dir)
        try #require(made.status == 0, "\(made.stderr)")
        let keys = try shell("age-keygen -o district.age && age-keygen -y district.age > district.age.pub", in: dir)
        try #require(keys.status == 0, "\(keys.stderr)")
        return dir
    }

    /// The applications in a store (`review list`), or -1 when it cannot be listed.
    func applications(in store: String, _ dir: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: dir + "/" + store) else { return 0 }
        let list = try cli.enroll(["review", "list", "--store", store, "--format", "json"], in: dir)
        return (try? JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [Any])?.count ?? -1
    }

    @Test func theAgeToolReadsEnrollsArchiveAndEnrollReadsTheAgeTools() throws {
        let dir = try station(count: 3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let packed = try cli.enroll(["pack", "day", "--out", "day.tar.zst.age", "--key", "trust/st.sec", "--encrypt-to", "district.age.pub", "--lang", "en"], in: dir)
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(packed.stderr.contains("Encrypting the archive to the 1 age recipient(s) in district.age.pub"))
        #expect(FileManager.default.fileExists(atPath: dir + "/day.tar.zst.age"), "--out is written exactly as named")

        let listed = try shell("age -d -i district.age day.tar.zst.age | bsdtar -tf -", in: dir)
        #expect(listed.status == 0, "\(listed.stderr)")
        let names = Set(listed.stdout.split(separator: "\n").map(String.init))
        #expect(names.contains("day/batch.txt") && names.contains("day/batch.txt.sig"))
        #expect(names.contains("day/bundles/harbin-public-primary-2024-000003/bagit.txt"))

        // The other way: age encrypts enroll's plain archive; enroll imports it with --identity.
        #expect(try cli.enroll(["pack", "day", "--out", "plain.tar.zst", "--key", "trust/st.sec"], in: dir).status == 0)
        let encrypted = try shell("age -R district.age.pub -o byage.tar.zst.age plain.tar.zst", in: dir)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        let imported = try cli.enroll(["import", "byage.tar.zst.age", "--store", "store", "--trust", "trust", "--identity", "district.age", "--format", "json"], in: dir)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any]
        #expect((summary?["summary"] as? [String: Int])?["new"] == 3)
        #expect(try applications(in: "store", dir) == 3)

        // verify, validate, list and unpack read it while decrypting, too.
        #expect(try cli.enroll(["verify", "day.tar.zst.age", "--trust", "trust", "--identity", "district.age"], in: dir).status == 0)
        #expect(try cli.enroll(["validate", "day.tar.zst.age", "--trust", "trust", "--identity", "district.age"], in: dir).status == 0)
        let list = try cli.enroll(["list", "day.tar.zst.age", "--identity", "district.age"], in: dir)
        #expect(list.status == 0 && list.stdout.contains("harbin-public-primary-2024-000002"), "\(list.stderr)")
        let unpacked = try cli.enroll(["unpack", "day.tar.zst.age", "--out", "restored", "--trust", "trust", "--identity", "district.age"], in: dir)
        #expect(unpacked.status == 0, "\(unpacked.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/restored/harbin-public-primary-2024-000001/bagit.txt"))
    }

    @Test func aStationDirectoryWithTheDistrictsRecipientEncryptsByDefault() throws {
        let dir = try station(count: 1)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/station", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/district.age.pub", toPath: dir + "/station/district.age.pub")

        let packed = try cli.enroll(["pack", "day", "--out", "a.tar.zst.age", "--key", "trust/st.sec", "--station-dir", "station", "--lang", "en"], in: dir)
        #expect(packed.status == 0, "\(packed.stderr)")
        #expect(packed.stderr.contains("station/district.age.pub"))
        let head = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/a.tar.zst.age")).read(upToCount: 22)
        #expect(head == Data("age-encryption.org/v1\n".utf8))

        let plain = try cli.enroll(["pack", "day", "--out", "b.tar.zst", "--key", "trust/st.sec", "--station-dir", "station", "--no-encrypt", "--lang", "en"], in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stderr.contains("Warning: --no-encrypt"))
        let zstd = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir + "/b.tar.zst")).read(upToCount: 4)
        #expect(zstd == Data([0x28, 0xB5, 0x2F, 0xFD]))

        let both = try cli.enroll(["pack", "day", "--out", "c.tar.zst", "--key", "trust/st.sec", "--encrypt-to", "district.age.pub", "--no-encrypt"], in: dir)
        #expect(both.status == 2)
        #expect(both.stderr.contains("usage.encryption"))
        let zip = try cli.enroll(["pack", "day", "--out", "c.zip", "--key", "trust/st.sec", "--encrypt-to", "district.age.pub", "--format", "zip"], in: dir)
        #expect(zip.status == 2)
        #expect(zip.stderr.contains("usage.encryption"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/c.zip") && !FileManager.default.fileExists(atPath: dir + "/c.tar.zst"))
    }

    /// The byte offset where the payload's chunks begin: after the header's MAC line and the
    /// 16-byte nonce.
    static func payloadStart(_ bytes: [UInt8]) throws -> Int {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        let mac = try #require(text.range(of: "\n--- "))
        let end = try #require(text[mac.upperBound...].firstIndex(of: "\n"))
        return text.utf8.distance(from: text.startIndex, to: end) + 1 + 16
    }

    @Test func everyDecryptionFailureHasItsCodeExitsOneAndImportsNothing() throws {
        let dir = try station(count: 4)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["pack", "day", "--out", "day.tar.zst.age", "--key", "trust/st.sec", "--encrypt-to", "district.age.pub"], in: dir).status == 0)
        // The station's own age key: a common mistake at the district.
        #expect(try shell("age-keygen -o station.age", in: dir).status == 0)
        let good = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/day.tar.zst.age")))
        let start = try Self.payloadStart(good)
        let sealedChunk = 65536 + 16
        try #require(good.count > start + 2 * sealedChunk, "the archive spans several chunks")

        var flipped = good
        flipped[flipped.count - 3] ^= 0x01  // inside the final chunk
        let truncated = Array(good[..<(start + 2 * sealedChunk)])  // at a chunk boundary: the final chunk is missing
        let cutInside = Array(good.dropLast(100))
        var headerText = String(decoding: good[..<start], as: UTF8.self)
        let unknownType = Array(headerText.replacingOccurrences(of: "-> X25519 ", with: "-> X25520 ").utf8) + good[start...]
        let macLine = try #require(headerText.range(of: "\n--- "))
        let macFirst = headerText.index(macLine.upperBound, offsetBy: 0)
        headerText.replaceSubrange(macFirst...macFirst, with: headerText[macFirst] == "A" ? "B" : "A")
        let wrongMAC = Array(headerText.utf8) + good[start...]

        let cases: [(file: String, bytes: [UInt8], identity: String?, code: String)] = [
            ("wrong-identity.age", good, "station.age", "crypt.wrong-identity"),
            ("flipped.age", flipped, "district.age", "crypt.payload-tampered"),
            ("truncated.age", truncated, "district.age", "crypt.truncated"),
            ("cut.age", cutInside, "district.age", "crypt.payload-tampered"),
            ("unknown-type.age", unknownType, "district.age", "crypt.unknown-recipient-type"),
            ("wrong-mac.age", wrongMAC, "district.age", "crypt.header-mac"),
            ("no-identity.age", good, nil, "crypt.identity-required"),
        ]
        for item in cases {
            try Data(item.bytes).write(to: URL(fileURLWithPath: dir + "/" + item.file))
            let identity = item.identity.map { ["--identity", $0] } ?? []
            let store = "store-" + item.file
            let imported = try cli.enroll(["import", item.file, "--store", store, "--trust", "trust", "--lang", "en"] + identity, in: dir)
            #expect(imported.status == 1, "\(item.file): \(imported.stderr)")
            #expect(imported.stderr.contains(item.code), "\(item.file): \(imported.stderr)")
            #expect(imported.stderr.contains("Decryption failed") || item.identity == nil, "\(item.file): a message that says what")
            #expect(try applications(in: store, dir) == 0, "\(item.file): nothing imported")
            if FileManager.default.fileExists(atPath: dir + "/" + store + "/tmp") {
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/" + store + "/tmp").isEmpty, "\(item.file): staging discarded")
            }

            let out = "out-" + item.file
            let unpacked = try cli.enroll(["unpack", item.file, "--out", out, "--trust", "trust"] + identity, in: dir)
            #expect(unpacked.status == 1, "\(item.file): \(unpacked.stderr)")
            #expect(unpacked.stderr.contains(item.code), "\(item.file): \(unpacked.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/" + out), "\(item.file): nothing unpacked")

            let verified = try cli.enroll(["verify", item.file, "--trust", "trust"] + identity, in: dir)
            #expect(verified.status == 1 && verified.stderr.contains(item.code), "\(item.file): \(verified.stderr)")
        }
        // Chinese as well as English.
        let chinese = try cli.enroll(["import", "flipped.age", "--store", "zh", "--trust", "trust", "--identity", "district.age", "--lang", "zh"], in: dir)
        #expect(chinese.status == 1 && chinese.stderr.contains("解密失败"), "\(chinese.stderr)")
    }

    @Test func statusArchivesTravelEncryptedToTheStation() throws {
        let dir = try station(count: 2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "district", "--name", "district-1"], in: dir).status == 0)
        #expect(try shell("age-keygen -o station.age && age-keygen -y station.age > station.age.pub", in: dir).status == 0)
        #expect(try cli.enroll(["import", "day", "--store", "store", "--trust", "trust"], in: dir).status == 0)
        let exported = try cli.enroll(
            ["status", "export", "--store", "store", "--key", "district/district-1.sec", "--out", "status.tar.zst.age", "--encrypt-to", "station.age.pub"], in: dir)
        #expect(exported.status == 0, "\(exported.stderr)")
        let listed = try shell("age -d -i station.age status.tar.zst.age | bsdtar -tf -", in: dir)
        #expect(listed.stdout.contains("status/status.json"), "\(listed.stdout)\(listed.stderr)")

        let refused = try cli.enroll(["status", "import", "status.tar.zst.age", "--trust", "district", "--station-dir", "st"], in: dir)
        #expect(refused.status == 1 && refused.stderr.contains("crypt.identity-required"), "\(refused.stderr)")
        let taken = try cli.enroll(["status", "import", "status.tar.zst.age", "--trust", "district", "--station-dir", "st", "--identity", "station.age", "--lang", "en"], in: dir)
        #expect(taken.status == 0, "\(taken.stderr)")
        #expect(taken.stdout.contains("took in 2 answers"))
    }

    /// The people in a bundle's form: every `name`, `idNumber` and `phone` value.
    static func people(inForm json: Any, into found: inout Set<String>) {
        if let object = json as? [String: Any] {
            for (key, value) in object {
                if ["name", "idNumber", "phone"].contains(key), let text = value as? String, !text.isEmpty { found.insert(text) }
                people(inForm: value, into: &found)
            }
        } else if let array = json as? [Any] {
            for value in array { people(inForm: value, into: &found) }
        }
    }

    @Test func aLostStickLeaksNoNameIDPhoneOrPhoto() throws {
        let dir = try station(count: 50)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let packed = try cli.enroll(["pack", "day", "--out", "day.tar.zst.age", "--key", "trust/st.sec", "--encrypt-to", "district.age.pub"], in: dir)
        #expect(packed.status == 0, "\(packed.stderr)")
        let stick = try Data(contentsOf: URL(fileURLWithPath: dir + "/day.tar.zst.age"))

        var secrets: Set<String> = []
        var photos: [Data] = []
        for bundle in try FileManager.default.contentsOfDirectory(atPath: dir + "/day") where !bundle.hasPrefix(".") {
            let form = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(dir)/day/\(bundle)/data/form.json")))
            Self.people(inForm: form, into: &secrets)
            let attachments = "\(dir)/day/\(bundle)/data/attachments"
            for file in (FileManager.default.enumerator(atPath: attachments)?.allObjects as? [String]) ?? [] where file.hasSuffix(".jpg") {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: attachments + "/" + file))
                // The head (JPEG markers and tables) and a slice of the entropy-coded data.
                photos.append(bytes.prefix(32))
                if bytes.count > 1024 { photos.append(bytes.subdata(in: (bytes.count / 2)..<(bytes.count / 2 + 32))) }
            }
        }
        try #require(secrets.count >= 150, "names, ID numbers and phones of 50 families")
        try #require(photos.count >= 50)

        // A control: the same search finds every one of them in the decrypted forms.
        let forms = try shell("age -d -i district.age day.tar.zst.age | bsdtar -xOf - '*/data/form.json'", in: dir)
        #expect(forms.status == 0)
        let plain = Data(forms.stdout.utf8)
        #expect(secrets.allSatisfy { plain.range(of: Data($0.utf8)) != nil })

        // GB18030 is kCFStringEncodingGB_18030_2000 (0x0632) as an NSStringEncoding.
        let gb18030 = String.Encoding(rawValue: 0x8000_0632)
        #expect("张三".data(using: gb18030) == Data([0xD5, 0xC5, 0xC8, 0xFD]), "Foundation encodes GB18030")
        let encodings: [String.Encoding] = [.utf8, .utf16LittleEndian, .utf16BigEndian, gb18030]
        var leaked: [String] = []
        for secret in secrets {
            for encoding in encodings {
                guard let needle = secret.data(using: encoding) else { continue }
                // A two-character name is four bytes in UTF-16 and GB18030: in a few megabytes of
                // random ciphertext such a short pattern turns up by chance, so those are checked
                // in UTF-8 (six bytes) only; everything else in every encoding.
                if needle.count < 6 { continue }
                if stick.range(of: needle) != nil { leaked.append("\(secret) (\(encoding))") }
            }
        }
        #expect(leaked == [], "found in the archive bytes")
        #expect(photos.allSatisfy { stick.range(of: $0) == nil }, "a photo's bytes are in the archive")
        // The JPEG start-of-image marker followed by the JFIF header every sample photo begins with.
        #expect(stick.range(of: Data([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46])) == nil)
        // The bare three-byte marker: in random bytes it occurs about once per 16 MiB, while the
        // plain archive holds one per photo.
        var markers = 0
        var index = stick.startIndex
        while let found = stick.range(of: Data([0xFF, 0xD8, 0xFF]), in: index..<stick.endIndex) {
            markers += 1
            index = found.upperBound
        }
        #expect(markers <= 2 + stick.count / (8 << 20), "\(markers) JPEG markers in \(stick.count) bytes")
    }
}
