import ArgumentParser
import MDDaemon

/// The `soaplens` command: a streaming SOAP & LENS analysis daemon for molecular dynamics.
@main
struct SoapLens: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soaplens",
        abstract: "Streaming SOAP & LENS analysis of molecular-dynamics runs.",
        discussion: """
            Frames arrive over ZeroMQ from a live engine or from `soaplens replay`. Publishers \
            bind (default tcp://127.0.0.1:5555); the daemon connects. See docs/wire-protocol.md.
            """,
        version: SoapLensBuild.version,
        subcommands: [RunCommand.self, AttachCommand.self, ListenCommand.self, ReplayCommand.self, DescribeCommand.self, FitCommand.self, CheckConfigCommand.self]
    )
}
