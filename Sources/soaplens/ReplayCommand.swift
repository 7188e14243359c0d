import ArgumentParser
import Dispatch
import Logging
import MDDaemon
import MDIngest
import MDTrajectory
import MDWire
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// `soaplens replay`: publishes trajectory files as a frame stream.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish trajectory files (LAMMPS dump, extxyz, H5MD) as a frame stream.",
        discussion: """
            Binds (default tcp://127.0.0.1:5555) and, unless --no-wait, waits until a subscriber \
            has joined before the first frame, so a replay into a running daemon is complete. \
            Several files are one continuous run unless --run-per-file. Memory does not grow \
            with the files' length.
            """)

    @Argument(help: "Trajectory files, replayed in order.")
    var files: [String]

    @Option(name: .long, help: "Bind an XPUB socket here (lossy PUB/SUB; default tcp://127.0.0.1:5555).")
    var publish: String?

    @Option(name: .long, help: "Bind a PUSH socket here instead (lossless; the daemon uses --pull).")
    var push: String?

    @Option(name: .long, help: "Frames per second (default: as fast as the socket takes them).")
    var rate: Double?

    @OptionGroup var frames: FrameRangeArguments

    @Flag(name: .long, help: "Start over when done; each pass is a new run id.")
    var loop = false

    @Flag(name: .long, help: "Tail the last file while a running LAMMPS writes it (Ctrl-C ends).")
    var follow = false

    @Flag(name: .long, help: "Send at once instead of waiting for a subscriber.")
    var noWait = false

    @Option(name: .long, help: "Give up waiting for a subscriber after this many seconds.")
    var waitTimeout: Double?

    @Option(name: .long, help: "Run id (default: file name, time and process id).")
    var runId: String?

    @Flag(name: .long, help: "Each file is a run of its own.")
    var runPerFile = false

    @Flag(name: .long, help: "Send coordinates as float32 (half the bytes).")
    var float32 = false

    @Flag(name: .long, help: "Print 'endpoint <resolved endpoint>' on stdout once bound (for tcp://127.0.0.1:*).")
    var printEndpoint = false

    @OptionGroup var source: SourceArguments
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if publish != nil && push != nil { throw ValidationError("give --publish or --push, not both") }
        if loop && follow { throw ValidationError("--loop and --follow exclude each other") }
    }

    func run() throws {
        let logger = try global.makeLogger("soaplens.replay")
        let options = ReplayOptions(
            files: files, format: try source.trajectoryFormat(), source: try source.sourceOptions(),
            mode: push != nil ? .push : .publish,
            endpoint: push ?? publish ?? WireProtocol.defaultFrameEndpoint, rate: rate, start: frames.start, stop: frames.stop,
            stride: frames.stride, loop: loop, follow: follow, waitForSubscriber: !noWait, waitTimeout: waitTimeout,
            runID: runId, runPerFile: runPerFile, precision: float32 ? .float32 : .float64)
        let stopFlag = StopFlag()
        let signals = SignalWatcher(signals: [SIGINT, SIGTERM]) { stopFlag.set() }
        let context = try ZMQContext()
        let driver: ReplayDriver
        do {
            driver = try ReplayDriver(context: context, options: options, logger: logger)
        } catch {
            OutputSink.standardError.write("soaplens replay: error: \(error)")
            throw ExitCode.failure
        }
        if printEndpoint { OutputSink.standardOutput.write("endpoint \(driver.endpoint)") }
        let summary: ReplaySummary
        do {
            summary = try driver.run(stop: stopFlag)
        } catch {
            driver.close()
            OutputSink.standardError.write("soaplens replay: error: \(error)")
            throw ExitCode.failure
        }
        driver.close()
        let mb = Double(summary.bytes) / 1e6
        let fps = summary.elapsed > 0 ? Double(summary.frames) / summary.elapsed : 0
        logger.info(
            "replay done",
            metadata: ["frames": "\(summary.frames)", "MB": "\(Report.fixed(mb, 1))", "seconds": "\(Report.fixed(summary.elapsed, 2))",
                       "frames_per_s": "\(Report.fixed(fps, 1))", "runs": "\(summary.runs.joined(separator: ","))"])
        withExtendedLifetime(signals) {}
    }
}

/// Turns SIGINT/SIGTERM into a callback (the replay loop polls a stop flag).
final class SignalWatcher {
    private var sources: [any DispatchSourceSignal] = []

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        for s in signals {
            signal(s, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }
}
