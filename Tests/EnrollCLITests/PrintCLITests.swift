import Foundation
import Testing

/// `enroll print …` end to end: the binary writes a PDF whose QR code, read back with zbarimg,
/// `enroll print verify` accepts, and refuses once a character is changed.
@Suite("enroll print")
struct PrintCLITests {
    let cli = CLITests()

    @Test func aPrintedFormVerifiesByQRAndByCodeAndAnEditedOneDoesNot() throws {
        let dir = NSTemporaryDirectory() + "enroll-print-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try cli.enroll(["keys", "generate", "--out", "keys", "--name", "st"], in: dir).status == 0)
        #expect(try cli.enroll(["keys", "generate", "--out", "district", "--name", "district-1"], in: dir).status == 0)
        let made = try cli.enroll(["sample", "generate", "--form", "beijing-nonlocal-primary-2025", "--count", "1", "--out", "day", "--key", "keys/st.sec", "--small", "--seed", "9"], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let imported = try cli.enroll(["import", "day", "--store", "store", "--trust", "keys"], in: dir)
        #expect(imported.status == 0, "\(imported.stdout)\(imported.stderr)")
        let list = try cli.enroll(["review", "list", "--store", "store", "--format", "json"], in: dir)
        let numbers = ((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]) ?? []).compactMap { $0["collectionNumber"] as? String }
        let number = try #require(numbers.first)
        let print = ["print", "collection-form", number, "--store", "store", "--key", "district/district-1.sec", "--out", "form.pdf", "--lang", "en"]

        // Before 审核通过 a non-local form is refused (exit 1), saying why, in both languages.
        let refused = try cli.enroll(print, in: dir)
        #expect(refused.status == 1)
        #expect((refused.stdout + refused.stderr).contains("print.not-verified"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/form.pdf"))

        #expect(try cli.enroll(["review", "verify", number, "--store", "store"], in: dir).status == 0)
        let printed = try cli.enroll(print, in: dir)
        #expect(printed.status == 0, "\(printed.stdout)\(printed.stderr)")
        let code = try #require(printed.stdout.components(separatedBy: "check code ").last?.trimmingCharacters(in: CharacterSet(charactersIn: ".\n")))
        #expect(code.count == 10)

        let render = try tool("/usr/bin/pdftoppm", ["-r", "150", "-png", "-singlefile", dir + "/form.pdf", dir + "/form"])
        #expect(render.status == 0, "\(render.stderr)")
        let scan = try tool("/usr/bin/zbarimg", ["--raw", "-q", dir + "/form.png"])
        #expect(scan.status == 0)
        let qr = scan.stdout.trimmingCharacters(in: .newlines)
        #expect(qr.hasPrefix("EP1|C|\(number)|"))

        let genuine = try cli.enroll(["print", "verify", "--qr", qr, "--trust", "district", "--lang", "en"], in: dir)
        #expect(genuine.status == 0, "\(genuine.stdout)\(genuine.stderr)")
        #expect(genuine.stdout.contains("GENUINE") && genuine.stdout.contains("issued by district-1"))
        var fields = qr.components(separatedBy: "|")
        fields[3] = String(fields[3].dropLast()) + (fields[3].hasSuffix("明") ? "亮" : "明")
        let edited = try cli.enroll(["print", "verify", "--qr", fields.joined(separator: "|"), "--trust", "district"], in: dir)
        #expect(edited.status == 1)
        #expect((edited.stdout + edited.stderr).contains("print.altered"))
        let stranger = try cli.enroll(["print", "verify", "--qr", qr, "--trust", "keys"], in: dir)
        #expect(stranger.status == 1)
        #expect((stranger.stdout + stranger.stderr).contains("print.unknown-key"))

        let byCode = try cli.enroll(["print", "verify", "--number", number, "--code", code, "--store", "store", "--lang", "en"], in: dir)
        #expect(byCode.status == 0, "\(byCode.stdout)\(byCode.stderr)")
        let wrongCode = try cli.enroll(["print", "verify", "--number", number, "--code", "AAAAAAAAAA", "--store", "store"], in: dir)
        #expect(wrongCode.status == 1)
        #expect((wrongCode.stdout + wrongCode.stderr).contains("print.code-unknown"))
        #expect(try cli.enroll(["print", "verify", "--qr", qr], in: dir).status == 2, "--qr without --trust is a usage error")
    }
}

/// Runs a system tool (poppler-utils, zbar-tools: scripts/setup.sh installs them).
private func tool(_ path: String, _ arguments: [String]) throws -> CLITests.Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    return try CLITests.collect(process)
}
