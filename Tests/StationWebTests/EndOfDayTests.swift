import EnrollCore
import EnrollWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SampleKit
import StationWeb
import Testing

@Suite("Station web app: the end of the day")
struct EndOfDayTests {
    @Test("打包 packs the submitted applications onto the stick; the district's answer, taken in from the stick, shows in the day's list")
    func packAndTakeIn() async throws {
        let base = try StationFixture()
        defer { base.remove() }
        let usb = base.directory + "/usb"
        try FileManager.default.createDirectory(atPath: usb, withIntermediateDirectories: true)
        let (districtKey, districtPublic) = SignifySecretKey.generate(name: "district")
        var districtTrust = TrustStore()
        try districtTrust.add(districtPublic, name: "district", source: "test")
        var configuration = base.configuration
        configuration.exportDirectories = [usb]
        configuration.districtTrust = districtTrust
        let sample = try StationFixture.sample(StationWebTests.harbin, seed: 21)
        let router = try StationApp.router(configuration)
        try await Application(router: router).test(.router) { client in
            var browser = Browser()
            _ = try await browser.open(client, "/forms/\(StationWebTests.harbin)/new")
            let files = sample.attachments.map { (name: "attachment:\($0.slot)", fileName: $0.fileName, bytes: $0.bytes) }
            let submitted = try await browser.post(client, "/drafts?form=\(StationWebTests.harbin)", fields: StationFixture.controls(sample.document) + [("_action", "submit")], files: files)
            #expect(submitted.status == .seeOther)
            let home = try await browser.open(client, "/")
            #expect(home.body.contains("<option value=\"1\">\(usb)</option>"))

            // 打包 onto the stick (the second directory offered), and follow its progress.
            let packed = try await browser.postEncodedForm(client, "/pack", fields: [("target", "1")])
            #expect(packed.status == .seeOther)
            let job = try #require(packed.location).prefix { $0 != "?" }
            var finished = false
            for _ in 0..<200 where !finished {
                let progress = try await browser.open(client, job + "/progress")
                finished = progress.body.contains("\"finished\":true")
                if !finished { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(finished)
            let result = try await browser.open(client, String(job))
            #expect(result.body.contains("id=\"pack-result\""))
            let archives = try FileManager.default.contentsOfDirectory(atPath: usb).filter { $0.hasSuffix(".tar.zst") }
            #expect(archives.count == 1)
            #expect(try await browser.open(client, "/").body.contains("已打包"))

            // The district imports it, rejects with two reasons, and sends the answers back.
            let store = try DistrictStore(directory: base.directory + "/store")
            var stationTrust = TrustStore()
            try stationTrust.add(base.publicKey, name: "test-station", source: "test")
            let report = try Importer(store: store, catalog: base.configuration.catalog, extraTrust: stationTrust, actor: "test", jobs: 1)
                .importPaths([usb + "/" + archives[0]])
            #expect(report.items.count == 1)
            let application = try #require(try store.applications().first)
            _ = try store.review(.reject, application.applicationId, reasons: ["户口簿照片不清晰", "缺少房产证"], reviewer: "clerk")
            _ = try StatusArchive.export(from: store, key: districtKey, district: "district", to: usb + "/status.tar.zst")

            let takeIn = try await browser.postEncodedForm(client, "/status", fields: [("archive", "1/status.tar.zst")])
            #expect(takeIn.status == .seeOther)
            let after = try await browser.open(client, try #require(takeIn.location))
            #expect(after.body.contains("驳回：户口簿照片不清晰；缺少房产证"))

            // A name outside the listing is refused: nothing a request names becomes a path.
            let outside = try await browser.postEncodedForm(client, "/status", fields: [("archive", "1/../../bundles.tsv")])
            #expect(outside.status == .notFound)
        }
    }
}

