import Foundation
import MDConfiguration
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// replay → daemon → listen, each the built `soaplens` binary, over real loopback sockets:
/// the listener's log holds exactly the alerts the daemon journalled and reports publishing;
/// a daemon killed (SIGKILL) and restarted while the listener runs is reported as a restart
/// with the frames nobody analysed, and nothing the new daemon publishes is lost.
@Suite(.serialized) struct AlertSubscriberProcessTests {
    /// A free loopback TCP port (bound and released; the tests bind it again at once).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw TestTimeout(what: "a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// The configuration (LENS-only model fitted on the first 12 bundled frames, a LENS-burst
    /// rule that fires a few times per frame) written to a file, and the model's path.
    static func setUp() throws -> (config: String, model: String) {
        let c = try AlertPublishingTests.configuration(rules: AlertPublishingTests.burstRule)
        let (fit, _) = try OnlineAnalysisTests.fit(c, frames: 12)
        let config = Fixtures.temporaryPath(".toml")
        try c.canonicalTOMLText.write(toFile: config, atomically: true, encoding: .utf8)
        return (config, fit.output)
    }

    /// Polls `condition` every 20 ms for up to `seconds`.
    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func json(_ line: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    static func daemon(frames: Int, alerts: Int, setup: (config: String, model: String), journal: String, summary: String) throws -> DaemonProcess {
        try DaemonProcess([
            "run", "--pull", "tcp://127.0.0.1:\(frames)", "--model", setup.model, "--config", setup.config,
            "--alerts", "tcp://127.0.0.1:\(alerts)", "--alerts-jsonl", journal, "--await-subscribers", "1", "--await-timeout", "30",
            "--exit-on-end", "--quiet", "--summary-json", summary, "--threads", "1",
        ])
    }

    static func replay(frames: Int, count: Int, rate: Double?) throws -> DaemonProcess {
        try DaemonProcess(
            ["replay", DescribePipelineTests.bundled, "--push", "tcp://127.0.0.1:\(frames)", "--species", "1=Cu", "--dt", "0.005",
             "--run-id", "e2e", "--stop", "\(count)"] + (rate.map { ["--rate", "\($0)"] } ?? []))
    }

    @Test func theListenersLogEqualsWhatTheDaemonPublished() throws {
        let setup = try Self.setUp()
        let (framesPort, alertsPort) = (try Self.freePort(), try Self.freePort())
        let log = Fixtures.temporaryPath(".listen.jsonl"), listenSummary = Fixtures.temporaryPath(".listen.json")
        let journal = Fixtures.temporaryPath(".journal.jsonl"), summary = Fixtures.temporaryPath(".run.json")
        let listener = try DaemonProcess(["listen", "--subscribe", "tcp://127.0.0.1:\(alertsPort)", "--jsonl", log, "--stats", "--quiet", "--summary-json", listenSummary])
        let daemon = try Self.daemon(frames: framesPort, alerts: alertsPort, setup: setup, journal: journal, summary: summary)
        let replay = try Self.replay(frames: framesPort, count: 40, rate: nil)
        #expect(replay.waitForExit(seconds: 120) == 0, "\(replay.stderr)")
        #expect(daemon.waitForExit(seconds: 120) == 0, "\(daemon.stderr)")
        // The run's final stats message reaches the listener after every alert.
        #expect(Self.waitUntil(20) { Self.lines(log).contains { Self.json($0)["final"] as? Bool == true } }, "\(listener.stderr)")
        kill(listener.process.processIdentifier, SIGTERM)
        #expect(listener.waitForExit(seconds: 20) == 0, "\(listener.stderr)")

        let published = Self.lines(journal)
        let logged = Self.lines(log).filter { Self.json($0)["type"] as? String == "alert" }
        #expect(published.count >= 5)
        #expect(logged == published)  // byte for byte, in order
        let run = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary))) as? [String: Any])
        let alertRuns = try #require((run["alerts"] as? [String: Any])?["runs"] as? [[String: Any]])
        #expect(alertRuns.first?["alerts_published"] as? Int == published.count)
        let heard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenSummary))) as? [String: Any])
        #expect(heard["alerts"] as? Int == published.count && heard["gaps"] as? Int == 0 && heard["daemon_restarts"] as? Int == 0)
        #expect(!Self.lines(log).contains { ["gap", "daemon_restart"].contains(Self.json($0)["type"] as? String ?? "") })
    }

    @Test func aDaemonKilledAndRestartedIsReportedWithTheFramesNobodyAnalysed() throws {
        let setup = try Self.setUp()
        let (framesPort, alertsPort) = (try Self.freePort(), try Self.freePort())
        let log = Fixtures.temporaryPath(".listen.jsonl"), listenSummary = Fixtures.temporaryPath(".listen.json")
        let journal1 = Fixtures.temporaryPath(".journal1.jsonl"), journal2 = Fixtures.temporaryPath(".journal2.jsonl")
        let summary2 = Fixtures.temporaryPath(".run2.json")
        let listener = try DaemonProcess(["listen", "--subscribe", "tcp://127.0.0.1:\(alertsPort)", "--jsonl", log, "--stats", "--quiet", "--summary-json", listenSummary])
        let first = try Self.daemon(frames: framesPort, alerts: alertsPort, setup: setup, journal: journal1, summary: Fixtures.temporaryPath(".run1.json"))
        // Paced: 100 frames at 25 frames/s, so the daemon can be killed half-way.
        let replay = try Self.replay(frames: framesPort, count: 100, rate: 25)
        #expect(Self.waitUntil(60) { Self.lines(journal1).count >= 5 }, "\(first.stderr)")
        kill(first.process.processIdentifier, SIGKILL)
        _ = first.waitForExit(seconds: 10)
        // The same endpoints; a port just released may need a moment.
        var second: DaemonProcess?
        for _ in 0..<20 {
            let d = try Self.daemon(frames: framesPort, alerts: alertsPort, setup: setup, journal: journal2, summary: summary2)
            if Self.waitUntil(3, { !d.process.isRunning || d.stderr.contains("waiting for alert subscribers") }), d.process.isRunning {
                second = d
                break
            }
            _ = d.waitForExit(seconds: 5)
            usleep(200_000)
        }
        let daemon2 = try #require(second)
        #expect(replay.waitForExit(seconds: 120) == 0, "\(replay.stderr)")
        #expect(daemon2.waitForExit(seconds: 120) == 0, "\(daemon2.stderr)")
        #expect(Self.waitUntil(20) { Self.lines(log).contains { Self.json($0)["final"] as? Bool == true } }, "\(listener.stderr)")
        kill(listener.process.processIdentifier, SIGTERM)
        #expect(listener.waitForExit(seconds: 20) == 0, "\(listener.stderr)")

        let records = Self.lines(log).map(Self.json)
        let alerts = Self.lines(log).filter { Self.json($0)["type"] as? String == "alert" }
        let ids = Array(Set(alerts.compactMap { Self.json($0)["daemon_id"] as? String }))
        #expect(ids.count == 2)
        let fromFirst = alerts.filter { Self.json($0)["daemon_id"] as? String == Self.json(Self.lines(journal1)[0])["daemon_id"] as? String }
        let fromSecond = alerts.filter { !fromFirst.contains($0) }
        // Everything the new daemon published was heard (it waited for the listener) ...
        #expect(fromSecond == Self.lines(journal2) && !fromSecond.isEmpty)
        // ... and what the killed one published was heard in order (its journal may hold a
        // last batch it wrote before it could send it).
        let journal1Lines = Self.lines(journal1)
        #expect(!fromFirst.isEmpty && Array(journal1Lines.prefix(fromFirst.count)) == fromFirst)
        // The restart, with the frames between the old daemon's last analysed frame and the new
        // one's first received frame.
        let restart = try #require(records.first { $0["type"] as? String == "daemon_restart" })
        #expect(restart["old_daemon_id"] as? String == Self.json(journal1Lines[0])["daemon_id"] as? String)
        #expect(restart["daemon_id"] as? String == Self.json(Self.lines(journal2)[0])["daemon_id"] as? String)
        let run2 = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary2))) as? [String: Any])
        let firstSeq2 = try #require(((run2["alerts"] as? [String: Any])?["runs"] as? [[String: Any]])?.first?["first_frame_seq"] as? Int)
        #expect(firstSeq2 > 0)
        let frames = try #require(records.first { ["daemon_restart", "restart_frames"].contains($0["type"] as? String ?? "") && $0["count"] as? Int != nil })
        #expect(frames["new_first_frame_seq"] as? Int == firstSeq2)
        let oldLast = try #require(frames["old_last_frame_seq"] as? Int)
        #expect(frames["count"] as? Int == firstSeq2 - oldLast - 1 && oldLast < firstSeq2)
        let heard = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: listenSummary))) as? [String: Any])
        #expect(heard["daemon_restarts"] as? Int == 1 && heard["alerts"] as? Int == alerts.count)
    }
}
