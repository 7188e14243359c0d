import Foundation
import MDDaemon
import Synchronization
import Testing
import ZeroMQ

/// A stand-in for the daemon's alert socket: an XPUB bound on loopback that tells when a
/// listener's subscriptions have arrived (so nothing is published into the void).
final class AlertPublisher {
    let socket: ZMQSocket
    let endpoint: String

    init(context: ZMQContext, endpoint: String = "tcp://127.0.0.1:*") throws {
        socket = try ZMQSocket(context: context, type: .xpub)
        try socket.setLinger(milliseconds: 0)
        try socket.setXPubVerbose(true)
        self.endpoint = try Self.bind(socket, endpoint)
    }

    /// Binds, retrying for a while when the port is busy: re-binding the port of a publisher
    /// just closed, libzmq closes its listener in the background.
    private static func bind(_ socket: ZMQSocket, _ endpoint: String) throws -> String {
        let deadline = Date().addingTimeInterval(2)
        while true {
            do {
                return try socket.bind(endpoint)
            } catch {
                guard error.errno == EADDRINUSE, Date() < deadline else { throw error }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }
    }

    /// Waits until subscriptions to every topic in `topics` arrived (XPUB passes them up as
    /// `\u{1}topic`); once they have, the listener receives whatever is sent next.
    func awaitSubscriptions(_ topics: Set<String>, seconds: Double = 5) throws {
        var missing = topics
        let deadline = Date().addingTimeInterval(seconds)
        while !missing.isEmpty {
            guard Date() < deadline else { throw TestTimeout(what: "subscriptions \(missing)") }
            guard let message = try socket.receive(timeoutMilliseconds: 50), let part = message.first, part.first == 1 else { continue }
            missing.remove(String(decoding: part.dropFirst(), as: UTF8.self))
        }
    }

    func send(_ parts: [[UInt8]]) throws { try socket.send(parts) }

    func send(topic: String, _ body: String) throws { try socket.send([Array(topic.utf8), Array(body.utf8)]) }

    func close() { socket.close() }
}

/// An ``AlertListener`` running its receive loop on its own thread, its stdout going to a file.
final class BackgroundListener: @unchecked Sendable {
    let listener: AlertListener
    let stop = StopFlag()
    let stdoutPath = Fixtures.temporaryPath(".listen.out")
    private let done = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)

    init(context: ZMQContext, options: AlertListenerOptions) throws {
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        let sink = OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath)))
        listener = AlertListener(options: options, context: context, logger: quietLogger, output: sink, diagnostics: sink)
        let thread = Thread { [self] in
            do {
                try listener.receiveLoop(stop: stop)
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            done.signal()
        }
        thread.start()
    }

    /// Waits until the loop has taken `count` messages off the socket.
    func awaitHandled(_ count: Int, seconds: Double = 5) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while listener.messagesHandled < count {
            guard Date() < deadline else { throw TestTimeout(what: "\(count) messages handled, got \(listener.messagesHandled)") }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }

    /// Stops the loop (as SIGTERM would) and returns its summary.
    func finish(seconds: Double = 5) throws -> AlertListenerSummary {
        stop.set()
        guard done.wait(timeout: .now() + seconds) == .success else { throw TestTimeout(what: "listener stop") }
        if let failure = failure.withLock({ $0 }) { throw TestTimeout(what: "listener failed: \(failure)") }
        return try #require(listener.summary)
    }

    var stdout: String { AlertLogFileTests.read(stdoutPath) }
}

/// The daemon's message bodies, written by hand in the daemon's layout (keys deliberately not
/// sorted, and escapes and non-ASCII text, so that a re-serialised line would not be equal).
enum AlertBodies {
    static func alert(daemon: String = "d0000000000000001", run: String = "r1", seq: Int, rule: String = "edge-detachment",
                      frameSeq: Int? = nil, severity: String = "warning") -> String {
        let frame = frameSeq ?? seq * 10
        return """
            {"schema_version":1,"type":"alert","daemon_id":"\(daemon)","rule":"\(rule)","kind":"rare_transition",\
            "severity":"\(severity)","run_id":"\(run)","alert_seq":\(seq),"frame_seq":\(frame),"step":\(frame * 100),\
            "time_ps":\(Double(frame) * 0.5),"atom_id":2391,"position_angstrom":[1.5,-2.25,30.126],"from_name":"terrace",\
            "to_name":"ad\\u00e9atom Å","transition_probability":0.002,"lens":0.41,"novelty":null,"storm":null,"model_id":"m1"}
            """
    }

