import Foundation
import MDCore
import MDDaemon
import MDIngest
import MDTrajectory
import Testing
import ZeroMQ

@Suite struct ReplayDriverTests {
    /// Replays `file` over tcp loopback into a subscriber and checks that every frame arrives
    /// equal to what the reader gives directly.
    @Test(arguments: [
        "trajectories/cu_ortho.dump", "trajectories/cu_triclinic.dump", "trajectories/cu_unsorted.dump",
        "trajectories/cu_ortho.dump.gz", "trajectories/cu_slab.dump", "trajectories/cu_atom.dump",
        "trajectories/cu_triclinic.extxyz", "h5md/mda_tri.h5md", "h5md/lammps_all.h5", "h5md/soapify_tri.h5",
    ])
    func replayDeliversTheFileExactly(file: String) throws {
        let path = Fixtures.path(file)
        let options = SourceOptions(speciesMap: [1: "Cu", 2: "Ni"], timestep: 0.002)
        let expected = try Fixtures.readAll(path, options: options)
        #expect(expected.count >= 3)
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(
            context: ctx, options: ReplayOptions(files: [path], source: options, mode: .push, endpoint: "tcp://127.0.0.1:*"))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let (frames, _) = try receiveRun(sub)
        let summary = try replay.wait()
        #expect(summary.frames == UInt64(expected.count))
        #expect(frames.count == expected.count)
        for (got, want) in zip(frames, expected) {
            #expect(got.step == want.step)
            #expect(got.time == want.time)
            #expect(got.ids == want.ids)
            #expect(got.types == want.types)
            #expect(got.species == want.species)
            #expect(got.cell == want.cell)
            #expect(got.positions == want.positions)
            #expect(got.runID == summary.runs[0])
        }
        #expect(frames.map(\.sequence) == (0..<UInt64(frames.count)).map { $0 })
        #expect(sub.statistics.gaps == 0)
        #expect(sub.statistics.rejectedTotal == 0)
    }

    @Test func startStopStrideSelectFrames() throws {
        let path = Fixtures.path("trajectories/cu_ortho.dump")
        let all = try Fixtures.readAll(path)
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(
            context: ctx,
            options: ReplayOptions(files: [path, path], mode: .push, endpoint: "tcp://127.0.0.1:*", start: 1, stop: 9, stride: 3))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let (frames, _) = try receiveRun(sub)
        _ = try replay.wait()
        // Two copies of the file are one run of 2n frames; indices 1, 4, 7.
        let n = all.count
        let wanted = [1, 4, 7].map { all[$0 % n].step }
        #expect(frames.map(\.step) == wanted)
        #expect(frames.map(\.sequence) == [0, 1, 2])
    }

    @Test func loopStartsANewRunEachPass() throws {
        let path = Fixtures.path("trajectories/cu_ortho.dump")
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(
            context: ctx, options: ReplayOptions(files: [path], mode: .push, endpoint: "tcp://127.0.0.1:*", loop: true, runID: "looped"))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let first = try receiveRun(sub)
        let second = try receiveRun(sub)
        replay.stop.set()
        let summary = try replay.wait()
        #expect(first.frames.first?.runID == "looped-pass0")
        #expect(second.frames.first?.runID == "looped-pass1")
        #expect(first.frames.count == second.frames.count)
        #expect(summary.runs.count >= 2)
    }

    @Test func runPerFileEndsEachRun() throws {
        let a = Fixtures.path("trajectories/cu_ortho.dump")
        let b = Fixtures.path("trajectories/cu_slab.dump")
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(
            context: ctx, options: ReplayOptions(files: [a, b], mode: .push, endpoint: "tcp://127.0.0.1:*", runID: "pf", runPerFile: true))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let first = try receiveRun(sub)
        let second = try receiveRun(sub)
        _ = try replay.wait()
        #expect(Set(first.frames.map(\.runID)) == ["pf"])
        #expect(Set(second.frames.map(\.runID)) == ["pf-file1"])
        #expect(sub.statistics.rejectedTotal == 0)  // different atom sets, but different runs
    }

