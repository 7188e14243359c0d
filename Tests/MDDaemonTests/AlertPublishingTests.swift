@testable import MDDaemon
import Foundation
import MDConfiguration
import MDCore
import MDIngest
import MDWire
import Testing
import ZeroMQ

/// The daemon's alert socket end to end over real loopback sockets: frames in over PUSH/PULL
/// (lossless), alerts and stats out over XPUB to a SUB in the test, which the daemon waits for
/// (--await-subscribers), so nothing is lost and the outcome is deterministic.
@Suite(.serialized) struct AlertPublishingTests {
    /// A message as received: topic and body.
    struct Message {
        var topic: String
        var body: Data
        var json: [String: Any]
    }

    struct Outcome {
        var summary: DaemonSummary
        var messages: [Message]
        var analysed: [[String: Any]]
        var centres: [Int]
        var journal: [String]
        var alerts: [Message] { messages.filter { $0.topic.hasPrefix("alert.") } }
        var stats: [Message] { messages.filter { $0.topic == "stats" } }
    }

    /// A LENS-burst rule that fires a few times per frame on the bundled run.
    static let burstRule = """
        [rules]
        max_alerts_per_frame = 1000
        [rules.burst]
        kind = "lens_burst"
        threshold = 0.2
        persistence = 2
        cooldown = 3
        """

    /// The rules of these tests, on a LENS-only model of the bundled run (3 LENS classes).
    static func configuration(rules: String) throws -> SystemConfiguration {
        try FitPipelineTests.configuration(mode: "lens", extra: "\n[endpoints]\nstats_every = 5\n" + rules)
    }

