import Foundation
import Logging
import MDIngest
import MDWire
import ServiceLifecycle
import Synchronization
import ZeroMQ

/// `soaplens listen`: subscribes to the daemon's alert socket and keeps a durable, gap-accounted
/// log of its alerts (docs/listen.md).
///
/// Every alert body is logged verbatim, one line each, so the log equals what the daemon
/// published byte for byte; the listener adds its own `gap`, `daemon_restart` and
/// `restart_frames` lines (``AlertSequenceTracker``) and, with ``AlertListenerOptions/logStats``,
/// the `stats` bodies. Bad messages are counted per reason and never logged. On start the
/// existing log is read back, so alerts published while the listener was away are counted as a
/// gap when it comes back.
///
/// Like ``IngestService``: a `Service` whose blocking receive loop runs on its own thread and
/// polls, so a graceful shutdown (SIGINT/SIGTERM through the service group) is seen within
/// ``AlertListenerOptions/pollMilliseconds``; the log is synced and the summary printed on the way out.
public final class AlertListener: Service, Sendable {
    public let options: AlertListenerOptions
    private let context: ZMQContext
    private let logger: Logger
    private let output: OutputSink
    private let diagnostics: OutputSink
    private let summaryBox = Mutex<AlertListenerSummary?>(nil)
    private let handled = Atomic<Int>(0)
    private let connected = Atomic<Int>(0)

    /// `output` receives the human lines (or the verbatim lines with `--jsonl -`) and the
    /// summary; `diagnostics` the summary when `output` carries JSON lines.
    public init(
        options: AlertListenerOptions, context: ZMQContext, logger: Logger, output: OutputSink = .standardOutput,
        diagnostics: OutputSink = .standardError
    ) {
        self.options = options
        self.context = context
        self.logger = logger
        self.output = output
        self.diagnostics = diagnostics
    }

    /// The summary, once the loop has finished.
    public var summary: AlertListenerSummary? { summaryBox.withLock { $0 } }

    /// Messages taken off the socket so far (alerts, stats and rejected ones): tests wait on it.
    public var messagesHandled: Int { handled.load(ordering: .acquiring) }

    /// ZeroMQ `CONNECTED` events so far (the connection to the daemon was (re)established).
    public var connections: Int { connected.load(ordering: .acquiring) }

    public func run() async throws {
        try await DedicatedThread.run(named: "soaplens-listen") { [self] stop in try self.receiveLoop(stop: stop) }
    }

    /// The blocking loop: resumes from the log, connects, logs until `stop` is set, then syncs
    /// the log and publishes the summary. Public for tests that drive it on their own thread.
    public func receiveLoop(stop: StopFlag) throws {
        let started = ContinuousClock.now
        let session = try Session(
            options: options, source: "socket", input: options.endpoint, logger: logger, output: output, resume: true)
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveHighWaterMark(options.receiveHighWaterMark)
        try socket.setMaxMessageSize(options.maxMessageBytes)
        try socket.setReconnectInterval(milliseconds: options.reconnectMilliseconds, max: options.reconnectMaxMilliseconds)
        for topic in Set(options.topics + ["stats"]) { try socket.subscribe(topic) }
        let keeper = try ConnectionKeeper(socket: socket, connectingTo: options.endpoint)
        logger.info(
            "listening for alerts",
            metadata: ["endpoint": "\(options.endpoint)", "topics": "\(options.topics)", "log": "\(session.logDescription)"])
        if !options.countsGaps {
            logger.notice("gap counting is off: the topic filters do not cover every alert, and alert_seq counts the alerts of all rules")
        }
        // systemd (Type=notify): ready once the log is open, read back and the socket subscribed.
        let notifier = SystemdNotifier.fromEnvironment()
        if case .failed(let e) = notifier.ready(status: "listening for alerts on \(options.endpoint)") {
            logger.warning("sd_notify READY failed", metadata: ["error": "\(e)"])
        }
        defer {
            _ = notifier.stopping()
            keeper.close()
            socket.close()
            let summary = session.finish(duration: ContinuousClock.now - started)
            summaryBox.withLock { $0 = summary }
            (options.log == .standardOutput ? diagnostics : output).write(summary.text)
            if let path = options.summaryJSONPath { SummaryJSON.write(summary, to: path, logger: logger) }
        }
        /// Connection events, counted and logged; a session libzmq gave up on (a peer that broke
        /// the protocol) is re-created by the keeper.
        func pollConnection() {
            for event in keeper.poll() {
                switch event {
                case .connected:
                    connected.add(1, ordering: .releasing)
                    session.summary.connects += 1
                    logger.info("connected to the daemon's alert socket", metadata: ["endpoint": "\(options.endpoint)"])
                case .disconnected:
                    session.summary.disconnects += 1
                    logger.warning("disconnected from the daemon's alert socket; reconnecting", metadata: ["endpoint": "\(options.endpoint)"])
                case .recreated:
                    session.summary.reconnects_forced += 1
                    logger.warning("connection re-created (the session had ended for good)", metadata: ["endpoint": "\(options.endpoint)"])
                }
            }
        }
        while !stop.isSet {
            pollConnection()
            if let parts = try socket.receive(timeoutMilliseconds: options.pollMilliseconds) {
                try session.handleMessage(parts)
                handled.add(1, ordering: .releasing)
            }
            try session.tick()
        }
        pollConnection()
    }

