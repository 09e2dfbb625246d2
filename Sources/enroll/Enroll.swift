import ArgumentParser
import EnrollCore
import Foundation

/// `enroll`: offline school-enrollment data collection on files.
@main
struct Enroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Offline school-enrollment data collection: signed application bundles, transfer archives, district import.",
        discussion: """
            义务教育入学信息离线采集：签名申请包、转运归档、区级导入。
            Exit status: 0 all good, 1 something invalid or refused, 2 usage or I/O error.
            """,
        version: EnrollVersion.current,
        subcommands: [
            Keys.self, New.self, Sign.self, Verify.self, Validate.self, Revise.self, Withdraw.self,
            Pack.self, List.self, Unpack.self, Import.self, Review.self, Status.self, Export.self, Trust.self, Log.self,
            Forms.self, Schema.self, Sample.self, Bag.self, Print.self, Numbers.self, Store.self, Schools.self, Station.self, District.self,
        ]
    )

    /// Runs the command, mapping ArgumentParser's usage failures to exit status 2 as the
    /// CLI contract requires (ArgumentParser's own default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