    static func stats(daemon: String = "d0000000000000001", run: String = "r1", published: Int, frameSeq: Int, firstFrameSeq: Int = 0) -> String {
        """
        {"schema_version":1,"type":"stats","daemon_id":"\(daemon)","run_id":"\(run)","final":false,"frame_seq":\(frameSeq),\
        "step":\(frameSeq * 100),"time_ps":\(Double(frameSeq) * 0.5),"first_frame_seq":\(firstFrameSeq),"analysed_frames":\(frameSeq),\
        "breaks":0,"alerts_published":\(published),"macro_names":["a","b"],"macro_populations":[1,2],\
        "macro_transition_counts":[[1,0],[0,1]],"macro_transition_probabilities":[[1.0,0.0],[0.0,1.0]],"model_id":"m1"}
        """
    }
}

/// Parses the log's lines as JSON objects (every line must be one).
func logRecords(_ path: String) throws -> [[String: Any]] {
    try AlertLogFileTests.read(path).split(separator: "\n").map {
        try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
}

@Suite struct AlertListenerTests {
    private func logPath(_ dir: String) -> String { dir + "/alerts.jsonl" }

    /// Publishes `messages` to a fresh listener, waits for them and stops it.
    private func listen(
        _ options: AlertListenerOptions, context: ZMQContext, publisher: AlertPublisher, _ messages: [(String, String)]
    ) throws -> (AlertListenerSummary, BackgroundListener) {
        let listener = try BackgroundListener(context: context, options: options)
        try publisher.awaitSubscriptions(Set(options.topics + ["stats"]))
        for (topic, body) in messages { try publisher.send(topic: topic, body) }
        try listener.awaitHandled(messages.count)
        return (try listener.finish(), listener)
    }

    @Test func theLogEqualsThePublishedBodiesByteForByte() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let bodies = [
            AlertBodies.alert(seq: 1), AlertBodies.alert(seq: 2, rule: "lens-burst", severity: "critical"), AlertBodies.alert(seq: 3),
        ]
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(logPath(dir)))
        let (summary, listener) = try listen(
            options, context: ctx, publisher: publisher,
            [("alert.edge-detachment", bodies[0]), ("alert.lens-burst", bodies[1]), ("alert.edge-detachment", bodies[2])])
        #expect(AlertLogFileTests.read(logPath(dir)) == bodies.map { $0 + "\n" }.joined())
        #expect(summary.alerts == 3)
        #expect(summary.alerts_by_rule == ["edge-detachment": 2, "lens-burst": 1])
        #expect(summary.gaps == 0 && summary.rejectedTotal == 0 && summary.daemon_restarts == 0)
        #expect(summary.streams == [.init(daemon_id: "d0000000000000001", run_id: "r1", alerts: 3, last_alert_seq: 3, missed: 0)])
        #expect(summary.connects >= 1)
        let lines = listener.stdout.split(separator: "\n")
        #expect(lines.count > 3)
        #expect(lines[0] == "alert edge-detachment [warning] run=r1 seq=1 step=1000 t=5 ps atom 2391 at (1.50, -2.25, 30.13) Å terrace → adéatom Å p=0.002 lens=0.41")
        #expect(lines[1].hasPrefix("alert lens-burst [critical] run=r1 seq=2 "))
        #expect(listener.stdout.contains("listen summary (socket"))
    }

    @Test func aJumpInAlertSeqIsLoggedAsAGap() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(logPath(dir)), quiet: true)
        let (summary, listener) = try listen(
            options, context: ctx, publisher: publisher,
            [1, 2, 5].map { ("alert.edge-detachment", AlertBodies.alert(seq: $0)) })
        let records = try logRecords(logPath(dir))
        #expect(records.map { $0["type"] as? String } == ["alert", "alert", "gap", "alert"])
        let gap = records[2]
        #expect(gap["missing_from"] as? Int == 3)
        #expect(gap["missing_to"] as? Int == 4)
        #expect(gap["count"] as? Int == 2)
        #expect(gap["run_id"] as? String == "r1")
        #expect(gap["daemon_id"] as? String == "d0000000000000001")
        #expect(gap["reason"] as? String == "seq_jump")
        let time = try #require(gap["listener_time"] as? String)
        #expect(time.hasSuffix("Z") && (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(time)) != nil)
        #expect(summary.gaps == 1 && summary.missed_alerts == 2)
        #expect(listener.stdout.split(separator: "\n").first?.hasPrefix("listen summary") == true)  // --quiet: no alert lines
    }

    @Test func statsBeyondTheLastAlertIsAGapAndStatsAreNotLogged() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(logPath(dir)), quiet: true)
        let (summary, _) = try listen(
            options, context: ctx, publisher: publisher,
            [("alert.edge-detachment", AlertBodies.alert(seq: 1)), ("alert.edge-detachment", AlertBodies.alert(seq: 2)),
             ("stats", AlertBodies.stats(published: 4, frameSeq: 60)), ("stats", AlertBodies.stats(published: 4, frameSeq: 70))])
        let records = try logRecords(logPath(dir))
        #expect(records.map { $0["type"] as? String } == ["alert", "alert", "gap"])
        #expect(records[2]["missing_from"] as? Int == 3 && records[2]["missing_to"] as? Int == 4 && records[2]["reason"] as? String == "stats")
        #expect(summary.stats_received == 2)
        #expect(summary.gaps == 1 && summary.missed_alerts == 2)
    }

    @Test func narrowTopicFiltersTurnGapCountingOff() throws {
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, topics: ["alert.edge"], quiet: true)
        #expect(!options.countsGaps)
        #expect(AlertListenerOptions(topics: ["alert.edge", ""]).countsGaps)
        let (summary, _) = try listen(
            options, context: ctx, publisher: publisher,
            [("alert.edge-detachment", AlertBodies.alert(seq: 1)), ("alert.edge-detachment", AlertBodies.alert(seq: 7)),
             ("stats", AlertBodies.stats(published: 9, frameSeq: 90))])
        #expect(summary.alerts == 2)
        #expect(!summary.gap_counting && summary.gaps == 0 && summary.missed_alerts == 0)
    }

    @Test func aRestartedListenerResumesFromItsLogWithTheExactGap() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(logPath(dir)), quiet: true)
        // First session: alerts 1, 2, then stats saying 3 were published (gap 3...3, recorded).
        let (first, _) = try listen(
            options, context: ctx, publisher: publisher,
            [("alert.edge-detachment", AlertBodies.alert(seq: 1)), ("alert.edge-detachment", AlertBodies.alert(seq: 2)),
             ("stats", AlertBodies.stats(published: 3, frameSeq: 40)),
             ("alert.edge-detachment", AlertBodies.alert(run: "r2", seq: 1))])
        #expect(first.missed_alerts == 1)
        // Alerts 4 and 5 of r1 are published while the listener is away; it comes back at 6.
        let (second, _) = try listen(
            options, context: ctx, publisher: publisher,
            [("alert.edge-detachment", AlertBodies.alert(seq: 6)), ("alert.edge-detachment", AlertBodies.alert(run: "r2", seq: 2))])
        #expect(second.recovered_lines == 4)  // 3 alerts and the gap line (stats are not logged)
        #expect(second.recovered_streams == 2)
        #expect(second.gaps == 1)
        #expect(second.missed_alerts == 2)  // 4...5: not 3, which the first session recorded
        let records = try logRecords(logPath(dir))
        let gaps = records.filter { $0["type"] as? String == "gap" }
        #expect(gaps.map { [$0["missing_from"] as? Int, $0["missing_to"] as? Int] } == [[3, 3], [4, 5]])
        #expect(second.streams.map(\.alerts) == [1, 1])
        #expect(second.streams.map(\.last_alert_seq) == [6, 2])
    }

    @Test func aNewDaemonIDIsARestartAndTheSocketReconnects() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        var publisher = try AlertPublisher(context: ctx)
        let endpoint = publisher.endpoint
        let options = AlertListenerOptions(endpoint: endpoint, log: .file(logPath(dir)), quiet: true)
        let listener = try BackgroundListener(context: ctx, options: options)
        try publisher.awaitSubscriptions(["alert.", "stats"])
        try publisher.send(topic: "alert.edge-detachment", AlertBodies.alert(daemon: "old", seq: 1, frameSeq: 100))
        try publisher.send(topic: "alert.edge-detachment", AlertBodies.alert(daemon: "old", seq: 2, frameSeq: 120))
        try listener.awaitHandled(2)
        // The daemon process goes away and a new one binds the same endpoint.
        publisher.close()
        publisher = try AlertPublisher(context: ctx, endpoint: endpoint)
        try publisher.awaitSubscriptions(["alert.", "stats"])
        try publisher.send(topic: "alert.edge-detachment", AlertBodies.alert(daemon: "new", seq: 1, frameSeq: 170))
        try publisher.send(topic: "stats", AlertBodies.stats(daemon: "new", published: 1, frameSeq: 180, firstFrameSeq: 150))
        try listener.awaitHandled(4)
        let summary = try listener.finish()
        #expect(listener.listener.connections >= 2)
        #expect(summary.disconnects >= 1)
        #expect(summary.daemon_restarts == 1)
        #expect(summary.frames_not_analysed == 29)  // 121...149
        #expect(summary.gaps == 0)
        let records = try logRecords(logPath(dir))
        #expect(records.map { $0["type"] as? String } == ["alert", "alert", "daemon_restart", "alert", "restart_frames"])
        let restart = records[2]
        #expect(restart["old_daemon_id"] as? String == "old" && restart["daemon_id"] as? String == "new")
        #expect(restart["old_last_alert_seq"] as? Int == 2 && restart["old_last_frame_seq"] as? Int == 120)
        #expect(restart["count"] is NSNull && restart["new_first_frame_seq"] is NSNull)
        let frames = records[4]
        #expect(frames["missing_from"] as? Int == 121 && frames["missing_to"] as? Int == 149 && frames["count"] as? Int == 29)
        #expect(summary.streams.map(\.daemon_id) == ["old", "new"])
        publisher.close()
    }

    @Test func rotationThroughTheListenerLosesNoLine() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let bodies = (1...10).map { AlertBodies.alert(seq: $0) }
        let limit = Int64(bodies.map { $0.utf8.count + 1 }.max()! * 3)  // three alert lines per file, never four
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(logPath(dir)), rotateBytes: limit, keep: 5, quiet: true)
        let (summary, _) = try listen(options, context: ctx, publisher: publisher, bodies.map { ("alert.edge-detachment", $0) })
        #expect(summary.log_rotations == 3)
        let files = [3, 2, 1, 0].map { AlertLogFile.rotatedPath(logPath(dir), $0) }
        #expect(files.map { AlertLogFileTests.read($0).split(separator: "\n").count } == [3, 3, 3, 1])
        #expect(files.map(AlertLogFileTests.read).joined() == bodies.map { $0 + "\n" }.joined())
        for file in files { #expect(try fileSize(file) <= limit) }
    }

    @Test func aPartialLastLineFromACrashIsNotTakenAsAnAlert() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = logPath(dir)
        let whole = AlertBodies.alert(seq: 1)
        let partial = String(AlertBodies.alert(seq: 2).prefix(90))
        try (whole + "\n" + partial).write(toFile: path, atomically: true, encoding: .utf8)
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, log: .file(path), quiet: true)
        let (summary, _) = try listen(options, context: ctx, publisher: publisher, [("alert.edge-detachment", AlertBodies.alert(seq: 3))])
        #expect(summary.partial_line_bytes == 90)
        #expect(summary.recovered_lines == 1)
        // Alert 2 is not in the log (only its beginning): it is missing.
        #expect(summary.gaps == 1 && summary.missed_alerts == 1)
        let lines = AlertLogFileTests.read(path).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == whole && lines[1] == partial && lines[4] == "")
        #expect(lines[2].contains("\"type\":\"gap\"") && lines[3] == AlertBodies.alert(seq: 3))
    }

    @Test func badMessagesAreCountedByReasonAndTheLoopGoesOn() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ctx = try ZMQContext()
        let publisher = try AlertPublisher(context: ctx)
        let options = AlertListenerOptions(endpoint: publisher.endpoint, topics: [""], log: .file(logPath(dir)), quiet: true, rejectionsLogged: 4)
        let listener = try BackgroundListener(context: ctx, options: options)
        try publisher.awaitSubscriptions(["", "stats"])
        let good = AlertBodies.alert(seq: 1)
        let topic = Array("alert.edge-detachment".utf8)
        func body(_ text: String) -> [UInt8] { Array(text.utf8) }
        let bad: [(String, [[UInt8]])] = [
            ("parts", [topic]),
            ("parts", [topic, body(good), body("x")]),
            ("topic", [Array("alert.".utf8) + [0xFF], body(good)]),
            ("topic", [body("frame"), body(good)]),
            ("topic", [body("alert.other-rule"), body(good)]),
            ("utf8", [topic, body("{\"type\":\"alert\"}") + [0xC3, 0x28]]),
            ("newline", [topic, body(good.replacingOccurrences(of: ",\"kind\"", with: ",\n\"kind\""))]),
            ("json", [topic, body("{\"type\":")]),
            ("json", [topic, body("[1,2]")]),
            ("field", [topic, body(good.replacingOccurrences(of: "\"run_id\":\"r1\",", with: ""))]),
            ("field", [topic, body(good.replacingOccurrences(of: "\"type\":\"alert\",", with: ""))]),
            ("field", [topic, body(good.replacingOccurrences(of: "\"alert_seq\":1", with: "\"alert_seq\":\"1\""))]),
            ("field", [topic, body(good.replacingOccurrences(of: "\"alert_seq\":1", with: "\"alert_seq\":0"))]),
            ("field", [topic, body(good.replacingOccurrences(of: "\"daemon_id\":\"d0000000000000001\",", with: ""))]),
            ("schema_version", [topic, body(good.replacingOccurrences(of: "\"schema_version\":1", with: "\"schema_version\":2"))]),
            ("type", [topic, body(good.replacingOccurrences(of: "\"type\":\"alert\"", with: "\"type\":\"stats\""))]),
            ("field", [body("stats"), body(AlertBodies.stats(published: 1, frameSeq: 1).replacingOccurrences(of: "\"alerts_published\":1", with: "\"alerts_published\":-1"))]),
        ]
        for (_, parts) in bad { try publisher.send(parts) }
        try publisher.send([topic, body(good)])
        try listener.awaitHandled(bad.count + 1)
        let summary = try listener.finish()
        var expected: [String: UInt64] = [:]
        for (reason, _) in bad { expected[reason, default: 0] += 1 }
        #expect(summary.rejected == expected)
        #expect(summary.rejected_examples.count == 4)
        #expect(summary.rejected_examples[0].contains("parts"))
        #expect(summary.alerts == 1)
        #expect(AlertLogFileTests.read(logPath(dir)) == good + "\n")
    }

    @Test func fromLogReplaysAlertsRecomputesGapsAndNamesMalformedLines() throws {
        let dir = try AlertLogFileTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = logPath(dir)
        let lines = [
            AlertBodies.alert(seq: 1),
            AlertBodies.alert(seq: 2, rule: "lens-burst"),
            "{\"schema_version\":1,\"type\":\"alert\" this is not json",
            AlertBodies.alert(seq: 5),
            "{\"type\":\"gap\",\"daemon_id\":\"d0000000000000001\",\"run_id\":\"r1\",\"missing_from\":6,\"missing_to\":7,\"count\":2}",
            AlertBodies.alert(daemon: "d2", seq: 1, frameSeq: 300),
            "{\"type\":\"mystery\"}",
        ]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let outPath = Fixtures.temporaryPath(".fromlog.out")
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outPath) }
        let sink = OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: outPath)))
        let summary = try AlertListener.replayLog(path: path, options: AlertListenerOptions(), logger: quietLogger, output: sink)
        #expect(summary.source == "log")
        #expect(summary.alerts == 4)
        #expect(summary.alerts_by_rule == ["edge-detachment": 3, "lens-burst": 1])
        #expect(summary.malformed_lines == 2)
        #expect(summary.rejected == ["json": 1, "type": 1])
        #expect(summary.rejected_examples.count == 2)
        #expect(summary.rejected_examples[0].hasPrefix("\(path):3: json: "))
        #expect(summary.rejected_examples[1].hasPrefix("\(path):7: type: "))
        // 3...4 recomputed from the jump, 6...7 from the recorded gap line; then a restart to d2.
        #expect(summary.gaps == 2 && summary.missed_alerts == 4)
        #expect(summary.daemon_restarts == 1)
        let out = AlertLogFileTests.read(outPath).split(separator: "\n")
        #expect(out.filter { $0.hasPrefix("alert ") }.count == 4)
        #expect(out.prefix(4).map { $0.split(separator: " ")[4] } == ["seq=1", "seq=2", "seq=5", "seq=1"])

        // `--jsonl -`: the alert lines verbatim on stdout instead.
        let rawPath = Fixtures.temporaryPath(".fromlog.raw")
        _ = FileManager.default.createFile(atPath: rawPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: rawPath) }
        let raw = OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: rawPath)))
        _ = try AlertListener.replayLog(
            path: path, options: AlertListenerOptions(log: .standardOutput), logger: quietLogger, output: raw, diagnostics: sink)
        #expect(AlertLogFileTests.read(rawPath) == [lines[0], lines[1], lines[3], lines[5]].map { $0 + "\n" }.joined())

        #expect(throws: AlertLogFile.FileError.self) {
            _ = try AlertListener.replayLog(path: dir + "/missing.jsonl", options: AlertListenerOptions(), logger: quietLogger, output: sink)
        }
    }
}
