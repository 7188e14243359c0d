import Foundation
import MDCore
import MDIMD
import MDIngest
import MDWire
import Testing
import TestSupport
import ZeroMQ

/// The bridge on a thread of its own, as `attach` and `run --imd` run it.
private final class BridgeThread: @unchecked Sendable {
    let bridge: IMDBridge
    private let lock = NSLock()
    private var stopped = false
    private var _events: [IMDBridgeEvent] = []
    private var _error: (any Error)?
    private let done = DispatchSemaphore(value: 0)

    init(_ bridge: IMDBridge) { self.bridge = bridge }

    var events: [IMDBridgeEvent] { lock.withLock { _events } }
    var error: (any Error)? { lock.withLock { _error } }

    func start() {
        Thread { [self] in
            do {
                try bridge.run(stop: { lock.withLock { stopped } }, events: { e in lock.withLock { _events.append(e) } })
            } catch {
                lock.withLock { _error = error }
            }
            done.signal()
        }.start()
    }

    func stop() { lock.withLock { stopped = true } }

    /// Waits for the loop to return.
    func join(timeout: Double = 15) -> Bool { done.wait(timeout: .now() + timeout) == .success }
}

private func receive(_ sub: FrameSubscriber, until done: ([IngestEvent]) -> Bool, seconds: Double = 15) throws -> [IngestEvent] {
    var events: [IngestEvent] = []
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline && !done(events) {
        if let e = try sub.receiveOnce(timeoutMilliseconds: 50) { events += e }
    }
    return events
}

private func ends(_ events: [IngestEvent]) -> [RunRecord] {
    events.compactMap { if case let .segmentEnd(r) = $0 { return r } else { return nil } }
}

private func receivedFrames(_ events: [IngestEvent]) -> [Frame] {
    events.compactMap { if case let .frame(f, _) = $0 { return f } else { return nil } }
}

/// A frame queue of 2 + 2 messages, in-process as `run --imd` uses it (TCP would first fill
/// the kernel's socket buffers), whose receiver is connected but reads nothing until the test
/// says so: the bridge finds it full after two frames.
private func stalledQueue(_ context: ZMQContext, _ endpoint: String) throws -> (FramePublisher, FrameSubscriber) {
    let publisher = try FramePublisher(context: context, mode: .push, endpoint: endpoint, sendHighWaterMark: 2)
    let sub = try FrameSubscriber(context: context, options: .init(mode: .pull, endpoint: publisher.endpoint, receiveHighWaterMark: 2))
    Thread.sleep(forTimeInterval: 0.2)
    return (publisher, sub)
}

