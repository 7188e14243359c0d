import Logging
import MDIngest
import ZeroMQ

/// `soaplens attach`: binds a frame publisher (XPUB or PUSH), optionally waits for a
/// subscriber, then bridges LAMMPS's IMD stream onto it until stopped. Blocking: call
/// ``run(stop:)`` on a thread of its own (the main thread of the `attach` process).
public final class IMDAttachDriver {
    public let options: IMDBridgeOptions
    private let publisher: FramePublisher
    private let bridge: IMDBridge
    private let logger: Logger
    private let waitForSubscriber: Bool
    private let waitTimeout: Double?

    /// The bound endpoint (resolved for `tcp://127.0.0.1:*`).
    public var endpoint: String { publisher.endpoint }
    /// The bridge's counters.
    public var statistics: IMDBridgeStatistics { bridge.statistics }

    /// Binds at once, so the endpoint is known before ``run(stop:)``.
    public init(
        context: ZMQContext, options: IMDBridgeOptions, mode: FramePublisher.Mode, endpoint: String, waitForSubscriber: Bool,
        waitTimeout: Double?, logger: Logger
    ) throws {
        self.options = options
        self.logger = logger
        self.waitForSubscriber = waitForSubscriber
        self.waitTimeout = waitTimeout
        // PUB drops at its high-water mark by itself (subscribers see gaps); PUSH keeps up to
        // 64 frames per peer before the overflow mode decides.
        publisher = try FramePublisher(context: context, mode: mode, endpoint: endpoint, sendHighWaterMark: mode == .push ? 64 : 1000)
        bridge = IMDBridge(options: options, publisher: publisher)
    }

    /// Waits for a subscriber (unless told not to), then attaches and bridges until `stop`.
    public func run(stop: StopFlag) throws {
        if waitForSubscriber,
            try !publisher.awaitSubscriber(timeoutSeconds: waitTimeout, stop: stop, logger: logger, before: "attaching to LAMMPS")
        {
            return
        }
        let log = IMDEventLog(logger: logger)
        try bridge.run(stop: { stop.isSet }, events: log.log)
    }

    /// Closes the socket; queued messages are still delivered (linger).
    public func close() { publisher.close() }
}
