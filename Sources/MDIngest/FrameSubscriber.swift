import MDCore
import MDWire
import ZeroMQ

/// The daemon's receiving end of the frame stream: a ZeroMQ SUB (lossy, never stalls the
/// engine) or PULL (lossless, back-pressure) socket that decodes, validates, tracks runs and
/// counts. It survives any bytes: every malformed message is rejected with a reason, counted,
/// and reported as an ``IngestEvent/rejected(code:message:)`` event.
///
/// Not thread-safe: create it and call ``run(until:handler:)`` on one dedicated thread
/// (blocking socket calls must not occupy Swift's small cooperative thread pool).
public final class FrameSubscriber {
    /// The socket pattern.
    public enum Mode: String, Sendable {
        /// SUB socket, subscribed to `frame` and `control` (pairs with PUB/XPUB publishers).
        case subscribe
        /// PULL socket (pairs with PUSH publishers).
        case pull
    }

    /// Socket settings.
    public struct Options: Sendable {
        public var mode: Mode
        /// Endpoint to connect to (publishers bind), e.g. `tcp://127.0.0.1:5555`.
        public var endpoint: String
        /// Bind instead of connect (for setups where the engine side connects).
        public var bind: Bool
        /// Messages queued in the socket before ZeroMQ drops (SUB) or blocks the peer (PULL).
        public var receiveHighWaterMark: Int32
        /// Messages larger than this are dropped by ZeroMQ (it closes the offending peer's
        /// connection; the peer reconnects) so a bogus size can never exhaust memory. Bytes.
        public var maxMessageBytes: Int64
        /// How often the receive loop checks whether to stop, ms.
        public var pollMilliseconds: Int32

        public init(
            mode: Mode = .subscribe, endpoint: String = WireProtocol.defaultFrameEndpoint, bind: Bool = false,
            receiveHighWaterMark: Int32 = 1000, maxMessageBytes: Int64 = 1 << 31, pollMilliseconds: Int32 = 100
        ) {
            self.mode = mode
            self.endpoint = endpoint
            self.bind = bind
            self.receiveHighWaterMark = receiveHighWaterMark
            self.maxMessageBytes = maxMessageBytes
            self.pollMilliseconds = pollMilliseconds
        }
    }

    /// What the handler wants after an event.
    public enum Verdict: Sendable {
        case proceed
        case stop
    }

    public let options: Options
    /// The endpoint actually bound or connected (resolved when binding to port `*`).
    public let endpoint: String
    /// Counters so far.
    public private(set) var statistics = IngestStatistics()
    /// Runs seen so far.
    public private(set) var tracker = SegmentTracker()
    private let socket: ZMQSocket
    /// Keeps the connection (connect mode only), see ``restoreConnectionIfLost()``.
    private let keeper: ConnectionKeeper?

    /// Creates the socket and connects (or binds) it.
    public init(context: ZMQContext, options: Options) throws(ZMQError) {
        self.options = options
        socket = try ZMQSocket(context: context, type: options.mode == .subscribe ? .sub : .pull)
        try socket.setLinger(milliseconds: 0)
        try socket.setReceiveHighWaterMark(options.receiveHighWaterMark)
        try socket.setMaxMessageSize(options.maxMessageBytes)
        if options.mode == .subscribe {
            try socket.subscribe("frame")
            try socket.subscribe("control")
        }
        if options.bind {
            endpoint = try socket.bind(options.endpoint)
            keeper = nil
        } else {
            keeper = try ConnectionKeeper(socket: socket, connectingTo: options.endpoint)
            endpoint = options.endpoint
        }
    }

    /// Re-creates a connection libzmq gave up on (``ConnectionKeeper``). Returns `true` when it did.
    @discardableResult
    public func restoreConnectionIfLost() -> Bool {
        guard let keeper, keeper.poll().contains(.recreated) else { return false }
        statistics.reconnects += 1
        return true
    }

    /// Receives and handles messages until `stop()` returns true (checked at least every
    /// `pollMilliseconds`) or the handler returns `.stop`.
    public func run(until stop: () -> Bool, handler: (IngestEvent) -> Verdict) throws(ZMQError) {
        while !stop() {
            if restoreConnectionIfLost(), handler(.reconnected(endpoint: endpoint)) == .stop { return }
            guard let parts = try socket.receive(timeoutMilliseconds: options.pollMilliseconds) else { continue }
            for event in process(parts) where handler(event) == .stop {
                return
            }
        }
    }

    /// Receives at most one message within `timeoutMilliseconds` and returns its events.
    public func receiveOnce(timeoutMilliseconds: Int32) throws(ZMQError) -> [IngestEvent]? {
        restoreConnectionIfLost()
        guard let parts = try socket.receive(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        return process(parts)
    }

    /// Decodes, validates and tracks one received message (no I/O; public for tests and for
    /// other transports that deliver the same multipart messages).
    public func process(_ parts: [[UInt8]]) -> [IngestEvent] {
        let arrival = WallClock.now()
        let size = parts.reduce(0) { $0 + $1.count }
        statistics.received += 1
        statistics.bytes += UInt64(size)
        let message: WireMessage
        do {
            message = try WireDecoder.decode(parts)
        } catch {
            statistics.reject(error.code)
            tracker.noteRejected(runID: error.runID)
            return [.rejected(code: error.code, message: error.description)]
        }
        if case .control = message { statistics.controls += 1 }
        var events: [IngestEvent] = []
        for decision in tracker.handle(message) {
            switch decision {
            case let .segmentStart(r, implicit):
                events.append(.segmentStart(r, implicit: implicit))
            case let .segmentEnd(r):
                if let expected = r.expectedFrames, expected > r.nextSequence {
                    statistics.gaps += expected - r.nextSequence
                }
                events.append(.segmentEnd(r))
            case let .rejected(code, text):
                if code == "out-of-order" {
                    statistics.outOfOrder += 1
                }
                statistics.reject(code)
                events.append(.rejected(code: code, message: text))
            case let .frame(frame, gap):
                statistics.frames += 1
                statistics.gaps += gap
                let latency = frame.publishedAt.map { arrival - $0 }
                if let latency { statistics.latency.record(latency) }
                let t = WallClock.monotonic()
                if statistics.firstFrameAt == nil { statistics.firstFrameAt = t }
                statistics.lastFrameAt = t
                events.append(.frame(frame, FrameReceipt(latency: latency, gapBefore: gap, bytes: size)))
            }
        }
        return events
    }

    /// Closes the socket (also done on deinit).
    public func close() {
        keeper?.close()
        socket.close()
    }
}
