import ArgumentParser
import Logging
import MDCore
import MDDaemon
import MDIngest
import MDTrajectory
import MDWire
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// `soaplens attach`: bridges a running LAMMPS (`fix imd`) onto the frame stream.
struct AttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to a running LAMMPS over IMD (fix imd, v2 or v3) and publish its frames.",
        discussion: """
            Connects to LAMMPS's `fix imd` port (retrying until LAMMPS listens), sends GO at \
            once, and publishes every frame as a wire-protocol frame on an XPUB (--publish, \
            default tcp://127.0.0.1:5555) or PUSH (--push) socket it binds; `soaplens run` \
            subscribes. IMD sends atoms in ascending tag order and no ids or types: give \
            --topology DATAFILE and --species 1=Cu so the frames are the same as from a dump. \
            Each LAMMPS connection is a run; when LAMMPS closes it, attach connects again \
            (unless --once). SIGINT/SIGTERM detach with IMD DISCONNECT: with v3 and \
            `nowait no` LAMMPS then waits for the next client; only v2 with `nowait yes` runs \
            on. See docs/lammps.md.
            """)

    @OptionGroup var imd: IMDArguments

    @Option(name: .long, help: "Map numeric types to elements, e.g. 1=Cu,2=O (default: the data file's type labels, else type<N>).")
    var species: String?

    @Option(name: .long, help: "Bind an XPUB socket here (lossy PUB/SUB; default tcp://127.0.0.1:5555).")
    var publish: String?

    @Option(name: .long, help: "Bind a PUSH socket here instead (the daemon uses --pull); with --overflow wait, lossless.")
    var push: String?

    @Flag(name: .long, help: "Exit when LAMMPS closes the connection instead of waiting for the next run on the port.")
    var once = false

    @Flag(name: .long, help: "Attach at once instead of waiting for a subscriber first.")
    var noWait = false

    @Option(name: .long, help: "Give up waiting for a subscriber after this many seconds.")
    var waitTimeout: Double?

    @Option(name: .long, help: "Run id of the first connection (later ones add -2, -3, …; default imd-HOST-PORT-<time>-<pid>).")
    var runId: String?

    @Flag(name: .long, help: "Print 'endpoint <resolved endpoint>' on stdout once bound (for tcp://127.0.0.1:*).")
    var printEndpoint = false

    @Option(name: .long, help: "Write the bridge's counters as JSON to this file on exit.")
    var summaryJson: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if imd.imd == nil { throw ValidationError("--imd HOST:PORT is required (the port of LAMMPS's `fix imd`)") }
        if publish != nil && push != nil { throw ValidationError("give --publish or --push, not both") }
        if imd.overflow == .wait && push == nil {
            throw ValidationError("--overflow wait (lossless) needs --push: a PUB socket drops for slow subscribers whatever the mode")
        }
    }

    func run() throws {
        let logger = try global.makeLogger("soaplens.attach")
        let options = try imd.bridgeOptions(species: speciesMapArgument(species), reconnect: !once, runID: runId)
        let stopFlag = StopFlag()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { stopFlag.set() }
        let context = try ZMQContext()
        let driver: IMDAttachDriver
        do {
            driver = try IMDAttachDriver(
                context: context, options: options, mode: push != nil ? .push : .publish,
                endpoint: push ?? publish ?? WireProtocol.defaultFrameEndpoint, waitForSubscriber: !noWait,
                waitTimeout: waitTimeout, logger: logger)
        } catch {
            OutputSink.standardError.write("soaplens attach: error: \(error)")
            throw ExitCode.failure
        }
        if printEndpoint { OutputSink.standardOutput.write("endpoint \(driver.endpoint)") }
        var failed = false
        do {
            try driver.run(stop: stopFlag)
        } catch {
            OutputSink.standardError.write("soaplens attach: error: \(error)")
            failed = true
        }
        driver.close()
        let s = driver.statistics
        logger.info("attach done", metadata: [
            "sessions": "\(s.sessions)", "frames_read": "\(s.framesRead)", "published": "\(s.framesPublished)",
            "dropped": "\(s.framesDropped)", "MB": "\(Report.fixed(Double(s.bytesRead) / 1e6, 1))"])
        if let summaryJson {
            SummaryJSON.write(DaemonSummary.IMDCounts(address: options.address.description, overflow: options.overflow.rawValue, statistics: s), to: summaryJson, logger: logger)
        }
        withExtendedLifetime(signals) {}
        if failed { throw ExitCode.failure }
    }
}
