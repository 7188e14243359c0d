import Foundation
import Logging
import MDIngest
import Synchronization
import ZeroMQ

/// `soaplens run --imd`: the IMD bridge on a thread of its own inside the daemon, publishing
/// on an in-process PUSH socket that the daemon's own subscriber reads. The IMD reader never
/// waits for the analysis (unless the lossless mode says so): the queue between them holds
/// ``DaemonOptions/imdQueueFrames`` frames.
final class IMDInProcessBridge: @unchecked Sendable {
    /// The in-process endpoint the subscriber connects to.
    let endpoint: String
    private let bridge: IMDBridge
    private let publisher: FramePublisher
    private let ownStop = StopFlag()
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<String?>(nil)

    private static let counter = Atomic<Int>(0)

    init(context: ZMQContext, options: IMDBridgeOptions, queueFrames: Int32) throws {
        endpoint = "inproc://soaplens-imd-\(Self.counter.add(1, ordering: .relaxed).newValue)"
        publisher = try FramePublisher(context: context, mode: .push, endpoint: endpoint, sendHighWaterMark: queueFrames, lingerMilliseconds: 0)
        bridge = IMDBridge(options: options, publisher: publisher)
    }

    /// Starts reading from LAMMPS; `stop` is the daemon's own flag.
    func start(stop: StopFlag, logger: Logger) {
        let log = IMDEventLog(logger: logger)
        let thread = Thread { [self] in
            do {
                try bridge.run(stop: { stop.isSet || ownStop.isSet }, events: log.log)
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
            finished.signal()
        }
        thread.name = "soaplens-imd"
        thread.start()
    }

    /// Why the bridge gave up (an unusable session), once it has.
    var failed: String? { failure.withLock { $0 } }

    /// Stops the bridge (it detaches with DISCONNECT) and waits for it, at most `timeout` s.
    func stopAndJoin(timeout: Double = 10) {
        ownStop.set()
        _ = finished.wait(timeout: .now() + timeout)
        publisher.close()
    }

    /// The counters for the summary (read after ``stopAndJoin(timeout:)``).
    var counts: DaemonSummary.IMDCounts {
        DaemonSummary.IMDCounts(
            address: bridge.options.address.description, overflow: bridge.options.overflow.rawValue, statistics: bridge.statistics)
    }
}
