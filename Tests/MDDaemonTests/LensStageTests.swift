import Foundation
import MDCore
import MDDaemon
import MDIngest
import MDSignal
import MDTrajectory
import MDWire
import Testing
import ZeroMQ

@Suite(.serialized) struct LensStageTests {
    static func firstFrames(_ n: Int) throws -> [Frame] {
        let reader = try LammpsDumpReader(path: DescribePipelineTests.bundled)
        var out: [Frame] = []
        while out.count < n, let f = try reader.next() { out.append(f) }
        return out
    }

    /// Reference raw δ, centres × 39 intervals (dynsight-checked).
    static func referenceColumn(_ ref: [Double], _ k: Int) -> [Double] { (0..<900).map { ref[$0 * 39 + k] } }

    @Test func aGapEndsTheStretchAndNoIntervalSpansIt() throws {
        let frames = try Self.firstFrames(40)
        let ref = try DescribePipelineTests.reference("centres_env_raw.bin")
        let settings = LensSettings(cutoff: 6, window: 7, polyorder: 2, centres: try Selection(parsing: "z > 28.09"))
        let stage = try LensStage(first: frames[0], settings: settings)
        var raw: [LensStage.Row] = []
        var smoothed: [LensStage.Row] = []
        for (t, f) in frames.enumerated() where t != 15 && t != 16 {  // frames 15 and 16 lost
            if t == 17 { smoothed += try stage.breakSequence() }
            let out = try stage.consume(f)
            if let r = out.raw { raw.append(r) }
            smoothed += out.smoothed
        }
        smoothed += try stage.finish()
        #expect(stage.breaks == 1)
        // Stretch A: frames 0…14 → intervals 0…13; stretch B: frames 17…39 → intervals 17…38.
        let expectedIntervals = Array(0...13) + Array(17...38)
        #expect(raw.map(\.step) == expectedIntervals.map { Int64($0 * 200) })
        for (row, k) in zip(raw, expectedIntervals) {
            #expect(row.values == Self.referenceColumn(ref, k))
        }
        // Each stretch is smoothed on its own, as scipy would smooth each piece.
        #expect(smoothed.map(\.step) == raw.map(\.step))
        let sg = try SavitzkyGolay(window: 7, polyorder: 2)
        for (range, offset) in [(0..<14, 0), (14..<36, 14)] {
            for atom in [0, 123, 899] {
                let series = range.map { raw[$0].values[atom] }
                let expected = try sg.filter(series)
                for (i, e) in expected.enumerated() {
                    #expect(abs(smoothed[offset + i].values[atom] - e) < 1e-12)
                }
            }
        }
    }

    @Test func aStretchShorterThanTheWindowIsReportedAndForgotten() throws {
        let frames = try Self.firstFrames(6)
        let stage = try LensStage(first: frames[0], settings: LensSettings(cutoff: 6, window: 20, centres: try Selection(parsing: "z > 28.09")))
        for f in frames.prefix(4) { _ = try stage.consume(f) }
        #expect(throws: LensStage.ShortStretch.self) { try stage.breakSequence() }
        // The next stretch starts clean: its first frame gives no interval.
        #expect(try stage.consume(frames[4]).raw == nil)
        #expect(try stage.consume(frames[5]).raw?.step == 800)
    }

    @Test func daemonComputesLensOnlineAndResetsAtGaps() throws {
        let frames = try Self.firstFrames(12)
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sink = Fixtures.temporaryPath(".out")
        _ = FileManager.default.createFile(atPath: sink, contents: nil)
        let options = DaemonOptions(
            subscriber: .init(mode: .pull, endpoint: publisher.endpoint), exitOnEnd: true, report: .jsonl,
            lens: LensSettings(cutoff: 6, window: 3, polyorder: 2, centres: try Selection(parsing: "z > 28.09")))
        let service = IngestService(
            options: options, context: ctx, logger: quietLogger,
            output: OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: sink))))
        let done = DispatchSemaphore(value: 0)
        let stop = StopFlag()
        Thread {
            try? service.receiveLoop(stop: stop)
            done.signal()
        }.start()
        #expect(try publisher.waitForSubscriber(timeoutSeconds: 10))
        for (t, var f) in frames.enumerated() where t != 6 {  // seq 6 lost
            f.runID = "online"
            f.sequence = UInt64(t)
            try publisher.send(f)
        }
        try publisher.send(ControlMessage(kind: .end, runID: "online", sentAt: WallClock.now(), frames: 12))
        #expect(done.wait(timeout: .now() + 60) == .success)
        let summary = try #require(service.summary)
        #expect(summary.frames == 11)
        #expect(summary.gaps == 1)
        // Frames 0…5 give 5 intervals, frames 7…11 give 4: the gap is never spanned.
        #expect(summary.lens == DaemonSummary.LensCounts(intervals: 9, smoothed_rows: 9, gap_resets: 1, runs: 1))
        let lines = try String(contentsOfFile: sink, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("{") }
        let steps = lines.compactMap { line -> Int? in
            let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return (o?["lens"] as? [String: Any])?["step"] as? Int
        }
        #expect(steps == [0, 200, 400, 600, 800, 1400, 1600, 1800, 2000])
    }
}