    /// `listen --from-log`: reads a log, prints its alerts (human lines, or verbatim with
    /// `--jsonl -`), recomputes gaps and restarts from the recorded alerts (and stats and gap
    /// lines), and returns the summary (also printed). Malformed lines are counted, the first
    /// ones described as `FILE:LINE: reason`.
    public static func replayLog(
        path: String, options: AlertListenerOptions, logger: Logger, output: OutputSink = .standardOutput,
        diagnostics: OutputSink = .standardError
    ) throws -> AlertListenerSummary {
        let started = ContinuousClock.now
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AlertLogFile.FileError(path: path, operation: "read", errno: FileManager.default.fileExists(atPath: path) ? EACCES : ENOENT)
        }
        let session = try Session(options: options, source: "log", input: path, logger: logger, output: output, resume: false)
        let bytes = [UInt8](data)
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for (index, line) in lines.enumerated() where !line.isEmpty {
            session.handleLogLine(Array(line), file: path, line: index + 1, lastWithoutNewline: index == lines.count - 1 && bytes.last != UInt8(ascii: "\n"))
        }
        let summary = session.finish(duration: ContinuousClock.now - started)
        (options.log == .standardOutput ? diagnostics : output).write(summary.text)
        if let jsonPath = options.summaryJSONPath { try SummaryJSON.write(summary, to: jsonPath) }
        return summary
    }
}

// MARK: - Messages

extension AlertListener {
    /// Why a message (or log line) was refused: a reason code (the summary's key) and a description.
    public struct Rejection: Error, Sendable, CustomStringConvertible {
        /// `parts`, `topic`, `utf8`, `newline`, `json`, `field`, `schema_version`, `type`.
        public var reason: String
        public var detail: String
        public var description: String { "\(reason): \(detail)" }
    }

    /// A message or log line that passed the checks.
    public enum Record: Sendable {
        case alert(daemonID: String, runID: String, alertSeq: UInt64, frameSeq: UInt64?, rule: String, body: [String: JSONValue])
        case stats(daemonID: String, runID: String, alertsPublished: UInt64, frameSeq: UInt64?, firstFrameSeq: UInt64?, body: [String: JSONValue])
        /// The listener's own `gap` line (log only).
        case gap(daemonID: String, runID: String, missingTo: UInt64)
        /// The listener's own `daemon_restart` / `restart_frames` lines (log only; informational).
        case note(type: String)
    }

    /// The schema_version the listener understands.
    public static let schemaVersion: Int64 = 1