    /// Replays `frames` into a daemon with `c` and a model fitted on the first 12 frames,
    /// collecting everything published until the run's final stats message.
    static func run(_ c: SystemConfiguration, frames count: Int, runID: String = "alerts") throws -> Outcome {
        let (fitOptions, _) = try OnlineAnalysisTests.fit(c, frames: 12)
        let ctx = try ZMQContext()
        let frames = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let journal = Fixtures.temporaryPath(".alerts.jsonl")
        let sink = Fixtures.temporaryPath(".jsonl")
        _ = FileManager.default.createFile(atPath: sink, contents: nil)
        var alertOptions = AlertOptions(endpoint: "tcp://127.0.0.1:*", rules: c.rules, statsEvery: c.endpoints.statsEvery, journalPath: journal)
        alertOptions.awaitSubscribers = 1
        alertOptions.awaitTimeoutSeconds = 20
        let options = DaemonOptions(
            subscriber: .init(mode: .pull, endpoint: frames.endpoint), exitOnEnd: true, report: .jsonl,
            online: OnlineOptions(configuration: c, modelPath: fitOptions.output), alerts: alertOptions)
        let service = IngestService(
            options: options, context: ctx, logger: quietLogger, output: OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: sink))))
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        Thread {
            do { try service.receiveLoop(stop: StopFlag()) } catch { failure.set(error) }
            done.signal()
        }.start()
        // The alert socket is bound before the daemon waits for its subscriber.
        let deadline = Date().addingTimeInterval(20)
        while service.alertsEndpoint == nil, failure.value == nil, Date() < deadline { usleep(10_000) }
        if let error = failure.value { throw error }
        let sub = try ZMQSocket(context: ctx, type: .sub)
        try sub.subscribe("")
        try sub.connect(try #require(service.alertsEndpoint))
        for (t, var f) in OnlineAnalysisTests.frames.prefix(count).enumerated() {
            f.runID = runID
            f.sequence = UInt64(t)
            try frames.send(f)
        }
        try frames.send(ControlMessage(kind: .end, runID: runID, sentAt: WallClock.now(), frames: UInt64(count)))
        var messages: [Message] = []
        while let parts = try sub.receive(timeoutMilliseconds: 60_000) {
            #expect(parts.count == 2)
            let body = Data(parts[1])
            let json = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            messages.append(Message(topic: String(decoding: parts[0], as: UTF8.self), body: body, json: json))
            if json["type"] as? String == "stats", json["final"] as? Bool == true { break }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        if let error = failure.value { throw error }
        sub.close()
        let lines = try String(contentsOfFile: sink, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let start = try #require(lines.first { $0["type"] as? String == "online_start" })
        return Outcome(
            summary: try #require(service.summary), messages: messages, analysed: lines.filter { $0["type"] as? String == "analysed" },
            centres: try #require(start["centres"] as? [Int]),
            journal: (try? String(contentsOfFile: journal, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? [])
    }

    /// Every alert published is in the journal (verbatim, same order), alert_seq runs 1…N,
    /// the summary counts them, stats come every 5 analysed frames and at the end, and the
    /// LENS-burst alerts are exactly the streaks counted independently from the daemon's own
    /// per-atom report.
    @Test func alertsAndStatsArePublishedJournalledAndCounted() throws {
        let c = try Self.configuration(rules: Self.burstRule + """

            severity = "critical"
            [rules.rare]
            kind = "rare_transition"
            threshold = 0.02
            """)
        let out = try Self.run(c, frames: 40)
        let alerts = out.alerts
        #expect(!alerts.isEmpty)
        // Journal == what was published, byte for byte, in order.
        #expect(out.journal == alerts.map { String(decoding: $0.body, as: UTF8.self) })
        // alert_seq consecutive from 1; one daemon id; topic = alert.<rule>.
        #expect(alerts.map { $0.json["alert_seq"] as? Int } == (1...alerts.count).map { $0 })
        let daemonIDs = Set(out.messages.compactMap { $0.json["daemon_id"] as? String })
        #expect(daemonIDs.count == 1 && daemonIDs.first?.count == 16)
        for a in alerts {
            #expect(a.topic == "alert." + (a.json["rule"] as? String ?? "?"))
            #expect(a.json["run_id"] as? String == "alerts" && a.json["type"] as? String == "alert")
        }
        // The summary.
        let counts = try #require(out.summary.alerts)
        #expect(counts.rules == ["burst", "rare"] && counts.dropped == 0 && counts.failures == 0)
        let run = try #require(counts.runs.first)
        #expect(run.alerts_published == UInt64(alerts.count) && run.first_frame_seq == 0)
        #expect(run.per_rule["burst", default: 0] + run.per_rule["rare", default: 0] == alerts.count)

        // Stats: every 5 analysed frames, then the final one.
        let analysed = out.analysed.count
        #expect(analysed == 40 - 1 - 4)
        let stats = out.stats
        #expect(stats.count == analysed / 5 + 1 && run.stats_sent == stats.count)
        #expect(stats.dropLast().map { $0.json["analysed_frames"] as? Int } == (1...(analysed / 5)).map { $0 * 5 })
        let last = try #require(stats.last?.json)
        #expect(last["final"] as? Bool == true && last["alerts_published"] as? Int == alerts.count && last["analysed_frames"] as? Int == analysed)
        #expect(last["first_frame_seq"] as? Int == 0)
        let online = try #require(out.summary.online?.runs.first)
        #expect((last["macro_transition_counts"] as? [[Int]])?.flatMap { $0 } == online.macro_counts)
        #expect((last["macro_populations"] as? [Int]) == online.macro_populations)
        #expect((last["macro_populations"] as? [Int])?.reduce(0, +) == out.centres.count)

        // The burst rule, recounted from the per-atom LENS the daemon reported: streaks of
        // lens > 0.2 reaching 2 frames fire, then the atom is quiet for 3 analysed frames.
        var streak = [Int](repeating: 0, count: out.centres.count)
        var lastFired = [Int](repeating: -1_000, count: out.centres.count)
        var expected: [String] = []
        for line in out.analysed {
            let lens = try #require(line["lens"] as? [Double])
            let index = try #require(line["index"] as? Int)
            for i in lens.indices {
                streak[i] = lens[i] > 0.2 ? streak[i] + 1 : 0
                if streak[i] == 2, index > lastFired[i] + 3 {
                    lastFired[i] = index
                    expected.append("\(index):\(out.centres[i])")
                }
            }
        }
        let burst = alerts.filter { $0.json["rule"] as? String == "burst" }
        #expect(!expected.isEmpty)
        #expect(burst.map { "\($0.json["analysed_index"] as? Int ?? -1):\($0.json["atom_id"] as? Int ?? -1)" } == expected)
        #expect(burst.allSatisfy { $0.json["severity"] as? String == "critical" && ($0.json["lens"] as? Double ?? 0) > 0.2 })
        // The lag: ⌊window/2⌋ + lag = 3 analysed frames at window 4.
        #expect(alerts.allSatisfy { $0.json["lag_frames"] as? Int == 3 && $0.json["lag_ps"] as? Double == 3 })
    }

    /// A rule that names a macro cluster the model does not have stops the daemon at start,
    /// before any socket, and says which names exist.
    @Test func aRuleNamingAnUnknownClusterIsRefusedAtStart() throws {
        let c = try Self.configuration(rules: """
            [rules.edge]
            kind = "transition"
            from = "step edge"
            to = 1
            """)
        do {
            _ = try Self.run(c, frames: 20)
            Issue.record("the daemon started")
        } catch {
            #expect("\(error)".contains("rule edge: no macro cluster is named \"step edge\"; the names in use are 0 = "), "\(error)")
        }
    }
}
