import ArgumentParser
import Logging
import MDDaemon
import ServiceLifecycle
import ZeroMQ

/// `soaplens listen`: the alert subscriber and logger.
struct ListenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "listen",
        abstract: "Subscribe to the daemon's alerts and keep a durable, gap-accounted log of them.",
        discussion: """
            Connects a SUB socket to the daemon's alert endpoint (soaplens run binds it), \
            subscribes to the --topic prefixes (default alert.) and to stats, and logs every \
            alert verbatim, one JSON line each, to --jsonl FILE (appended, fsync per --fsync, \
            rotated at --rotate-mb, keeping --keep old files). A line per alert goes to stdout \
            for journald unless --quiet. Gaps in alert_seq, alerts the daemon's stats say were \
            published but never arrived, and daemon restarts are written to stderr and recorded \
            in the log as "gap" / "daemon_restart" lines. On start the log is read back, so \
            alerts published while the listener was away count as a gap. --from-log FILE replays \
            a log instead of a socket. On SIGINT/SIGTERM it syncs the log and prints a summary. \
            See docs/listen.md.
            """)

    @Option(name: .long, help: "The daemon's alert endpoint to connect to (default tcp://127.0.0.1:5556).")
    var subscribe: String?

    @Option(name: .long, help: "Topic prefix to subscribe to (repeatable; default alert.). Gaps are only counted when the prefixes cover every alert.")
    var topic: [String] = []

    @Option(name: .long, help: "Log file (JSON lines); '-' writes the verbatim lines to stdout instead of the human lines.")
    var jsonl: String?

    @Option(name: .long, help: "Rotate the log before it would exceed N MB (10^6 bytes); 0: never.")
    var rotateMb: Double = 100

    @Option(name: .long, help: "Rotated log files kept (FILE.1 … FILE.K).")
    var keep: Int = 5

    @Option(name: .long, help: "When log lines reach the disk: line (after every line), second, never (only on exit and rotation).")
    var fsync: String = "line"

    @Option(name: .long, help: "Replay this log instead of a socket: print its alerts, recompute gaps and restarts, print the summary.")
    var fromLog: String?

    @Flag(name: .long, help: "Also log the daemon's stats messages (and print a line for each).")
    var stats = false

    @Flag(name: .long, help: "No line per alert on stdout, only the summary.")
    var quiet = false

    @Option(name: .long, help: "Write the summary as JSON to this file on exit.")
    var summaryJson: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if fromLog != nil && subscribe != nil { throw ValidationError("give --subscribe or --from-log, not both") }
        if fromLog != nil, let jsonl, jsonl != "-" {
            throw ValidationError("with --from-log, --jsonl takes only '-' (the verbatim lines on stdout)")
        }
        if jsonl == "-" && quiet { throw ValidationError("--jsonl - and --quiet exclude each other") }
        guard rotateMb >= 0, rotateMb.isFinite else { throw ValidationError("--rotate-mb must be ≥ 0") }
        if keep < 0 { throw ValidationError("--keep must be ≥ 0") }
        if AlertLogFile.FsyncPolicy(rawValue: fsync) == nil {
            throw ValidationError("unknown --fsync '\(fsync)'; use line, second or never")
        }
        if let jsonl, jsonl.isEmpty { throw ValidationError("--jsonl needs a file name or '-'") }
    }

    func run() async throws {
        let logger = try global.makeLogger("soaplens.listen")
        let log: AlertListenerOptions.LogTarget =
            switch jsonl {
            case nil: .none
            case "-"?: .standardOutput
            case let path?: .file(path)
            }
        let options = AlertListenerOptions(
            endpoint: subscribe ?? AlertListenerOptions.defaultEndpoint, topics: topic.isEmpty ? ["alert."] : topic,
            logStats: stats, log: log, rotateBytes: Int64(rotateMb * 1_000_000), keep: keep,
            fsync: AlertLogFile.FsyncPolicy(rawValue: fsync)!, quiet: quiet, summaryJSONPath: summaryJson)
        if let fromLog {
            do {
                _ = try AlertListener.replayLog(path: fromLog, options: options, logger: logger)
            } catch let error as AlertLogFile.FileError {
                throw ValidationError(error.description)
            }
            return
        }
        let context = try ZMQContext()
        let service = AlertListener(options: options, context: context, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
        withExtendedLifetime(context) {}
    }
}