    /// Checks a message's body (`topic` given) or a log line (`topic` nil): one UTF-8 JSON object
    /// on one line, with the fields the accounting needs.
    public static func parse(_ bytes: [UInt8], topic: String?) throws(Rejection) -> Record {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw Rejection(reason: "utf8", detail: "the body is not valid UTF-8")
        }
        if bytes.contains(UInt8(ascii: "\n")) || bytes.contains(UInt8(ascii: "\r")) {
            throw Rejection(reason: "newline", detail: "a line break inside the body (the log keeps one record per line)")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw Rejection(reason: "json", detail: "not JSON: \(error)")
        }
        guard case let .object(object) = value else {
            throw Rejection(reason: "json", detail: "not a JSON object but \(value.typeName)")
        }
        guard case let .string(type)? = object["type"] else {
            throw Rejection(reason: "field", detail: object["type"] == nil ? "no \"type\"" : "\"type\" is not a string")
        }
        let expected: String?
        switch topic {
        case nil: expected = nil
        case "stats"?: expected = "stats"
        case let t? where t.hasPrefix("alert."): expected = "alert"
        case let t?: throw Rejection(reason: "topic", detail: "unknown topic '\(t)'")
        }
        if let expected, type != expected {
            throw Rejection(reason: "type", detail: "\"type\":\"\(type)\" on topic '\(topic!)' (expected \"\(expected)\")")
        }
        switch type {
        case "alert":
            try checkSchema(object)
            let rule = try string("rule", object)
            if let topic, topic != "alert." + rule {
                throw Rejection(reason: "topic", detail: "topic '\(topic)' for rule '\(rule)'")
            }
            return .alert(
                daemonID: try string("daemon_id", object), runID: try string("run_id", object),
                alertSeq: try integer("alert_seq", object, minimum: 1), frameSeq: try optionalInteger("frame_seq", object),
                rule: rule, body: object)
        case "stats":
            try checkSchema(object)
            return .stats(
                daemonID: try string("daemon_id", object), runID: try string("run_id", object),
                alertsPublished: try integer("alerts_published", object, minimum: 0),
                frameSeq: try optionalInteger("frame_seq", object), firstFrameSeq: try optionalInteger("first_frame_seq", object),
                body: object)
        case "gap" where topic == nil:
            return .gap(
                daemonID: try string("daemon_id", object), runID: try string("run_id", object),
                missingTo: try integer("missing_to", object, minimum: 1))
        case "daemon_restart" where topic == nil, "restart_frames" where topic == nil:
            _ = try string("run_id", object)
            return .note(type: type)
        default:
            throw Rejection(reason: "type", detail: "unknown \"type\":\"\(type)\"")
        }
    }

    private static func checkSchema(_ object: [String: JSONValue]) throws(Rejection) {
        guard let v = object["schema_version"] else { throw Rejection(reason: "field", detail: "no \"schema_version\"") }
        guard case let .int(version) = v, version == schemaVersion else {
            throw Rejection(reason: "schema_version", detail: "schema_version \(String(decoding: v.serialized(), as: UTF8.self)), this listener reads \(schemaVersion)")
        }
    }

    private static func string(_ key: String, _ object: [String: JSONValue]) throws(Rejection) -> String {
        guard let v = object[key] else { throw Rejection(reason: "field", detail: "no \"\(key)\"") }
        guard case let .string(s) = v, !s.isEmpty else {
            throw Rejection(reason: "field", detail: "\"\(key)\" is \(v.typeName), expected a non-empty string")
        }
        return s
    }

    private static func integer(_ key: String, _ object: [String: JSONValue], minimum: Int64) throws(Rejection) -> UInt64 {
        guard let v = object[key] else { throw Rejection(reason: "field", detail: "no \"\(key)\"") }
        guard case let .int(i) = v, i >= minimum else {
            throw Rejection(reason: "field", detail: "\"\(key)\" is \(String(decoding: v.serialized(), as: UTF8.self)), expected an integer ≥ \(minimum)")
        }
        return UInt64(i)
    }

    private static func optionalInteger(_ key: String, _ object: [String: JSONValue]) throws(Rejection) -> UInt64? {
        guard let v = object[key], v != .null else { return nil }
        return try integer(key, object, minimum: 0)
    }

    /// The human line of an alert, e.g. `alert edge-detachment [warning] run=r1 seq=4 step=12000
    /// t=60 ps atom 2391 at (1.00, 2.00, 3.00) Å terrace → adatom p=0.002 lens=0.41 novelty=3.2`.
    public static func humanLine(alert body: [String: JSONValue]) -> String {
        var s = "alert \(text(body["rule"])) [\(text(body["severity"]))] run=\(text(body["run_id"])) seq=\(text(body["alert_seq"]))"
        s += " step=\(text(body["step"]))"
        if let t = body["time_ps"]?.number { s += " t=\(short(t)) ps" }
        if let atom = body["atom_id"], atom != .null { s += " atom \(text(atom))" }
        if case let .array(p)? = body["position_angstrom"], p.count == 3, let x = p[0].number, let y = p[1].number, let z = p[2].number {
            s += " at (" + [x, y, z].map { String(format: "%.2f", $0) }.joined(separator: ", ") + ") Å"
        }
        if let from = body["from_name"], let to = body["to_name"], from != .null || to != .null {
            s += " \(text(from)) → \(text(to))"
        }
        if let p = body["transition_probability"]?.number { s += " p=\(short(p))" }
        if let l = body["lens"]?.number { s += " lens=\(short(l))" }
        if let n = body["novelty"]?.number { s += " novelty=\(short(n))" }
        if case let .object(storm)? = body["storm"] { s += " storm total=\(text(storm["total"])) limit=\(text(storm["limit"]))" }
        return s
    }

    /// The human line of a stats message (`--stats`).
    static func humanLine(stats body: [String: JSONValue]) -> String {
        var s = "stats run=\(text(body["run_id"])) daemon=\(text(body["daemon_id"])) frame_seq=\(text(body["frame_seq"]))"
        s += " analysed=\(text(body["analysed_frames"])) breaks=\(text(body["breaks"])) alerts_published=\(text(body["alerts_published"]))"
        if body["final"] == .bool(true) { s += " final" }
        return s
    }

    private static func text(_ v: JSONValue?) -> String {
        switch v {
        case nil, .null?: return "-"
        case let .string(s)?: return s
        case let .double(d)?: return short(d)
        case let v?: return String(decoding: v.serialized(), as: UTF8.self)
        }
    }

    private static func short(_ x: Double) -> String { String(format: "%.6g", x) }
}

