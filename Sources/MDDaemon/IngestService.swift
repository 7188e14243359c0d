import Foundation
import Logging
import MDCore
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
    private let alertsEndpointBox = Mutex<String?>(nil)

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

    /// The alert socket's bound endpoint (port resolved), once running.
    public var alertsEndpoint: String? { alertsEndpointBox.withLock { $0 } }

    public func run() async throws {
        try await DedicatedThread.run(named: "soaplens-ingest") { [self] stop in try self.receiveLoop(stop: stop) }
    }

    /// The blocking loop; runs on the ingest thread. Public for tests that drive it directly.
    public func receiveLoop(stop: StopFlag) throws {
        let started = WallClock.monotonic()
        // The model and its settings are checked before any socket is opened.
        let online = try options.online.map { try OnlineAnalysis(options: $0, logger: logger) }
        let (publisher, alerts) = try openAlerts(online: online, stop: stop)
        var announced = Set<String>()
        // With --imd, frames come from the in-process IMD bridge instead of a remote publisher.
        let imd = try options.imd.map { try IMDInProcessBridge(context: context, options: $0, queueFrames: options.imdQueueFrames) }
        var subscriberOptions = options.subscriber
        if let imd {
            subscriberOptions.mode = .pull
            subscriberOptions.endpoint = imd.endpoint
            subscriberOptions.bind = false
            subscriberOptions.receiveHighWaterMark = 1
        }
        let subscriber = try FrameSubscriber(context: context, options: subscriberOptions)
        endpointBox.withLock { $0 = options.imd.map { "imd://\($0.address)" } ?? subscriber.endpoint }
        if let imd, let o = options.imd {
            imd.start(stop: stop, logger: logger)
            logger.info("attaching to LAMMPS over IMD", metadata: [
                "imd": "\(o.address)", "overflow": "\(o.overflow.rawValue)", "queue_frames": "\(options.imdQueueFrames)",
                "trate": "\(o.rate.map { "\($0)" } ?? "LAMMPS's")"])
        } else {
            logger.info(
                "receiving frames",
                metadata: ["endpoint": "\(subscriber.endpoint)", "mode": "\(options.subscriber.mode.rawValue)",
                           "bind": "\(options.subscriber.bind)"])
        }
        // systemd (Type=notify): ready once the model is loaded and the sockets are open.
        let notifier = SystemdNotifier.fromEnvironment()
        let watchdog = SystemdWatchdog(notifier: notifier)
        if case .failed(let e) = notifier.ready(status: "receiving frames on \(endpointBox.withLock { $0 } ?? subscriber.endpoint)" + (publisher.map { "; alerts on \($0.endpoint)" } ?? "")) {
            logger.warning("sd_notify READY failed", metadata: ["error": "\(e)"])
        }
        defer { _ = notifier.stopping() }
        var loggedRejections = 0
        var lensStages: [String: LensStage] = [:]
        var lensCounts = DaemonSummary.LensCounts()
        defer {
            imd?.stopAndJoin()
            online?.finishAll()
            if let online { alerts?.finishAll(analysis: online) }
            try? publisher?.drainSubscriptions()
            let summary = DaemonSummary(
                statistics: subscriber.statistics, runs: subscriber.tracker.orderedRuns,
                duration: WallClock.monotonic() - started, lens: options.lens == nil ? nil : lensCounts, online: online?.counts,
                alerts: alerts?.summary, imd: imd?.counts)
            summaryBox.withLock { $0 = summary }
            output.write(summary.text)
            if let path = options.summaryJSONPath { SummaryJSON.write(summary, to: path, logger: logger) }
            subscriber.close()
            publisher?.close()
        }
        try subscriber.run(until: {
            _ = watchdog.pingIfDue()
            // An IMD bridge that gave up (an unusable session, no LAMMPS in time) ends the daemon.
            return stop.isSet || imd?.failed != nil
        }) { event in
            switch event {
            case let .frame(frame, receipt):
                var lensText = ""
                var lensJSON: [String: Any] = [:]
                if let settings = options.lens {
                    let (raw, smoothed) = lensStep(
                        frame, receipt, settings: settings, stages: &lensStages, counts: &lensCounts)
                    if let raw, let stage = lensStages[frame.runID] {
                        lensText += " lens(step \(raw.step)) " + Report.lensText(raw.values, ids: stage.centreIDs)
                        lensJSON["lens"] = Report.lensObject(raw.step, raw.values, ids: stage.centreIDs)
                    }
                    if let last = smoothed.last, let stage = lensStages[frame.runID] {
                        lensText += " smoothed(step \(last.step)) " + Report.lensText(last.values, ids: stage.centreIDs)
                        lensJSON["lens_smoothed"] = smoothed.map { Report.lensObject($0.step, $0.values, ids: stage.centreIDs) }
                    }
                }
                switch options.reportReceivedFrames ? options.report : .none {
                case .text: output.write(Report.textLine(frame, receipt) + lensText)
                case .jsonl: output.write(Report.jsonLine(frame, receipt, extra: lensJSON))
                case .none: break
                }
                if let online {
                    alerts?.noteFrame(run: frame.runID, sequence: frame.sequence)
                    for result in online.consume(frame) {
                        report(result, analysis: online, announced: &announced)
                        alerts?.process(result, analysis: online)
                    }
                    try? publisher?.drainSubscriptions()
                }
                if receipt.gapBefore > 0 {
                    logger.warning("frames lost", metadata: ["run": "\(frame.runID)", "seq": "\(frame.sequence)", "lost": "\(receipt.gapBefore)"])
                }
            case let .segmentStart(run, implicit):
                logger.info("run started", metadata: ["run": "\(run.runID)", "announced": "\(!implicit)", "source": "\(run.source ?? "-")"])
            case let .segmentEnd(run):
                online?.endRun(run.runID)
                if let online { alerts?.endRun(run.runID, analysis: online) }
                if let stage = lensStages.removeValue(forKey: run.runID) {
                    finishLens(stage, run: run.runID, counts: &lensCounts)
                }
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
        if let failure = imd?.failed { throw StageError("IMD: \(failure)") }
    }

    /// The alert socket (bound before any frame is read), the journal and the dispatcher; with
    /// a model, the rules are resolved now so that a rule naming a cluster the model lacks stops
    /// the daemon at start. Waits for the configured number of subscribers.
    private func openAlerts(online: OnlineAnalysis?, stop: StopFlag) throws -> (TopicPublisher?, AlertDispatch?) {
        guard let a = options.alerts, let online else { return (nil, nil) }
        let journal = try a.journalPath.map { try AlertJournal(path: $0) }
        let publisher: TopicPublisher
        do {
            publisher = try TopicPublisher(context: context, endpoint: a.endpoint)
        } catch {
            throw StageError("cannot bind the alert endpoint \(a.endpoint): \(error.message) (another daemon on it? give --alerts or [endpoints] alerts)")
        }
        let dispatch = AlertDispatch(rules: a.rules, statsEvery: a.statsEvery, publisher: publisher, journal: journal, logger: logger)
        if let model = online.model {
            do {
                try dispatch.prepare(model: model, macroNames: online.macroNames)
            } catch {
                publisher.close()
                throw error
            }
        }
        alertsEndpointBox.withLock { $0 = publisher.endpoint }
        logger.info("publishing alerts", metadata: [
            "endpoint": "\(publisher.endpoint)", "daemon_id": "\(dispatch.daemonID)", "rules": "\(a.rules.rules.map(\.name).joined(separator: ","))",
            "journal": "\(a.journalPath ?? "-")"])
        if a.awaitSubscribers > 0 {
            logger.info("waiting for alert subscribers", metadata: ["count": "\(a.awaitSubscribers)", "timeout_s": "\(a.awaitTimeoutSeconds.map { "\($0)" } ?? "none")"])
            if try !publisher.waitForSubscribers(a.awaitSubscribers, covering: "alert.", timeoutSeconds: a.awaitTimeoutSeconds, stop: { stop.isSet }) {
                logger.warning("going on without all alert subscribers", metadata: ["subscribers": "\(publisher.subscriptions(covering: "alert."))", "wanted": "\(a.awaitSubscribers)"])
            }
        }
        return (publisher, dispatch)
    }

    /// Writes an analysed frame's report (and, before a run's first, its start line).
    private func report(_ f: OnlineFrame, analysis: OnlineAnalysis, announced: inout Set<String>) {
        switch options.report {
        case .text:
            if announced.insert(f.runID).inserted {
                output.write("online run=\(f.runID): \(f.centreIDs.count) centres, model \(analysis.modelID ?? "-"), every \(analysis.stride(of: f.runID)) frame(s), results lag \(f.lagFrames) frames (\(Report.fixed(f.lagPS, 3)) ps)")
            }
            output.write(OnlineReport.textLine(f, macroNames: analysis.macroNames))
        case .jsonl:
            if announced.insert(f.runID).inserted {
                output.write(OnlineReport.startLine(
                    run: f.runID, centreIDs: f.centreIDs, macroNames: analysis.macroNames, modelID: analysis.modelID,
                    stride: analysis.stride(of: f.runID), warning: f.warning))
            }
            output.write(OnlineReport.jsonLine(f, modelID: analysis.modelID, perAtom: analysis.options.perAtomReport))
        case .none:
            break
        }
    }

    /// Feeds one frame to its run's LENS stage (created on the run's first frame). A gap
    /// before the frame ends the current stretch first, so no interval spans lost frames.
    private func lensStep(
        _ frame: Frame, _ receipt: FrameReceipt, settings: LensSettings, stages: inout [String: LensStage],
        counts: inout DaemonSummary.LensCounts
    ) -> (LensStage.Row?, [LensStage.Row]) {
        do {
            if stages[frame.runID] == nil {
                stages[frame.runID] = try LensStage(first: frame, settings: settings)
                counts.runs += 1
                logger.info("LENS on", metadata: [
                    "run": "\(frame.runID)", "centres": "\(stages[frame.runID]!.centreIDs.count)",
                    "environment": "\(stages[frame.runID]!.environmentIDs.count)", "r_cut": "\(settings.cutoff)",
                    "smoothing_lag_frames": "\(settings.resultLagFrames)"])
            }
            let stage = stages[frame.runID]!
            var smoothed: [LensStage.Row] = []
            if receipt.gapBefore > 0 {
                counts.gap_resets += 1
                logger.warning("LENS reset at a sequence gap: no interval spans the lost frames", metadata: [
                    "run": "\(frame.runID)", "seq": "\(frame.sequence)", "lost": "\(receipt.gapBefore)"])
                do {
                    smoothed += try stage.breakSequence()
                } catch let short as LensStage.ShortStretch {
                    logger.warning("LENS stretch before the gap too short to smooth", metadata: ["intervals": "\(short.rows)", "window": "\(short.window)"])
                }
            }
            let out = try stage.consume(frame)
            smoothed += out.smoothed
            if out.raw != nil { counts.intervals += 1 }
            counts.smoothed_rows += smoothed.count
            return (out.raw, smoothed)
        } catch {
            logger.error("LENS failed for this frame", metadata: ["run": "\(frame.runID)", "seq": "\(frame.sequence)", "error": "\(error)"])
            return (nil, [])
        }
    }

    private func finishLens(_ stage: LensStage, run: String, counts: inout DaemonSummary.LensCounts) {
        do {
            let rows = try stage.finish()
            counts.smoothed_rows += rows.count
            if let last = rows.last, options.report == .text {
                output.write("lens run=\(run) end: \(rows.count) final smoothed rows, last (step \(last.step)) " + Report.lensText(last.values, ids: stage.centreIDs))
            }
        } catch let short as LensStage.ShortStretch {
            logger.warning("LENS run too short to smooth", metadata: ["run": "\(run)", "intervals": "\(short.rows)", "window": "\(short.window)"])
        } catch {
            logger.error("LENS finish failed", metadata: ["run": "\(run)", "error": "\(error)"])
        }
    }
}
