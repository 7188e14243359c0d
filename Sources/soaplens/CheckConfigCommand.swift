import ArgumentParser
import MDDaemon

/// `soaplens check-config`: validates a system configuration without running anything.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a system configuration file (with any overrides) and say what it configures.",
        discussion: "Errors name the file, the line and the key. Exit status 0 when valid, 1 otherwise. See docs/configuration.md.")

    @Argument(help: "The system configuration (TOML), e.g. configs/cu211.toml.")
    var file: String

    @OptionGroup var overrides: ConfigurationArguments

    func run() throws {
        do {
            let c = try overrides.load(path: file)
            OutputSink.standardOutput.write(c.checkReport())
        } catch {
            OutputSink.standardError.write("soaplens check-config: error: \(error)")
            throw ExitCode.failure
        }
    }
}
