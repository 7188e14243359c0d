import Logging
import MDCore
import MDIngest
import MDTrajectory
import MDWire
import ZeroMQ

#if canImport(Glibc)
import Glibc
#endif

/// Streams trajectory files into the wire protocol: opens each file with its reader, assigns
/// the run id and sequence numbers, paces, and publishes `segment-start`, the frames and
/// `end`. Memory is one frame, whatever the files' length. Blocking: call ``run(stop:)`` on a
/// thread of its own.
public final class ReplayDriver {
    public let options: ReplayOptions
    private let publisher: FramePublisher
    private let logger: Logger

    /// The bound endpoint (resolved when the request was `tcp://127.0.0.1:*`).
    public var endpoint: String { publisher.endpoint }

    /// Binds the publisher at once, so the endpoint is known before ``run(stop:)``.
    public init(context: ZMQContext, options: ReplayOptions, logger: Logger) throws {
        guard !options.files.isEmpty else { throw ReplayError("no trajectory file given") }
        guard options.stride >= 1 else { throw ReplayError("--stride must be ≥ 1, got \(options.stride)") }
        guard options.start >= 0 else { throw ReplayError("--start must be ≥ 0, got \(options.start)") }
        if let stop = options.stop, stop <= options.start {
            throw ReplayError("--stop (\(stop)) must be greater than --start (\(options.start))")
        }
        if let rate = options.rate, !(rate > 0) { throw ReplayError("--rate must be > 0 frames/s, got \(rate)") }
        if options.loop && options.follow { throw ReplayError("--loop and --follow exclude each other") }
        for file in options.files where access(file, R_OK) != 0 {
            throw ReplayError("\(file): cannot open: \(String(cString: strerror(errno)))")
        }
        self.options = options
        self.logger = logger
        publisher = try FramePublisher(context: context, mode: options.mode, endpoint: options.endpoint)
    }

    /// Replays until the files end (every pass, with `--loop` until stopped) or `stop` is set.
    public func run(stop: StopFlag) throws -> ReplaySummary {
        var summary = ReplaySummary()
        if options.waitForSubscriber,
            try !publisher.awaitSubscriber(timeoutSeconds: options.waitTimeout, stop: stop, logger: logger, before: "replaying")
        {
            return summary
        }
        let t0 = WallClock.monotonic()
        let baseRunID = options.runID ?? Self.defaultRunID(for: options.files[0])
        var pass = 0
        repeat {
            try replayPass(runBase: options.loop ? "\(baseRunID)-pass\(pass)" : baseRunID, stop: stop, summary: &summary)
            pass += 1
        } while options.loop && !stop.isSet
        summary.elapsed = WallClock.monotonic() - t0
        summary.bytes = publisher.bytesSent
        return summary
    }

    /// Closes the socket; queued messages are still delivered (linger).
    public func close() { publisher.close() }

    private func replayPass(runBase: String, stop: StopFlag, summary: inout ReplaySummary) throws {
        var runID = runBase
        var seq: UInt64 = 0
        var index = 0  // global frame index over all files
        let paceStart = WallClock.monotonic()
        var published = 0
        try beginRun(runID, source: options.files[0], stop: stop, summary: &summary)
        defer { sendEnd(runID, frames: seq, stop: stop) }
        fileLoop: for (fileIndex, file) in options.files.enumerated() {
            if options.runPerFile && fileIndex > 0 {
                sendEnd(runID, frames: seq, stop: stop)
                runID = "\(runBase)-file\(fileIndex)"
                seq = 0
                try beginRun(runID, source: file, stop: stop, summary: &summary)
            }
            let isLast = fileIndex == options.files.count - 1
            let follow = options.follow && isLast
                ? FollowOptions(pollInterval: options.followPollInterval, stopRequested: { stop.isSet }) : nil
            let reader = try TrajectoryOpener.open(path: file, format: options.format, options: options.source, follow: follow)
            while !stop.isSet {
                if let last = options.stop, index >= last { break fileLoop }
                let wanted = index >= options.start && (index - options.start) % options.stride == 0
                do {
                    if !wanted {
                        guard try reader.skip() else { break }
                        index += 1
                        continue
                    }
                    guard var frame = try reader.next() else { break }
                    index += 1
                    frame.runID = runID
                    frame.sequence = seq
                    if let rate = options.rate {
                        let due = paceStart + Double(published) / rate
                        let wait = due - WallClock.monotonic()
                        if wait > 0 { usleep(UInt32(min(wait, 60) * 1e6)) }
                    }
                    guard try publisher.send(frame, precision: options.precision, until: { stop.isSet }) else { break fileLoop }
                    seq += 1
                    published += 1
                    summary.frames += 1
                } catch let error as TrajectoryError where error.kind == .truncated {
                    let text = "\(error); the frames before it were replayed"
                    logger.warning("\(text)")
                    summary.warnings.append(text)
                    break
                }
            }
        }
    }

    private func beginRun(_ runID: String, source: String, stop: StopFlag, summary: inout ReplaySummary) throws {
        summary.runs.append(runID)
        _ = try publisher.send(
            ControlMessage(kind: .segmentStart, runID: runID, sentAt: WallClock.now(), source: source), until: { stop.isSet })
        logger.info("run started", metadata: ["run": "\(runID)", "source": "\(source)"])
    }

    /// Ends a run. When stopping, waits at most 2 s for room in the socket, so that the
    /// receiver can still learn how many frames the run had.
    private func sendEnd(_ runID: String, frames: UInt64, stop: StopFlag) {
        let giveUp = WallClock.monotonic() + 2
        _ = try? publisher.send(
            ControlMessage(kind: .end, runID: runID, sentAt: WallClock.now(), frames: frames),
            until: { stop.isSet && WallClock.monotonic() > giveUp })
    }

    /// `<file name>-<unix seconds>-<pid>`: unique enough to never mix two replays.
    static func defaultRunID(for file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(name)-\(Int(WallClock.now()))-\(getpid())"
    }
}