// MARK: - Session

extension AlertListener {
    /// One listening (or replaying) session's state: the tracker, the log, the counters. Owned
    /// by the loop's thread.
    private final class Session {
        let options: AlertListenerOptions
        let logger: Logger
        let output: OutputSink
        var tracker: AlertSequenceTracker
        var summary: AlertListenerSummary
        private(set) var logFile: AlertLogFile?
        let replaying: Bool
        private let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

        init(options: AlertListenerOptions, source: String, input: String, logger: Logger, output: OutputSink, resume: Bool) throws {
            self.options = options
            self.logger = logger
            self.output = output
            replaying = !resume
            tracker = AlertSequenceTracker(countsGaps: options.countsGaps)
            var path: String?
            if case let .file(p) = options.log, resume { path = p }
            summary = AlertListenerSummary(source: source, input: input, logPath: path, gapCounting: options.countsGaps)
            guard let path else { return }
            // Resume: read the log back before appending to it (its partial last line, if any, is left out).
            var recovered: UInt64 = 0
            for line in try AlertLogFile.recover(path: path, keep: options.keep, budget: options.recoverBytes) {
                guard let record = try? AlertListener.parse(line.bytes, topic: nil) else { continue }
                recovered += 1
                _ = account(record)
            }
            tracker.resetCounts()
            summary.recovered_lines = recovered
            summary.recovered_streams = UInt64(tracker.allStreams.count)
            if recovered > 0 {
                logger.info("resuming from the log", metadata: ["path": "\(path)", "records": "\(recovered)", "streams": "\(tracker.allStreams.count)"])
            }
            let file = try AlertLogFile(path: path, rotateBytes: options.rotateBytes, keep: options.keep, fsync: options.fsync)
            if let partial = file.partialTailBytes {
                summary.partial_line_bytes = UInt64(partial)
                logger.warning(
                    "the log ends in a partially written line (a crash while writing); it is not taken as an alert, and new lines start on the next line",
                    metadata: ["path": "\(path)", "bytes": "\(partial)"])
            }
            logFile = file
        }

