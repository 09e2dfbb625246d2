import Foundation
import JSONSchema
import Testing

@testable import EnrollCore

/// A district with one imported application and a district key, for the printing tests.
struct PrintFixture {
    let dir: TemporaryDirectory
    let district: DistrictFixture
    let bundle: String
    let printing: DistrictPrinting
    let districtTrust: TrustStore
    let number: String
    let form: String

    static let forms = [
        "beijing-local-primary-2024", "beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025",
        "harbin-public-primary-2024",
    ]

    init(_ dir: TemporaryDirectory, form: String, edit: ((inout [String: Any]) -> Void)? = nil) throws {
        self.dir = dir
        self.form = form
        district = try DistrictFixture(dir)
        bundle = try district.application("app", from: form + "-000001", edit: edit)
        let report = try district.importing(bundle)
        number = try #require(report.items.first?.collectionNumber)
        let keys = try KeyFiles.generate(in: dir("district-keys"), name: "district-office")
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: keys.public), name: "district-office", source: keys.public)
        districtTrust = trust
        var issuer = DocumentIssuer(key: try SignifySecretKey(contentsOf: keys.secret), name: "district-office")
        issuer.now = { Date(timeIntervalSince1970: 1_796_000_000) }
        printing = DistrictPrinting(store: district.store, catalog: district.catalog, issuer: issuer)
    }

    /// The station's own trust: its public key, for receipts.
    var stationTrust: TrustStore { district.trust }

    /// The station's issuer (signs receipts).
    var stationIssuer: DocumentIssuer { DocumentIssuer(key: district.key, name: "station-a") }

    func verify() throws { try district.store.review(.verify, number, reviewer: "t") }
    func admit(_ school: String) throws { try district.store.review(.admit, number, school: school, reviewer: "t") }

    /// The submitted form data, read independently of the renderer.
    func submittedData() throws -> JSONValue { try JSONParser.parse(Array(try read(bundle + "/data/form.json").utf8)) }
}

/// Where the PNGs of the printouts are kept for people to look at (not committed).
let printOutputDirectory: String = {
    let path = repositoryRoot + "/.build/test-output/print"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}()

/// pdftotext's text in content order (each cell's lines together), without any whitespace.
func pdfTextCompact(_ pdf: String) throws -> String {
    let result = try runProcess("pdftotext", ["-raw", "-enc", "UTF-8", pdf, "-"])
    try #require(result.status == 0, "pdftotext: \(result.stderr)")
    return result.stdout.filter { !$0.isWhitespace }
}

