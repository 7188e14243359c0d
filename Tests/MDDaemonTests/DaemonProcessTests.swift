import Foundation
import MDCore
import MDDaemon
import MDIngest
import MDWire
import Testing
import ZeroMQ

/// The built `soaplens` executable, next to the test bundle.
func soaplensBinary() throws -> URL {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let url = candidate.appendingPathComponent("soaplens")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    let built = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/debug/soaplens")
    guard FileManager.default.isExecutableFile(atPath: built.path) else {
        throw TestTimeout(what: "the soaplens binary (build it with `swift build --build-tests`)")
    }
    return built
}

/// Starts `soaplens` with `arguments`; stdout and stderr go to temporary files.
final class DaemonProcess {
    let process = Process()
    let stdoutPath = Fixtures.temporaryPath(".out")
    let stderrPath = Fixtures.temporaryPath(".err")

    init(_ arguments: [String]) throws {
        process.executableURL = try soaplensBinary()
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderrPath))
        try process.run()
    }

    /// Waits for exit; kills after `seconds`.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }
}

@Suite struct DaemonProcessTests {
    @Test func sigtermPrintsTheSummaryAndExitsCleanly() throws {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let summaryPath = Fixtures.temporaryPath(".json")
        let daemon = try DaemonProcess(["run", "--pull", publisher.endpoint, "--summary-json", summaryPath, "--jsonl"])
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 20))
        let frames = try Fixtures.readAll(Fixtures.path("trajectories/cu_triclinic.dump"))
        for (k, var f) in frames.enumerated() {
            f.runID = "sig"
            f.sequence = UInt64(k)
            try publisher.send(f)
        }
        try publisher.send(parts: [Array("frame".utf8), Array("{}".utf8)])  // rejected, counted
        // Wait until the daemon has reported every frame, then ask it to stop.
        let deadline = Date().addingTimeInterval(20)
        while daemon.stdout.split(separator: "\n").filter({ $0.hasPrefix("{") }).count < frames.count && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        kill(daemon.process.processIdentifier, SIGTERM)
        let status = daemon.waitForExit(seconds: 20)
        #expect(status == 0, "stderr: \(daemon.stderr)")
        let summary = try JSONDecoder().decode(DaemonSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        #expect(summary.frames == UInt64(frames.count))
        #expect(summary.rejected == ["header-field": 1])
        #expect(summary.runs.first?.run_id == "sig")
        #expect(summary.runs.first?.ended == false)
        #expect(daemon.stdout.contains("summary: \(frames.count) frames"))
        // The JSON lines carry the frame's box and centroid.
        let first = daemon.stdout.split(separator: "\n").first { $0.hasPrefix("{") }!
        let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as! [String: Any]
        #expect(object["natoms"] as? Int == frames[0].atomCount)
        #expect(object["step"] as? Int == Int(frames[0].step))
    }

    @Test func replayBinaryIntoDaemonBinaryOverPubSub() throws {
        // Two real processes, the default PUB/SUB route, in the order a user starts them:
        // the daemon first, then the replay (which waits for the subscription).
        let port = try freeTCPPort()
        let endpoint = "tcp://127.0.0.1:\(port)"
        let summaryPath = Fixtures.temporaryPath(".json")
        let daemon = try DaemonProcess(["run", "--subscribe", endpoint, "--exit-on-end", "--quiet", "--summary-json", summaryPath])
        let replay = try DaemonProcess([
            "replay", Fixtures.path("trajectories/cu_unsorted.dump"), "--publish", endpoint, "--species", "1=Cu",
            "--wait-timeout", "20",
        ])
        #expect(replay.waitForExit(seconds: 30) == 0, "replay stderr: \(replay.stderr)")
        #expect(daemon.waitForExit(seconds: 30) == 0, "daemon stderr: \(daemon.stderr)")
        let summary = try JSONDecoder().decode(DaemonSummary.self, from: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
        let expected = try Fixtures.readAll(Fixtures.path("trajectories/cu_unsorted.dump")).count
        #expect(summary.frames == UInt64(expected))
        #expect(summary.runs.first?.expected_frames == UInt64(expected))
        #expect(summary.gaps == 0)
    }

    @Test func replayOfAMalformedFileNamesFileAndLine() throws {
        let replay = try DaemonProcess([
            "replay", Fixtures.path("trajectories/bad_columns.dump"), "--publish", "tcp://127.0.0.1:*", "--no-wait",
        ])
        let status = replay.waitForExit(seconds: 30)
        #expect(status == 1)
        #expect(replay.stderr.contains("bad_columns.dump:"))
    }

    @Test func sigintEndsALosslessReplayThatHasNoReceiver() throws {
        // PUSH with no peer would block for ever; the replay must still stop on a signal.
        let replay = try DaemonProcess([
            "replay", Fixtures.path("trajectories/cu_ortho.dump"), "--push", "tcp://127.0.0.1:*", "--no-wait",
        ])
        Thread.sleep(forTimeInterval: 1.0)
        kill(replay.process.processIdentifier, SIGINT)
        #expect(replay.waitForExit(seconds: 15) == 0, "stderr: \(replay.stderr)")
    }
}

/// A TCP port that was free a moment ago (for tests of two processes that cannot share `*`).
func freeTCPPort() throws -> Int {
    let ctx = try ZMQContext()
    let probe = try ZMQSocket(context: ctx, type: .pull)
    let endpoint = try probe.bind("tcp://127.0.0.1:*")
    probe.close()
    return Int(endpoint.split(separator: ":").last!)!
}