        var logDescription: String {
            switch options.log {
            case .none: "none"
            case .standardOutput: "stdout"
            case let .file(p): p
            }
        }

        /// A message off the socket: two frames, a known topic, a valid body.
        func handleMessage(_ parts: [[UInt8]]) throws {
            guard parts.count == 2 else {
                reject(Rejection(reason: "parts", detail: "\(parts.count) frames, expected 2 (topic, body)"), at: "message")
                return
            }
            guard let topic = String(validating: parts[0], as: UTF8.self) else {
                reject(Rejection(reason: "topic", detail: "the topic is not valid UTF-8"), at: "message")
                return
            }
            let record: Record
            do {
                record = try AlertListener.parse(parts[1], topic: topic)
            } catch {
                reject(error, at: "topic '\(topic)'")
                return
            }
            try take(record, body: parts[1])
        }

        /// A line of a replayed log.
        func handleLogLine(_ bytes: [UInt8], file: String, line: Int, lastWithoutNewline: Bool) {
            let at = "\(file):\(line)"
            if lastWithoutNewline {
                summary.malformed_lines += 1
                reject(Rejection(reason: "partial", detail: "the last line has no newline (a crash while writing); not taken as a record"), at: at)
                return
            }
            do {
                let record = try AlertListener.parse(bytes, topic: nil)
                try take(record, body: bytes)
            } catch let error as Rejection {
                summary.malformed_lines += 1
                reject(error, at: at)
            } catch {
                // Only the log file can fail to write, and a replay has none.
                logger.error("\(at): \(error)")
            }
        }

        private func take(_ record: Record, body: [UInt8]) throws {
            let events = account(record)
            for event in events { try report(event) }
            switch record {
            case let .alert(_, _, _, _, rule, object):
                summary.alerts += 1
                summary.alerts_by_rule[rule, default: 0] += 1
                try writeRecord(body)
                if !options.quiet && options.log != .standardOutput { output.write(AlertListener.humanLine(alert: object)) }
            case let .stats(_, _, _, _, _, object):
                summary.stats_received += 1
                if options.logStats {
                    try writeRecord(body)
                    if !options.quiet && options.log != .standardOutput { output.write(AlertListener.humanLine(stats: object)) }
                }
            case .gap, .note:
                break
            }
        }

        /// Feeds the tracker.
        private func account(_ record: Record) -> [AlertSequenceTracker.Event] {
            switch record {
            case let .alert(daemonID, runID, alertSeq, frameSeq, _, _):
                tracker.observeAlert(daemonID: daemonID, runID: runID, alertSeq: alertSeq, frameSeq: frameSeq)
            case let .stats(daemonID, runID, alertsPublished, frameSeq, firstFrameSeq, _):
                tracker.observeStats(
                    daemonID: daemonID, runID: runID, alertsPublished: alertsPublished, frameSeq: frameSeq, firstFrameSeq: firstFrameSeq)
            case let .gap(daemonID, runID, missingTo):
                tracker.observeRecordedGap(daemonID: daemonID, runID: runID, missingTo: missingTo)
            case .note:
                []
            }
        }

        /// A gap or restart: stderr, and a line of the log (not when replaying one).
        private func report(_ event: AlertSequenceTracker.Event) throws {
            let now = JSONValue.string(timeStyle.format(Date()))
            switch event {
            case let .gap(gap):
                summary.gaps += 1
                summary.missed_alerts += gap.count
                logger.warning(
                    "alerts missed",
                    metadata: ["run": "\(gap.runID)", "daemon": "\(gap.daemonID)", "from": "\(gap.missingFrom)", "to": "\(gap.missingTo)",
                               "count": "\(gap.count)", "reason": "\(gap.reason.rawValue)"])
                try writeOwn([
                    "type": .string("gap"), "listener_time": now, "run_id": .string(gap.runID), "daemon_id": .string(gap.daemonID),
                    "missing_from": .int(Int64(gap.missingFrom)), "missing_to": .int(Int64(gap.missingTo)),
                    "count": .int(Int64(gap.count)), "reason": .string(gap.reason.rawValue),
                ])
            case let .daemonRestart(restart):
                summary.daemon_restarts += 1
                summary.frames_not_analysed += restart.framesNotAnalysed ?? 0
                logger.warning("daemon restarted", metadata: restartMetadata(restart))
                try writeOwn(restartObject(restart, type: "daemon_restart", now: now))
            case let .restartFrames(restart):
                summary.frames_not_analysed += restart.framesNotAnalysed ?? 0
                logger.warning("frames not analysed across the daemon restart", metadata: restartMetadata(restart))
                try writeOwn(restartObject(restart, type: "restart_frames", now: now))
            case let .outOfOrder(daemonID, runID, seq, accounted):
                summary.out_of_order += 1
                logger.warning(
                    "alert out of order or repeated (logged anyway)",
                    metadata: ["run": "\(runID)", "daemon": "\(daemonID)", "seq": "\(seq)", "accounted": "\(accounted)"])
            }
        }

