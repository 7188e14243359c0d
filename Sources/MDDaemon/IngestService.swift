import Foundation
import Logging
import MDIngest
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// The daemon's first service: receives frames on a dedicated thread (blocking socket calls
/// stay off Swift's cooperative pool), validates and tracks them, writes a per-frame report,
/// and on graceful shutdown (SIGINT/SIGTERM through the service group) or, with
/// `exitOnEnd`, on a run's `end` message, prints and saves the summary.
public final class IngestService: Service, Sendable {
    public let options: DaemonOptions
    private let context: ZMQContext
    private let logger: Logger
    private let output: OutputSink
    private let summaryBox = Mutex<DaemonSummary?>(nil)
    private let endpointBox = Mutex<String?>(nil)

    public init(options: DaemonOptions, context: ZMQContext, logger: Logger, output: OutputSink = .standardOutput) {
        self.options = options
        self.context = context
        self.logger = logger
        self.output = output
    }

    /// The summary, once the service has finished.
    public var summary: DaemonSummary? { summaryBox.withLock { $0 } }

    /// The endpoint the subscriber connected or bound to, once running.
    public var endpoint: String? { endpointBox.withLock { $0 } }

    public func run() async throws {
        let stop = StopFlag()
        try await withGracefulShutdownHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let thread = Thread { [self] in
                    do {
                        try self.receiveLoop(stop: stop)
                        continuation.resume()
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                thread.name = "soaplens-ingest"
                thread.start()
            }
        } onGracefulShutdown: {
            stop.set()
        }
    }

    /// The blocking loop; runs on the ingest thread. Public for tests that drive it directly.
    public func receiveLoop(stop: StopFlag) throws {
        let started = WallClock.monotonic()
        let subscriber = try FrameSubscriber(context: context, options: options.subscriber)
        endpointBox.withLock { $0 = subscriber.endpoint }
        logger.info(
            "receiving frames",
            metadata: ["endpoint": "\(subscriber.endpoint)", "mode": "\(options.subscriber.mode.rawValue)",
                       "bind": "\(options.subscriber.bind)"])
        var loggedRejections = 0
        defer {
            let summary = DaemonSummary(
                statistics: subscriber.statistics, runs: subscriber.tracker.orderedRuns,
                duration: WallClock.monotonic() - started)
            summaryBox.withLock { $0 = summary }
            output.write(summary.text)
            if let path = options.summaryJSONPath { writeJSON(summary, to: path) }
            subscriber.close()
        }
        try subscriber.run(until: { stop.isSet }) { event in
            switch event {
            case let .frame(frame, receipt):
                switch options.report {
                case .text: output.write(Report.textLine(frame, receipt))
                case .jsonl: output.write(Report.jsonLine(frame, receipt))
                case .none: break
                }
                if receipt.gapBefore > 0 {
                    logger.warning("frames lost", metadata: ["run": "\(frame.runID)", "seq": "\(frame.sequence)", "lost": "\(receipt.gapBefore)"])
                }
            case let .segmentStart(run, implicit):
                logger.info("run started", metadata: ["run": "\(run.runID)", "announced": "\(!implicit)", "source": "\(run.source ?? "-")"])
            case let .segmentEnd(run):
                var meta: Logger.Metadata = ["run": "\(run.runID)", "frames": "\(run.frames)", "lost": "\(run.gaps)"]
                if let e = run.expectedFrames { meta["published"] = "\(e)" }
                logger.info("run ended", metadata: meta)
                if options.exitOnEnd { return .stop }
            case let .reconnected(endpoint):
                logger.warning("connection lost and re-created (the peer broke the protocol or went away)", metadata: ["endpoint": "\(endpoint)"])
            case let .rejected(code, message):
                loggedRejections += 1
                if loggedRejections <= options.rejectionLogLimit || loggedRejections % 1000 == 0 {
                    logger.warning("message rejected", metadata: ["reason": "\(code)", "detail": "\(message)", "count": "\(loggedRejections)"])
                }
            }
            return .proceed
        }
    }

    private func writeJSON(_ summary: DaemonSummary, to path: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(summary).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.error("cannot write the summary JSON", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
