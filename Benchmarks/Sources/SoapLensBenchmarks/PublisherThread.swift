import Foundation
import MDCore
import MDIngest
import MDWire
import Synchronization
import ZeroMQ

/// A `FramePublisher` running on a dedicated thread (as an MD engine would): binds an
/// ephemeral loopback port, hands the endpoint back, waits for the subscriber, then sends
/// `segment-start`, `count` frames (cycling over the frame set, `seq` 0…count−1, `sent_at`
/// stamped at send) and `end`, optionally paced to a fixed rate. It keeps the socket open
/// until ``release()``, because closing it while frames are still queued at the receiver
/// makes `FrameSubscriber` see a disconnect, and its reconnect discards those frames (see
/// `docs/benchmarks.md`, "Findings").
final class PublisherThread: Sendable {
    private let endpointBox = Mutex<String?>(nil)
    private let failureBox = Mutex<String?>(nil)
    private let bound = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// Starts the thread and blocks until the socket is bound; returns its endpoint.
    static func start(
        context: ZMQContext, mode: FramePublisher.Mode, frames: [Frame], count: Int, runID: String,
        precision: WireEncoder.Precision, rate: Double?
    ) throws -> (PublisherThread, String) {
        let box = PublisherThread()
        let thread = Thread {
            box.body(context: context, mode: mode, frames: frames, count: count, runID: runID, precision: precision, rate: rate)
        }
        thread.name = "bench-publisher"
        thread.start()
        box.bound.wait()
        if let failure = box.failureBox.withLock({ $0 }) { throw BenchmarkError(failure) }
        guard let endpoint = box.endpointBox.withLock({ $0 }) else { throw BenchmarkError("publisher did not bind") }
        return (box, endpoint)
    }

    /// Lets the publisher close its socket (call once the receiver has everything).
    func release() { released.signal() }

    /// Releases the publisher and blocks until it has closed its socket.
    func join() throws {
        released.signal()
        finished.wait()
        if let failure = failureBox.withLock({ $0 }) { throw BenchmarkError(failure) }
    }

    private func body(
        context: ZMQContext, mode: FramePublisher.Mode, frames: [Frame], count: Int, runID: String,
        precision: WireEncoder.Precision, rate: Double?
    ) {
        defer { finished.signal() }
        let publisher: FramePublisher
        do {
            publisher = try FramePublisher(context: context, mode: mode, endpoint: "tcp://127.0.0.1:*")
        } catch {
            failureBox.withLock { $0 = "publisher bind: \(error)" }
            bound.signal()
            return
        }
        endpointBox.withLock { $0 = publisher.endpoint }
        bound.signal()
        defer { publisher.close() }
        do {
            guard try publisher.waitForSubscriber(timeoutSeconds: 10) else {
                failureBox.withLock { $0 = "no subscriber joined within 10 s" }
                return
            }
            if mode == .publish {
                // XPUB saw the `frame` subscription; give the `control` one a moment too.
                MonotonicClock.sleep(until: MonotonicClock.seconds() + 0.05)
            }
            try publisher.send(ControlMessage(kind: .segmentStart, runID: runID, sentAt: WallClock.now(), source: "benchmark"))
            let t0 = MonotonicClock.seconds()
            for i in 0..<count {
                if let rate { MonotonicClock.sleep(until: t0 + Double(i) / rate) }
                var frame = frames[i % frames.count]
                frame.runID = runID
                frame.sequence = UInt64(i)
                try publisher.send(frame, precision: precision)
            }
            try publisher.send(ControlMessage(kind: .end, runID: runID, sentAt: WallClock.now(), frames: UInt64(count)))
            _ = released.wait(timeout: .now() + 60)
        } catch {
            failureBox.withLock { $0 = "publisher: \(error)" }
        }
    }
}