        private func restartMetadata(_ r: AlertSequenceTracker.Restart) -> Logger.Metadata {
            [
                "run": "\(r.runID)", "old_daemon": "\(r.oldDaemonID)", "new_daemon": "\(r.newDaemonID)",
                "old_last_alert_seq": "\(r.oldLastAlertSeq)", "old_last_frame_seq": "\(r.oldLastFrameSeq.map(String.init) ?? "-")",
                "new_first_frame_seq": "\(r.newFirstFrameSeq.map(String.init) ?? "unknown yet")",
                "frames_not_analysed": "\(r.framesNotAnalysed.map(String.init) ?? "unknown yet")",
            ]
        }

        /// A restart line: the frames not analysed as `missing_from`/`missing_to`/`count` (null while unknown).
        private func restartObject(_ r: AlertSequenceTracker.Restart, type: String, now: JSONValue) -> [String: JSONValue] {
            func int(_ v: UInt64?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
            let missing = r.missingFrames
            return [
                "type": .string(type), "listener_time": now, "run_id": .string(r.runID), "daemon_id": .string(r.newDaemonID),
                "old_daemon_id": .string(r.oldDaemonID), "old_last_alert_seq": .int(Int64(r.oldLastAlertSeq)),
                "old_last_frame_seq": int(r.oldLastFrameSeq), "new_first_frame_seq": int(r.newFirstFrameSeq),
                "missing_from": int(missing?.lowerBound), "missing_to": int(missing?.upperBound), "count": int(r.framesNotAnalysed),
            ]
        }

        /// A record received (or read): verbatim to the log target.
        private func writeRecord(_ body: [UInt8]) throws {
            switch options.log {
            case .none: break
            case .standardOutput: output.write(String(decoding: body, as: UTF8.self))
            case .file: try logFile?.append(body)
            }
        }

        /// One of the listener's own lines: to the log file (a replay recomputes, it does not write).
        private func writeOwn(_ object: [String: JSONValue]) throws {
            guard !replaying, let logFile else { return }
            try logFile.append(JSONValue.object(object).serialized())
        }

        private func reject(_ rejection: Rejection, at place: String) {
            let description = "\(place): \(rejection.reason): \(rejection.detail)"
            if summary.reject(rejection.reason, description, examples: options.rejectionsLogged) {
                logger.warning("rejected: \(description)")
            }
        }

        func tick() throws { try logFile?.tick() }

        /// Syncs and closes the log; the summary with the streams.
        func finish(duration: Duration) -> AlertListenerSummary {
            do {
                try logFile?.close()
            } catch {
                logger.error("cannot sync the log on exit", metadata: ["error": "\(error)"])
            }
            summary.log_rotations = UInt64(logFile?.rotations ?? 0)
            let (seconds, attoseconds) = duration.components
            summary.duration_s = Double(seconds) + Double(attoseconds) * 1e-18
            summary.streams = tracker.allStreams.filter { $0.received > 0 || $0.missed > 0 }.map {
                AlertListenerSummary.Stream(daemon_id: $0.daemonID, run_id: $0.runID, alerts: $0.received, last_alert_seq: $0.lastReceived, missed: $0.missed)
            }
            return summary
        }
    }
}
