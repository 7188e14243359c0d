import ArgumentParser
import Logging
import MDConfiguration
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
        abstract: "Receive frames over ZeroMQ and assign every centre of every frame against a fitted model.",
        discussion: """
            The daemon connects to a publisher that binds (soaplens replay, soaplens attach, the \
            Python publishers). PUB/SUB is lossy (a slow daemon never stalls the engine; \
            losses are counted as gaps); PUSH/PULL is lossless. With --imd HOST:PORT it reads \
            a running LAMMPS's `fix imd` stream itself, on a thread of its own (see soaplens \
            attach --help and docs/lammps.md).

            With --model (and --config, default the model's own configuration) every frame \
            goes through SOAP, LENS, smoothing, the model's PCA and clustering: each analysed \
            frame is reported with the micro and macro cluster, smoothed LENS and novelty of \
            every centre, ⌊window/2⌋ + lag frames after it arrived (the smoothing needs them). \
            Settings that differ from the model's are refused at start. The frame spacing is \
            measured: equal to the model's, every frame is analysed; a whole fraction of it, \
            every k-th; otherwise the run is refused unless --accept-interval. With --bootstrap N \
            and no model, one is learnt from the first N frames (--write-model) and used from \
            then on. See docs/online.md.

            On SIGINT/SIGTERM, or after a run's end with --exit-on-end, it prints a summary \
            (frames, gaps, rejected by reason, frames/s, latency p50/p99, the online runs) and exits.
            """)

    @Option(name: .long, help: "Connect a SUB socket to this endpoint (default: [endpoints] frames, else tcp://127.0.0.1:5555).")
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

    @Flag(name: .long, help: "No line per received frame; analysed frames (with --model or --bootstrap) are still reported.")
    var quietFrames = false

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

    @Option(name: .long, help: "The fitted model (soaplens fit -o) to assign every frame against.")
    var model: String?

    @Option(name: .long, help: "The system configuration (TOML); default: the model's own.")
    var config: String?

    @Option(name: .long, help: "Without a model: learn one from the first N frames of the first run, then go on with it.")
    var bootstrap: Int?

    @Option(name: .long, help: "Where --bootstrap writes the model it learns.")
    var writeModel: String?

    @Option(name: .long, help: "Write the labels of every analysed frame here (layout of fit --labels); {run} in the name gives one file per run.")
    var labels: String?

    @Flag(name: .long, help: "Analyse runs whose frame spacing does not fit the model's, with a warning in every message.")
    var acceptInterval = false

    @Option(name: .long, help: "Analysed frames of label history kept per atom.")
    var history: Int = 64

    @Option(name: .long, help: "Measure drift (live PCA vs the model's) every N analysed frames; 0: never.")
    var driftEvery: Int = 10

    @Option(name: .long, help: "SOAP worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Leave the per-atom arrays out of the JSON lines of analysed frames.")
    var noAtoms = false

    @Option(name: .long, help: "Bind the alert socket here (topics alert.<rule> and stats; default: [endpoints] alerts, else tcp://127.0.0.1:5556; tcp://127.0.0.1:* picks a free port).")
    var alerts: String?

    @Option(name: .long, help: "Append every alert published to this journal, one JSON line each, before sending it (default: [logging] alerts_jsonl).")
    var alertsJsonl: String?

    @Option(name: .long, help: "A stats message every N analysed frames of a run; 0: only at its end (default: [endpoints] stats_every).")
    var statsEvery: Int?

    @Option(name: .long, help: "Before reading frames, wait until N subscribers have subscribed to the alert socket.")
    var awaitSubscribers: Int = 0

    @Option(name: .long, help: "How long --await-subscribers waits, s; then the daemon goes on.")
    var awaitTimeout: Double = 30

    @OptionGroup(title: "IMD: attach to a running LAMMPS from inside the daemon") var imd: IMDArguments

    @Option(name: .long, help: "With --imd: frames queued between the IMD reader and the analysis before --overflow decides.")
    var imdQueue: Int32 = 16

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if subscribe != nil && pull != nil { throw ValidationError("give --subscribe or --pull, not both") }
        if imd.imd != nil && (subscribe != nil || pull != nil || bind) {
            throw ValidationError("--imd reads frames from LAMMPS itself: give it or --subscribe/--pull/--bind, not both")
        }
        if imd.imd == nil && (imd.topology != nil || imd.trate != nil || imd.dt != nil) {
            throw ValidationError("--topology, --trate and --dt belong to --imd HOST:PORT")
        }
        if imdQueue < 1 { throw ValidationError("--imd-queue must be ≥ 1 frame") }
        if jsonl && quiet { throw ValidationError("--jsonl and --quiet exclude each other") }
        guard highWaterMark > 0 else { throw ValidationError("--high-water-mark must be > 0") }
        guard maxMessageMb > 0 else { throw ValidationError("--max-message-mb must be > 0") }
        if model != nil && bootstrap != nil { throw ValidationError("give --model or --bootstrap, not both") }
        if bootstrap != nil && (writeModel == nil || config == nil) { throw ValidationError("--bootstrap needs --config and --write-model") }
        if model == nil && bootstrap == nil && (config != nil || labels != nil || writeModel != nil) {
            throw ValidationError("--config, --labels and --write-model belong to the online analysis: give --model or --bootstrap")
        }
        if let bootstrap, bootstrap < 2 { throw ValidationError("--bootstrap must be ≥ 2 frames") }
        if history < 1 { throw ValidationError("--history must be ≥ 1") }
        if driftEvery < 0 { throw ValidationError("--drift-every must be ≥ 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
        if lens && (model != nil || bootstrap != nil) { throw ValidationError("--lens is the LENS-only report; the online analysis computes LENS itself") }
        if model == nil && bootstrap == nil && (alerts != nil || alertsJsonl != nil || statsEvery != nil || awaitSubscribers > 0) {
            throw ValidationError("--alerts, --alerts-jsonl, --stats-every and --await-subscribers belong to the online analysis: give --model or --bootstrap")
        }
        if let statsEvery, statsEvery < 0 { throw ValidationError("--stats-every must be ≥ 0") }
        if awaitSubscribers < 0 { throw ValidationError("--await-subscribers must be ≥ 0") }
        if !(awaitTimeout > 0) { throw ValidationError("--await-timeout must be > 0 s") }
    }

    /// The alert socket, rules and journal: the configuration's, with the command line's overrides.
    private func alertOptions(_ c: SystemConfiguration) -> AlertOptions {
        AlertOptions(
            endpoint: alerts ?? c.endpoints.alerts, rules: c.rules, statsEvery: statsEvery ?? c.endpoints.statsEvery,
            journalPath: alertsJsonl ?? c.logging.alertsJSONL, awaitSubscribers: awaitSubscribers, awaitTimeoutSeconds: awaitTimeout)
    }

    /// The online analysis settings, or nil without --model / --bootstrap.
    private func onlineOptions() throws -> OnlineOptions? {
        guard model != nil || bootstrap != nil else { return nil }
        let configuration: SystemConfiguration
        do {
            if let config {
                configuration = try SystemConfiguration.load(path: config)
            } else {
                configuration = try OnlineOptions.configuration(ofModel: model!)
            }
        } catch {
            throw ValidationError("\(error)")
        }
        if configuration.features.mode.usesSoap, let warning = SoapLensBuild.soapBuildWarning {
            OutputSink.standardError.write("soaplens run: note: \(warning)")
        }
        return OnlineOptions(
            configuration: configuration, modelPath: model, bootstrapFrames: bootstrap, bootstrapOutput: writeModel, labelsPath: labels,
            acceptIntervalMismatch: acceptInterval, historyDepth: history, driftEvery: driftEvery, threads: threads,
            typeNames: try typeNames(), perAtomReport: !noAtoms)
    }

    private func typeNames() throws -> [Int: String] { try speciesMapArgument(species) }

    func run() async throws {
        let online = try onlineOptions()
        let configuration = online?.configuration
        let logger = try global.makeLogger("soaplens.run", configured: configuration?.logging.level)
        // Frames: the command line, else the configuration's [endpoints], else the default.
        let mode: FrameSubscriber.Mode
        let endpoint: String
        if pull != nil || subscribe != nil {
            mode = pull != nil ? .pull : .subscribe
            endpoint = pull ?? subscribe!
        } else if let e = configuration?.endpoints {
            mode = e.framesMode == .pull ? .pull : .subscribe
            endpoint = e.frames
        } else {
            mode = .subscribe
            endpoint = WireProtocol.defaultFrameEndpoint
        }
        let bindFrames = bind || (pull == nil && subscribe == nil && configuration?.endpoints.framesBind == true)
        var options = DaemonOptions(
            subscriber: FrameSubscriber.Options(
                mode: mode, endpoint: endpoint, bind: bindFrames, receiveHighWaterMark: highWaterMark,
                maxMessageBytes: maxMessageMb * 1_000_000),
            exitOnEnd: exitOnEnd, report: jsonl ? .jsonl : (quiet ? .none : .text),
            summaryJSONPath: summaryJson ?? configuration?.logging.summaryJSON,
            lens: lens ? try lensOptions.settings(typeNames: typeNames()) : nil, online: online,
            alerts: configuration.map(alertOptions))
        options.reportReceivedFrames = !quietFrames
        if imd.imd != nil {
            // One LAMMPS run with --exit-on-end; else every LAMMPS run on the port, each its own run.
            options.imd = try imd.bridgeOptions(species: try typeNames(), reconnect: !exitOnEnd, runID: nil)
            options.imdQueueFrames = imdQueue
        }
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
