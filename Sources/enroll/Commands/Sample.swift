import ArgumentParser
import EnrollCore
import Foundation
import SampleKit

extension Enroll {
    /// `enroll sample`: realistic fake applications for demos, training and benchmarks.
    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "sample", 
            abstract: "Generate realistic fake applications (never real people's data). 生成样例申请。",
            subcommands: [Generate.self]
        )
    }
}

extension Enroll.Sample {
    /// `enroll sample generate --form FORM --count N --out DIR --key FILE [--seed S]`.
    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "generate", 
            abstract: "Write N valid, signed sample bundles, each a directory under DIR. 生成签名样例申请包。",
            discussion: "Every family is distinct (no shared ID numbers or phones); the same seed gives the same data. Images are the size of real phone photos of documents unless --small."
        )

        @OptionGroup var common: CommonOptions
        @OptionGroup var schemaOptions: FormSchemaOptions
        @OptionGroup var signing: StationKeyOptions

        @Option(name: .long, help: "The form id.")
        var form: String

        @Option(name: .long, help: "How many bundles.")
        var count: Int

        @Option(name: .long, help: "The directory to write the bundles into.")
        var out: String

        @Option(name: .long, help: "The seed (default 1).")
        var seed: UInt64 = 1

        @Flag(name: .long, help: "Small images, for fast tests.")
        var small = false

        func validate() throws {
            guard count >= 1 else { throw ValidationError("--count must be at least 1. --count 至少为 1。") }
        }

        func run() async throws {
            try reportingErrors(common) {
                let signer = try signing.signer()
                let bar = ProgressBar(enabled: common.format == .text)
                defer { bar.finish() }
                let total = Int64(count)
                let paths = try SampleBundles.generate(
                    form: form, catalog: try schemaOptions.catalog(), count: count, directory: out,
                    signer: signer, seed: seed, scale: small ? .small : .full
                ) { done in bar.update(Int64(done), total) }
                if common.format != .text {
                    Terminal.json(["bundles": paths])
                } else {
                    Terminal.out(common.language == .zh ? "已生成 \(paths.count) 个签名样例申请包于 \(out)" : "Generated \(paths.count) signed sample bundles in \(out)")
                }
            }
        }
    }
}
