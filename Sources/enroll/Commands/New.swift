import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll new`: make revision 1 of an application bundle.
    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new application bundle from form data and document photos. 新建申请包。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions

        @Option(name: .long, help: "The form id (see enroll forms list).")
        var form: String

        @Option(name: .long, help: "The form data (UTF-8 JSON).")
        var data: String

        @Option(name: .long, help: "An attachment as SLOT=FILE; repeat for more.")
        var attach: [String] = []

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let attachments = try attach.map(AttachmentInput.init(parsing:))
                let entry = try FormCatalog(directory: schemaOptions.schemas).form(form)
                let signer = try signing.signer()
                try BundleOperations().create(
                    form: entry.id, formVersion: entry.version, data: data, attachments: attachments, directory: out)
                try finishDraft(out, signer: signer, schemas: schemaOptions.schemas, common)
            }
        }
    }
}

/// Prints what a bundle-making command made.
func printMade(_ path: String, id: String, revision: Int, signed: Bool, _ common: CommonOptions) {
    if common.format != .text {
        Terminal.json(["path": path, "applicationId": id, "revision": String(revision), "signed": String(signed)])
    } else if common.language == .zh {
        Terminal.out("已制作申请包 \(path)（申请 \(id)，第 \(revision) 版，\(signed ? "已签名" : "未签名草稿")）")
    } else {
        Terminal.out("Made bundle \(path) (application \(id), revision \(revision), \(signed ? "signed" : "unsigned draft"))")
    }
}
