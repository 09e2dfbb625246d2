import AgeKit
import Foundation
import Testing

/// AgeKit against the real `age` and `age-keygen` (Debian's package `age`), both ways. The
/// tools missing is a failure: scripts/setup.sh installs them.
@Suite("Interoperability with the age tool")
struct InteropTests {
    static let sizes = [0, 1, 65535, 65536, 65537, 3 * 65536, (1 << 20) + 123]

    @Test(arguments: sizes)
    func ageDecryptsWhatAgeKitEncrypts(size: Int) throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        try identity.writeIdentityFile(atPath: directory("key.txt"))
        let plaintext = pseudoRandomBytes(size, seed: UInt64(size) + 100)
        try writeFile(directory("file.age"), try Age.encrypt(plaintext, to: [identity.recipient]))
        // To standard output: with -o, age creates no file for an empty plaintext.
        let result = try runProcess(age, ["-d", "-i", directory("key.txt"), directory("file.age")])
        #expect(result.status == 0, "age -d failed: \(result.stderr)")
        #expect(Array(result.stdout) == plaintext)
    }

    @Test(arguments: sizes)
    func ageKitDecryptsWhatAgeEncrypts(size: Int) throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        let plaintext = pseudoRandomBytes(size, seed: UInt64(size) + 200)
        try writeFile(directory("in"), plaintext)
        let result = try runProcess(age, ["-r", identity.recipient.string, "-o", directory("file.age"), directory("in")])
        #expect(result.status == 0, "age -r failed: \(result.stderr)")
        let ciphertext = try readFile(directory("file.age"))
        #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
        // Through the streaming reader too, from the file descriptor.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: directory("file.age")))
        defer { try? handle.close() }
        let descriptor = handle.fileDescriptor
        let decryptor = try AgeDecryptor(identities: [identity]) { buffer in
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            guard count >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            return count
        }
        var released: [UInt8] = []
        while let chunk = try decryptor.nextChunk() { released.append(contentsOf: chunk) }
        #expect(released == plaintext)
    }

    @Test func recipientsFileForAgeR() throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identities = [AgeIdentity.generate(), AgeIdentity.generate()]
        let recipients = AgeRecipient.recipientsFileContents(identities.map(\.recipient), comment: "district and station")
        try writeFile(directory("recipients.txt"), Array(recipients.utf8))
        let plaintext = pseudoRandomBytes(150_000, seed: 300)
        try writeFile(directory("in"), plaintext)
        let result = try runProcess(age, ["-R", directory("recipients.txt"), "-o", directory("file.age"), directory("in")])
        #expect(result.status == 0, "age -R failed: \(result.stderr)")
        let ciphertext = try readFile(directory("file.age"))
        for identity in identities {
            #expect(try Age.decrypt(ciphertext, with: [identity]) == plaintext)
        }
        #expect(throws: AgeError.noIdentityMatched(x25519Stanzas: 2, identities: 1)) {
            _ = try Age.decrypt(ciphertext, with: [AgeIdentity.generate()])
        }
        // And the file age reads with -R parses back to the same recipients.
        #expect(try AgeRecipient.readRecipientsFile(atPath: directory("recipients.txt")) == identities.map(\.recipient))
    }

    @Test func ageDecryptsAgeKitMultiRecipientFiles() throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identities = (0..<3).map { _ in AgeIdentity.generate() }
        let plaintext = pseudoRandomBytes(70_000, seed: 301)
        try writeFile(directory("file.age"), try Age.encrypt(plaintext, to: identities.map(\.recipient)))
        for (index, identity) in identities.enumerated() {
            try identity.writeIdentityFile(atPath: directory("key\(index).txt"))
            let result = try runProcess(age, ["-d", "-i", directory("key\(index).txt"), directory("file.age")])
            #expect(result.status == 0, "age -d with key \(index) failed: \(result.stderr)")
            #expect(Array(result.stdout) == plaintext)
        }
        // A stranger's key: age refuses too.
        try AgeIdentity.generate().writeIdentityFile(atPath: directory("stranger.txt"))
        let refused = try runProcess(age, ["-d", "-i", directory("stranger.txt"), directory("file.age")])
        #expect(refused.status != 0)
        #expect(refused.stdout.isEmpty)
    }

    @Test func ageKeygenIdentitiesParse() throws {
        let keygen = try requireTool("age-keygen", package: "age")
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let generated = try runProcess(keygen, ["-o", directory("key.txt")])
        #expect(generated.status == 0, "age-keygen failed: \(generated.stderr)")
        let identities = try AgeIdentity.readIdentityFile(atPath: directory("key.txt"))
        #expect(identities.count == 1)
        let identity = try #require(identities.first)
        // age-keygen -y prints the recipient of the identity file.
        let publicKey = try runProcess(keygen, ["-y", directory("key.txt")])
        #expect(String(decoding: publicKey.stdout, as: UTF8.self) == identity.recipient.string + "\n")
        // The `# public key:` comment agrees, and the layout is the one AgeKit writes.
        let text = String(decoding: try readFile(directory("key.txt")), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("# created: "))
        #expect(lines[1] == "# public key: \(identity.recipient)")
        #expect(lines[2] == identity.string)
        #expect(identity.identityFileContents().hasPrefix("# created: "))
        #expect(identity.identityFileContents().split(separator: "\n").dropFirst().map(String.init) == Array(lines.dropFirst()))
        // A file for that identity, made by AgeKit, opens with age and the keygen file.
        let plaintext = pseudoRandomBytes(1000, seed: 302)
        try writeFile(directory("file.age"), try Age.encrypt(plaintext, to: [identity.recipient]))
        let result = try runProcess(age, ["-d", "-i", directory("key.txt"), directory("file.age")])
        #expect(result.status == 0, "age -d failed: \(result.stderr)")
        #expect(Array(result.stdout) == plaintext)
    }

    @Test func ageKeygenReadsAgeKitIdentityFiles() throws {
        let keygen = try requireTool("age-keygen", package: "age")
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        try identity.writeIdentityFile(atPath: directory("key.txt"))
        let publicKey = try runProcess(keygen, ["-y", directory("key.txt")])
        #expect(publicKey.status == 0, "age-keygen -y failed: \(publicKey.stderr)")
        #expect(String(decoding: publicKey.stdout, as: UTF8.self) == identity.recipient.string + "\n")
    }

    @Test func armoredFilesFromAgeAreRecognised() throws {
        let age = try requireTool("age", package: "age")
        let directory = TemporaryDirectory()
        let identity = AgeIdentity.generate()
        try writeFile(directory("in"), Array("armored".utf8))
        let result = try runProcess(age, ["-a", "-r", identity.recipient.string, "-o", directory("file.age"), directory("in")])
        #expect(result.status == 0, "age -a failed: \(result.stderr)")
        #expect(throws: AgeError.armoredInput) { _ = try Age.decrypt(try readFile(directory("file.age")), with: [identity]) }
    }
}