/// The QR code on page 1, rendered at 150 dpi and read by zbarimg. Keeps the page as `png`.
func decodeQR(_ pdf: String, keeping png: String) throws -> String {
    let prefix = png.hasSuffix(".png") ? String(png.dropLast(4)) : png
    let render = try runProcess("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix])
    try #require(render.status == 0, "pdftoppm: \(render.stderr)")
    let scan = try runProcess("zbarimg", ["--raw", "-q", prefix + ".png"])
    try #require(scan.status == 0, "zbarimg found no code: \(scan.stderr)")
    return scan.stdout.trimmingCharacters(in: .newlines)
}

/// Every leaf of the data as (section key, value text), read without the renderer.
func leafValues(_ value: JSONValue) -> [String] {
    switch value {
    case .object(let object): object.values.flatMap(leafValues)
    case .array(let items) where items.contains { $0.objectValue != nil }: items.flatMap(leafValues)
    case .array(let items): [items.compactMap(\.stringValue).joined(separator: "、")]
    case .string(let text): [text]
    case .bool(let flag): [flag ? "是" : "否"]
    case .number(let number): [number.description]
    case .null: []
    }
}

@Suite("Printing: collection form, receipt, admission notice, offline verification")
struct PrintTests {
    @Test(arguments: PrintFixture.forms) func everyDocumentRendersWithItsLabelsValuesFontAndAVerifiableQR(form: String) throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: form)
        try fixture.verify()
        try fixture.admit("测试第一小学")
        let data = try fixture.submittedData()
        let catalogForm = try fixture.district.catalog.form(form)
        let name = try #require(data["student"]?["name"]?.stringValue)
        let districtName = try #require(data["application"]?["district"]?.stringValue)
        let sectionLabels = try #require(data.objectValue?.keys).map { catalogForm.label(at: JSONPointer(tokens: [$0]))!.zh }

        // 学龄人口信息采集表: title, 所在区, 编号, 校验码, every section label and every value.
        let collection = dir("collection.pdf")
        let seal = try fixture.printing.collectionForm(fixture.number, to: collection)
        var text = try pdfTextCompact(collection)
        for expected in ["学龄人口信息采集表", "所在区：\(districtName)", "编号：\(fixture.number)", "校验码：\(seal.checkCode)", name] + sectionLabels {
            #expect(text.contains(expected.filter { !$0.isWhitespace }), "collection form lacks \(expected)")
        }
        for value in leafValues(data) where !value.isEmpty {
            #expect(text.contains(value.filter { !$0.isWhitespace }), "collection form lacks the value \(value)")
        }
        for field in catalogForm.fieldList() where field.pointer.split(separator: "/").count == 2 {
            let tokens = field.pointer.split(separator: "/").map(String.init)
            guard data[tokens[0]]?[tokens[1]] != nil else { continue }
            #expect(text.contains(field.label.zh.filter { !$0.isWhitespace }), "collection form lacks the label \(field.label.zh)")
        }
        #expect(seal.kind == .collectionForm && seal.number == fixture.number && seal.childName == name && seal.district == districtName)
        #expect(seal.maskedID == Privacy.maskIDNumber(try #require(data["student"]?["idNumber"]?.stringValue)))
        #expect(!seal.qrText.contains(try #require(data["student"]?["idNumber"]?.stringValue)), "the QR never holds the full ID number")

        // The CJK font is embedded as a subset with a Unicode map.
        let fonts = try runProcess("pdffonts", [collection]).stdout.split(separator: "\n").filter { $0.contains("NotoSansCJK") }
        #expect(!fonts.isEmpty, "no Noto Sans CJK font in the PDF")
        for row in fonts {
            #expect(row.split(separator: " ").first?.contains("+") == true, "not a subset: \(row)")
            #expect(row.contains("yes yes yes"), "not embedded, subset and mapped to Unicode: \(row)")
        }

        // The QR, read from the rendered page, is the seal and verifies against the district key.
        let scanned = try decodeQR(collection, keeping: printOutputDirectory + "/\(form)-collection-form.png")
        #expect(scanned == seal.qrText)
        #expect(try PrintSeal(qrText: scanned).verify(trust: fixture.districtTrust) == "district-office")
        #expect(try PrintSeal(qrText: scanned).checkCode == seal.checkCode)

        // The receipt, from the station's bundle: IDs, data, attachments by slot and count, station.
        let receipt = dir("receipt.pdf")
        let application = try PrintedApplication.fromBundle(fixture.bundle, stationDirectory: nil, catalog: fixture.district.catalog)
        let receiptSeal = try fixture.stationIssuer.receipt(application, to: receipt)
        text = try pdfTextCompact(receipt)
        let applicationID = try #require(try read(fixture.bundle + "/bag-info.txt").split(separator: "\n")
            .first { $0.hasPrefix("Enroll-Application-ID: ") }).dropFirst(23).lowercased()
        for expected in ["信息采集回执", applicationID, "station-a", "所附材料", name] + sectionLabels {
            #expect(text.contains(expected.filter { !$0.isWhitespace }), "receipt lacks \(expected)")
        }
        for value in leafValues(data) where !value.isEmpty {
            #expect(text.contains(value.filter { !$0.isWhitespace }), "receipt lacks the value \(value)")
        }
        let slots = try FileManager.default.contentsOfDirectory(atPath: fixture.bundle + "/data/attachments").sorted()
        #expect(!slots.isEmpty)
        for slot in slots {
            let label = try #require(catalogForm.slots.first { $0.id == slot }).label.zh
            let count = try FileManager.default.contentsOfDirectory(atPath: fixture.bundle + "/data/attachments/" + slot).count
            #expect(text.contains((label + String(count)).filter { !$0.isWhitespace }), "receipt lacks \(label) × \(count)")
        }
        #expect(receiptSeal.number == applicationID && receiptSeal.extra == "station-a")
        let receiptQR = try decodeQR(receipt, keeping: printOutputDirectory + "/\(form)-receipt.png")
        #expect(try PrintSeal(qrText: receiptQR).verify(trust: fixture.stationTrust) == "station-a")

        // The admission notice: child, school, collection number.
        let notice = dir("notice.pdf")
        let noticeSeal = try fixture.printing.admissionNotice(fixture.number, to: notice)
        text = try pdfTextCompact(notice)
        for expected in ["入学通知书", name, "测试第一小学", fixture.number, "校验码：\(noticeSeal.checkCode)"] {
            #expect(text.contains(expected.filter { !$0.isWhitespace }), "admission notice lacks \(expected)")
        }
        #expect(noticeSeal.extra == "测试第一小学")
        let noticeQR = try decodeQR(notice, keeping: printOutputDirectory + "/\(form)-admission-notice.png")
        #expect(try PrintSeal(qrText: noticeQR).verify(trust: fixture.districtTrust) == "district-office")

        // Each issue is in the register and found by number and code.
        #expect(try PrintRegister(store: fixture.district.store).find(number: fixture.number, code: seal.checkCode).detail["kind"] == "collection-form")
        #expect(try PrintRegister(store: fixture.district.store).find(number: fixture.number, code: noticeSeal.checkCode).detail["kind"] == "admission-notice")
    }

    @Test func aTamperedPayloadFailsWithTheRightCode() throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: "beijing-local-primary-2024")
        let seal = try fixture.printing.collectionForm(fixture.number, to: dir("form.pdf"))
        #expect(try PrintSeal(qrText: seal.qrText).verify(trust: fixture.districtTrust) == "district-office")

        // One character of the name, of the number, of the district changed: altered.
        var parts = seal.qrText.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        for field in [2, 3, 5, 7] {
            var edited = parts
            var characters = Array(edited[field])
            characters[characters.count - 1] = characters.last == "1" ? "2" : "1"
            edited[field] = String(characters)
            let forged = try PrintSeal(qrText: edited.joined(separator: "|"))
            #expect(thrownCodes { _ = try forged.verify(trust: fixture.districtTrust) } == ["print.altered"], "field \(field)")
        }
        // The kind changed (a collection form passed off as an admission notice): altered.
        parts[1] = "A"
        #expect(thrownCodes { _ = try PrintSeal(qrText: parts.joined(separator: "|")).verify(trust: fixture.districtTrust) } == ["print.altered"])
        // The station's key is not the district's: unknown key; a revoked key is refused.
        #expect(thrownCodes { _ = try PrintSeal(qrText: seal.qrText).verify(trust: fixture.stationTrust) } == ["print.unknown-key"])
        var revoked = fixture.districtTrust
        revoked.revoke(seal.keyID, reason: "lost")
        #expect(thrownCodes { _ = try PrintSeal(qrText: seal.qrText).verify(trust: revoked) } == ["sig.revoked-key"])
        // Not a payload at all, or a cut-off one.
        #expect(thrownCodes { _ = try PrintSeal(qrText: "https://example.invalid/") } == ["print.payload-malformed"])
        #expect(thrownCodes { _ = try PrintSeal(qrText: String(seal.qrText.dropLast(5))) } == ["print.payload-malformed"])
        // A wrong 校验码 for the number is not in the register.
        let wrong = seal.checkCode.first == "A" ? "B" + seal.checkCode.dropFirst() : "A" + seal.checkCode.dropFirst()
        #expect(thrownCodes { _ = try PrintRegister(store: fixture.district.store).find(number: fixture.number, code: wrong) } == ["print.code-unknown"])
        #expect(try PrintRegister(store: fixture.district.store).find(number: fixture.number, code: seal.checkCode.lowercased()).detail["code"] == seal.checkCode)
    }

    @Test(arguments: ["beijing-nonlocal-primary-2021", "beijing-nonlocal-primary-2024", "beijing-nonlocal-primary-2025"])
    func aNonLocalCollectionFormWaitsFor审核通过(form: String) throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: form)
        let pdf = dir("form.pdf")
        #expect(thrownCodes { try fixture.printing.collectionForm(fixture.number, to: pdf) } == ["print.not-verified"])
        #expect(!FileManager.default.fileExists(atPath: pdf), "a refused form leaves no file")
        #expect(thrownCodes { try fixture.printing.admissionNotice(fixture.number, to: pdf) } == ["print.not-admitted"])
        try fixture.verify()
        try fixture.printing.collectionForm(fixture.number, to: pdf)
        #expect(FileManager.default.fileExists(atPath: pdf))
    }

    @Test func aLocalCollectionFormPrintsWhileUnderReviewButNotOnceWithdrawn() throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: "beijing-local-primary-2024")
        try fixture.printing.collectionForm(fixture.number, to: dir("form.pdf"))
        try BundleOperations().withdraw(fixture.bundle, reason: "moved", directory: dir("w"), signer: (fixture.district.key, "station-a"))
        try fixture.district.importing(dir("w"))
        #expect(thrownCodes { try fixture.printing.collectionForm(fixture.number, to: dir("again.pdf")) } == ["print.withdrawn"])
    }

    @Test func theStationPrintsFromItsBundleOnceTheDistrictAnswered() throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: "beijing-nonlocal-primary-2025")
        let station = dir("station")
        let issuer = fixture.stationIssuer
        var application = try PrintedApplication.fromBundle(fixture.bundle, stationDirectory: station, catalog: fixture.district.catalog)
        #expect(thrownCodes { _ = try issuer.collectionForm(application, to: dir("a.pdf")) } == ["print.number-missing"])

        // The district's answers arrive through a real status archive.
        let districtKey = try KeyFiles.generate(in: dir("dk"), name: "district")
        var trust = TrustStore()
        try trust.add(try SignifyPublicKey(contentsOf: districtKey.public), name: "district", source: districtKey.public)
        func takeIn() throws {
            let archive = dir("status-\(UUID().uuidString).tar.zst")
            _ = try StatusArchive.export(from: fixture.district.store, key: try SignifySecretKey(contentsOf: districtKey.secret), district: "district", to: archive)
            _ = try StationStatus(directory: station).merge(try StatusArchive.read(archive, trust: trust).entries)
        }
        try takeIn()
        application = try PrintedApplication.fromBundle(fixture.bundle, stationDirectory: station, catalog: fixture.district.catalog)
        #expect(application.collectionNumber == fixture.number && application.status == .received)
        #expect(thrownCodes { _ = try issuer.collectionForm(application, to: dir("b.pdf")) } == ["print.not-verified"])
        try fixture.verify()
        try takeIn()
        application = try PrintedApplication.fromBundle(fixture.bundle, stationDirectory: station, catalog: fixture.district.catalog)
        let seal = try issuer.collectionForm(application, to: dir("c.pdf"))
        #expect(seal.number == fixture.number)
        #expect(try PrintSeal(qrText: try decodeQR(dir("c.pdf"), keeping: dir("c.png"))).verify(trust: fixture.stationTrust) == "station-a")
    }

    @Test func anUnsignedDraftHasNoReceipt() throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: "harbin-public-primary-2024")
        let source = DistrictFixture.sample("harbin-public-primary-2024-000002")
        _ = try BundleOperations().create(
            form: "harbin-public-primary-2024", formVersion: try fixture.district.catalog.form("harbin-public-primary-2024").version,
            data: source + "/data/form.json", attachments: try fixture.district.attachments(of: source), directory: dir("draft"), signer: nil)
        #expect(thrownCodes { _ = try PrintedApplication.fromBundle(dir("draft"), stationDirectory: nil, catalog: fixture.district.catalog) } == ["sig.missing"])
    }

    @Test func aFieldThePayloadCannotCarryIsRefused() throws {
        let key = SignifySecretKey.generate(name: "d").0
        #expect(thrownCodes {
            _ = try PrintSeal.sign(
                kind: .collectionForm, number: "24000001", childName: "王|小明", idNumber: "110101201801010011", district: "东城区", extra: "",
                issuedAt: Date(), key: key)
        } == ["print.field-unprintable"])
    }

    @Test func theBatchPrintsEveryPrintableApplicationOneAtATime() throws {
        let dir = TemporaryDirectory()
        let fixture = try PrintFixture(dir, form: "beijing-local-primary-2024")
        let nonlocal = try fixture.district.application("nl", from: "beijing-nonlocal-primary-2025-000001")
        let harbin = try fixture.district.application("hb", from: "harbin-public-primary-2024-000001")
        try fixture.district.importing(nonlocal, harbin)
        var calls: [Int] = []
        let result = try fixture.printing.allCollectionForms(to: dir("out")) { done, total in
            #expect(total == 3)
            calls.append(done)
        }
        #expect(calls == [1, 2, 3])
        #expect(result.written.count == 2)
        #expect(result.skipped.map(\.reason.code.rawValue) == ["print.not-verified"])
        let files = try FileManager.default.contentsOfDirectory(atPath: dir("out")).sorted()
        #expect(files == result.written.map { PathName($0).lastComponent }.sorted())
        for path in result.written {
            let info = try runProcess("pdfinfo", [path])
            #expect(info.status == 0 && info.stdout.contains("学龄人口信息采集表"), "\(path): \(info.stderr)")
        }
    }

    @Test func theCheckCodeIsTenBase32CharactersOfTheSignaturesHash() throws {
        // RFC 4648 test vectors for the encoder, then the code's shape.
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
        #expect(Base32.encode(Array("f".utf8)) == "MY")
        let seal = try PrintSeal.sign(
            kind: .receipt, number: "24000001", childName: "测试", idNumber: "110101201801010011", district: "东城区", extra: "st",
            issuedAt: Date(timeIntervalSince1970: 0), key: SignifySecretKey.generate(name: "x").0)
        #expect(seal.checkCode.count == 10 && seal.checkCode.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        #expect(seal.issuedAt == "1970-01-01T00:00:00Z")
        #expect(try PrintSeal(qrText: seal.qrText) == seal)
    }
}
