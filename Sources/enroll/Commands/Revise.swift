import ArgumentParser
import EnrollCore
import Foundation

extension Enroll {
    /// `enroll revise BUNDLE --data FILE [--attach ...] --out DIR`.
    struct Revise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the next revision of an application, chained to the previous one. 修改申请（新版本）。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions

        @Argument(help: "The latest signed revision's bundle.")
        var bundle: String

        @Option(name: .long, help: "The new form data (default: keep the previous).")
        var data: String?

        @Option(name: .long, help: "Replace a slot's attachments with SLOT=FILE; repeat for more.")
        var attach: [String] = []

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let attachments = try attach.map(AttachmentInput.init(parsing:))
                let signer = try signing.signer()
                try BundleOperations().revise(bundle, data: data, attachments: attachments, directory: out)
                try finishDraft(out, signer: signer, schemas: schemaOptions.schemas, common)
            }
        }
    }

    /// `enroll withdraw BUNDLE --out DIR`.
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the withdrawal revision of an application. 撤销申请。"
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: SigningOptions

        @Argument(help: "The latest signed revision's bundle.")
        var bundle: String

        @Option(name: .long, help: "Why the family withdraws.")
        var reason: String = ""

        @Option(name: .long, help: "The bundle directory to create.")
        var out: String

        func run() async throws {
            try reportingErrors(common) {
                let signer = try signing.signer()
                try BundleOperations().withdraw(bundle, reason: reason, directory: out)
                try finishDraft(out, signer: signer, schemas: schemaOptions.schemas, common)
            }
        }
    }
}