@Suite("IMD bridge: IMD server → wire-protocol frames on a ZeroMQ socket", .serialized)
struct IMDBridgeTests {
    @Test("lossless: every frame of two sessions (LAMMPS restarted on the same port) arrives, one run each, equal to what the server sent")
    func twoSessions() throws {
        var script = FakeIMDServer.Script()
        script.frames = 5
        script.sessions = 2
        let server = try FakeIMDServer(script)
        server.start()
        let context = try ZMQContext()
        let publisher = try FramePublisher(context: context, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sub = try FrameSubscriber(context: context, options: .init(mode: .pull, endpoint: publisher.endpoint))
        let topology = IMDTopology(origin: SIMD3(0.5, 0, 0), periodicity: Periodicity(true, true, false), speciesMap: [1: "Cu"])
        let bridge = BridgeThread(IMDBridge(
            options: IMDBridgeOptions(address: server.address, topology: topology, overflow: .wait, runID: "live"), publisher: publisher))
        bridge.start()
        let events = try receive(sub) { ends($0).count == 2 }
        bridge.stop()
        #expect(bridge.join())
        #expect(server.wait())
        #expect(ends(events).map(\.runID) == ["live", "live-2"])
        #expect(ends(events).allSatisfy { $0.frames == 5 && $0.gaps == 0 })
        let frames = receivedFrames(events)
        #expect(frames.count == 10)
        for (n, f) in frames.enumerated() {
            let k = n % 5
            #expect(f.sequence == UInt64(k))
            #expect(f.step == Int64(k + 1) * 10)
            #expect(f.ids == [1, 2, 3, 4])
            #expect(f.species == ["Cu"])
            #expect(f.cell == Cell(rowMajor: FakeIMDServer.box(frame: k).map(Double.init), origin: SIMD3(0.5, 0, 0), periodicity: Periodicity(true, true, false)))
            #expect(f.positions == (0..<4).flatMap { FakeIMDServer.position(frame: k, atom: $0).map(Double.init) })
            #expect(f.provenance.source == "imd-v3:\(server.address)")
        }
        #expect(bridge.bridge.statistics.sessions == 2)
        #expect(bridge.bridge.statistics.framesPublished == 10)
        #expect(bridge.bridge.statistics.framesDropped == 0)
        #expect(bridge.error == nil)
        publisher.close()
        sub.close()
    }

    @Test("drop mode: with a receiver that never reads, LAMMPS is never held up; drops are counted and seen as gaps")
    func dropsWhenBehind() throws {
        var script = FakeIMDServer.Script()
        script.frames = 40
        script.frameInterval = 0.002
        script.atoms = 2000
        let server = try FakeIMDServer(script)
        server.start()
        let context = try ZMQContext()
        let (publisher, sub) = try stalledQueue(context, "inproc://imd-drop")
        let bridge = BridgeThread(IMDBridge(
            options: IMDBridgeOptions(address: server.address, topology: IMDTopology(periodicity: .all), overflow: .drop, reconnect: false, runID: "d"),
            publisher: publisher))
        bridge.start()
        #expect(server.wait())  // every frame written: the server never waited for the client
        // LAMMPS is gone: the run's end waits for the receiver, which now reads.
        let events = try receive(sub) { ends($0).count == 1 }
        #expect(bridge.join())
        let s = bridge.bridge.statistics
        #expect(s.framesRead == 40)
        #expect(s.framesDropped > 0)
        #expect(s.framesPublished + s.framesDropped == 40)
        let end = try #require(ends(events).first)
        #expect(end.expectedFrames == 40)
        #expect(UInt64(receivedFrames(events).count) == s.framesPublished)
        #expect(end.gaps == s.framesDropped)
        publisher.close()
        sub.close()
    }

    @Test("decimate mode: behind, it doubles TRATE and each new frame spacing is a new run")
    func decimates() throws {
        var script = FakeIMDServer.Script()
        script.frames = 150
        script.frameInterval = 0.01
        script.atoms = 2000
        let server = try FakeIMDServer(script)
        server.start()
        let context = try ZMQContext()
        let (publisher, sub) = try stalledQueue(context, "inproc://imd-decimate")
        let bridge = BridgeThread(IMDBridge(
            options: IMDBridgeOptions(address: server.address, topology: IMDTopology(periodicity: .all), overflow: .decimate, maxRate: 40, reconnect: false, runID: "dec"),
            publisher: publisher))
        bridge.start()
        #expect(server.wait())
        // The last run's end waits for room once LAMMPS is gone (earlier boundaries may be dropped).
        let events = try receive(sub) { ends($0).contains { $0.runID == "dec-r40" } }
        #expect(bridge.join())
        let s = bridge.bridge.statistics
        #expect(s.rateChanges == 2)  // 10 → 20 → 40 (the cap)
        #expect(s.rate == 40)
        let rates = server.received.filter { $0.messageType == .trate }.map(\.length)
        #expect(rates == [20, 40])
        let runs = bridge.events.compactMap { if case let .runStarted(id, _, _) = $0 { return id } else { return nil } }
        #expect(runs == ["dec", "dec-r20", "dec-r40"])
        // Within each run the spacing is constant.
        var byRun: [String: [Int64]] = [:]
        for f in receivedFrames(events) { byRun[f.runID, default: []].append(f.step) }
        for (run, steps) in byRun {
            let spacing = run == "dec" ? 10 : (run == "dec-r20" ? 20 : 40)
            for (a, b) in zip(steps, steps.dropFirst()) { #expect((b - a) % Int64(spacing) == 0, "run \(run): \(a) → \(b)") }
        }
        publisher.close()
        sub.close()
    }

    @Test("stop detaches with DISCONNECT (never KILL), and the run ends with its frame count")
    func stopDisconnects() throws {
        var script = FakeIMDServer.Script()
        script.frames = 1000
        script.frameInterval = 0.01
        let server = try FakeIMDServer(script)
        server.start()
        let context = try ZMQContext()
        let publisher = try FramePublisher(context: context, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sub = try FrameSubscriber(context: context, options: .init(mode: .pull, endpoint: publisher.endpoint))
        let bridge = BridgeThread(IMDBridge(
            options: IMDBridgeOptions(address: server.address, topology: IMDTopology(periodicity: .all), runID: "s"), publisher: publisher))
        bridge.start()
        let first = try receive(sub) { receivedFrames($0).count >= 5 }
        bridge.stop()
        #expect(bridge.join())
        #expect(server.wait())
        let events = first + (try receive(sub) { ends($0).count == 1 })
        #expect(server.received.last?.messageType == .disconnect)
        #expect(!server.received.contains { $0.messageType == .kill })
        let detached = bridge.events.contains { if case .detached(3, false, true) = $0 { return true } else { return false } }
        #expect(detached)
        let end = try #require(ends(events).first)
        #expect(end.expectedFrames == bridge.bridge.statistics.framesRead)
        publisher.close()
        sub.close()
    }

    @Test("an unusable session (v2, periodic, no box) detaches and fails with the remedy")
    func unusable() throws {
        var script = FakeIMDServer.Script()
        script.version = 2
        script.session = .version2
        script.lingerSeconds = 3
        let server = try FakeIMDServer(script)
        server.start()
        let context = try ZMQContext()
        let publisher = try FramePublisher(context: context, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let bridge = BridgeThread(IMDBridge(options: IMDBridgeOptions(address: server.address), publisher: publisher))
        bridge.start()
        #expect(bridge.join())
        let error = try #require(bridge.error as? IMDError)
        #expect(error.description.contains("--topology"))
        #expect(server.wait())
        #expect(server.received.last?.messageType == .disconnect)
        publisher.close()
    }
}