    @Test func malformedFileStopsWithFileAndLineAndEndsTheRun() throws {
        let path = Fixtures.path("trajectories/bad_number.dump")
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(context: ctx, options: ReplayOptions(files: [path], mode: .push, endpoint: "tcp://127.0.0.1:*"))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let (frames, events) = try receiveRun(sub)
        do {
            _ = try replay.wait()
            Issue.record("a malformed file replayed without error")
        } catch let error as TrajectoryError {
            #expect(error.description.contains("bad_number.dump:"))
            #expect(error.line != nil)
        }
        // The frames before the bad one were published and the run was closed with their count.
        let end = events.compactMap { e -> RunRecord? in if case let .segmentEnd(r) = e { return r } else { return nil } }
        #expect(end.first?.expectedFrames == UInt64(frames.count))
    }

    @Test func truncatedLastFrameIsAWarningAfterTheCompleteFrames() throws {
        let path = Fixtures.path("trajectories/truncated.dump")
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(context: ctx, options: ReplayOptions(files: [path], mode: .push, endpoint: "tcp://127.0.0.1:*"))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        let (frames, _) = try receiveRun(sub)
        let summary = try replay.wait()
        #expect(frames.count == 3)
        #expect(summary.warnings.count == 1)
        #expect(summary.warnings[0].contains("truncated.dump:"))
    }

    @Test func publishModeWaitsForALateSubscriber() throws {
        let path = Fixtures.path("trajectories/cu_ortho.dump")
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(context: ctx, options: ReplayOptions(files: [path], mode: .publish, endpoint: "tcp://127.0.0.1:*"))
        replay.start()
        Thread.sleep(forTimeInterval: 0.5)  // the replay is already waiting; nothing may be lost
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .subscribe, endpoint: replay.endpoint))
        let (frames, _) = try receiveRun(sub)
        _ = try replay.wait()
        #expect(frames.count == (try Fixtures.readAll(path)).count)
        #expect(sub.statistics.gaps == 0)
    }

    @Test func followTailsAGrowingDumpUntilStopped() throws {
        let source = try String(contentsOfFile: Fixtures.path("trajectories/cu_ortho.dump"), encoding: .utf8)
        let expected = try Fixtures.readAll(Fixtures.path("trajectories/cu_ortho.dump"))
        let path = Fixtures.temporaryPath(".dump")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ctx = try ZMQContext()
        let replay = try BackgroundReplay(
            context: ctx,
            options: ReplayOptions(files: [path], mode: .push, endpoint: "tcp://127.0.0.1:*", follow: true, followPollInterval: 0.02))
        let sub = try FrameSubscriber(context: ctx, options: .init(mode: .pull, endpoint: replay.endpoint))
        replay.start()
        // A writer appends in chunks that cut lines and frames in the middle.
        let bytes = Array(source.utf8)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var got: [Frame] = []
        var offset = 0
        let deadline = Date().addingTimeInterval(20)
        while got.count < expected.count && Date() < deadline {
            if offset < bytes.count {
                let end = min(offset + 1733, bytes.count)
                handle.write(Data(bytes[offset..<end]))
                offset = end
            }
            if let events = try sub.receiveOnce(timeoutMilliseconds: 20) {
                for case let .frame(f, _) in events { got.append(f) }
            }
        }
        try handle.close()
        replay.stop.set()
        let summary = try replay.wait()
        #expect(got.map(\.step) == expected.map(\.step))
        #expect(got.last?.positions == expected.last?.positions)
        #expect(summary.frames == UInt64(expected.count))
    }

    @Test func badOptionsAreRefusedUpFront() throws {
        let ctx = try ZMQContext()
        let path = Fixtures.path("trajectories/cu_ortho.dump")
        #expect(throws: ReplayError.self) { try ReplayDriver(context: ctx, options: ReplayOptions(files: [], endpoint: "tcp://127.0.0.1:*"), logger: quietLogger) }
        #expect(throws: ReplayError.self) { try ReplayDriver(context: ctx, options: ReplayOptions(files: [path], endpoint: "tcp://127.0.0.1:*", stride: 0), logger: quietLogger) }
        #expect(throws: ReplayError.self) { try ReplayDriver(context: ctx, options: ReplayOptions(files: [path], endpoint: "tcp://127.0.0.1:*", start: 5, stop: 2), logger: quietLogger) }
        #expect(throws: ReplayError.self) { try ReplayDriver(context: ctx, options: ReplayOptions(files: [path], endpoint: "tcp://127.0.0.1:*", loop: true, follow: true), logger: quietLogger) }
    }
}
