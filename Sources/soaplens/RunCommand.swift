import ArgumentParser
import Logging
import MDDaemon
import MDIngest
import MDTrajectory
import MDWire
import ServiceLifecycle
import ZeroMQ

/// `soaplens run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Receive frames over ZeroMQ, validate them and report each one.",
        discussion: """
            The daemon connects to a publisher that binds (soaplens replay, the Python \
            publisher, later attach). PUB/SUB is lossy (a slow daemon never stalls the engine; \
            losses are counted as gaps); PUSH/PULL is lossless. On SIGINT/SIGTERM, or after a \
            run's end with --exit-on-end, it prints a summary (frames, gaps, rejected by reason, \
            frames/s, latency p50/p99) and exits.
            """)

    @Option(name: .long, help: "Connect a SUB socket to this endpoint (default tcp://127.0.0.1:5555).")
    var subscribe: String?

    @Option(name: .long, help: "Connect a PULL socket to this endpoint instead (lossless).")
    var pull: String?

    @Flag(name: .long, help: "Bind the endpoint instead of connecting (when the engine side connects).")
    var bind = false

    @Flag(name: .long, help: "Exit after the first run's end message.")
    var exitOnEnd = false

    @Flag(name: .long, help: "Report each frame as a JSON line instead of text.")
    var jsonl = false

    @Flag(name: .long, help: "No per-frame report, only the summary.")
    var quiet = false

    @Option(name: .long, help: "Write the summary as JSON to this file on exit.")
    var summaryJson: String?

    @Option(name: .long, help: "Messages queued in the socket before ZeroMQ drops (SUB) or blocks the publisher (PULL).")
    var highWaterMark: Int32 = 1000

    @Option(name: .long, help: "Largest accepted message, MB; larger ones are dropped by ZeroMQ.")
    var maxMessageMb: Int64 = 2048

    @Flag(name: .long, help: "Compute LENS online for every run (raw and Savitzky–Golay smoothed; see --rcut, --centres, --window).")
    var lens = false

    @OptionGroup(title: "LENS options") var lensOptions: LensArguments

    @Option(name: .long, help: "Map numeric types to elements for 'type N' selections, e.g. 1=Cu.")
    var species: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if subscribe != nil && pull != nil { throw ValidationError("give --subscribe or --pull, not both") }
        if jsonl && quiet { throw ValidationError("--jsonl and --quiet exclude each other") }
        guard highWaterMark > 0 else { throw ValidationError("--high-water-mark must be > 0") }
        guard maxMessageMb > 0 else { throw ValidationError("--max-message-mb must be > 0") }
    }

    private func typeNames() throws -> [Int: String] {
        guard let species else { return [:] }
        do {
            return try SourceOptions.parseSpeciesMap(species)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() async throws {
        let logger = try global.makeLogger("soaplens.run")
        let mode: FrameSubscriber.Mode = pull != nil ? .pull : .subscribe
        let endpoint = pull ?? subscribe ?? WireProtocol.defaultFrameEndpoint
        let options = DaemonOptions(
            subscriber: FrameSubscriber.Options(
                mode: mode, endpoint: endpoint, bind: bind, receiveHighWaterMark: highWaterMark,
                maxMessageBytes: maxMessageMb * 1_000_000),
            exitOnEnd: exitOnEnd, report: jsonl ? .jsonl : (quiet ? .none : .text), summaryJSONPath: summaryJson,
            lens: lens ? try lensOptions.settings(typeNames: typeNames()) : nil)
        let context = try ZMQContext()
        let service = IngestService(options: options, context: context, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        withExtendedLifetime(context) {}
    }
}
