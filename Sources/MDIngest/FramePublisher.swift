import MDCore
import MDWire
import ZeroMQ

/// The sending end of the frame stream, used by `soaplens replay` (and later the IMD bridge):
/// binds an XPUB (PUB semantics: lossy, never blocks the source) or PUSH (lossless) socket and
/// sends wire-protocol messages. Not thread-safe: use from one thread.
public final class FramePublisher {
    /// The socket pattern.
    public enum Mode: String, Sendable {
        /// XPUB bound; subscribers connect with SUB. Slow subscribers lose frames (gaps).
        case publish
        /// PUSH bound; one PULL peer connects. Sends block while the peer is slow or absent.
        case push
    }

    public let mode: Mode
    /// The bound endpoint, resolved (a `tcp://127.0.0.1:*` request reads back the port).
    public let endpoint: String
    private let socket: ZMQSocket
    /// Messages sent so far.
    public private(set) var messagesSent: UInt64 = 0
    /// Bytes sent so far.
    public private(set) var bytesSent: UInt64 = 0

    /// Creates and binds the socket.
    /// - Parameters:
    ///   - sendHighWaterMark: messages queued per peer before PUB drops / PUSH blocks.
    ///   - lingerMilliseconds: how long queued messages may still be delivered after close.
    public init(
        context: ZMQContext, mode: Mode, endpoint: String, sendHighWaterMark: Int32 = 1000,
        lingerMilliseconds: Int32 = 10_000
    ) throws(ZMQError) {
        self.mode = mode
        socket = try ZMQSocket(context: context, type: mode == .publish ? .xpub : .push)
        try socket.setSendHighWaterMark(sendHighWaterMark)
        try socket.setLinger(milliseconds: lingerMilliseconds)
        self.endpoint = try socket.bind(endpoint)
    }

    /// Waits until a subscriber has joined, so that nothing published afterwards is lost to
    /// ZeroMQ's slow-joiner effect. XPUB: waits for a subscription message covering the
    /// `frame` topic. PUSH: waits until a peer is connected (the socket becomes writable).
    /// - Returns: `true` once a subscriber is there, `false` on timeout or when `stop()` says so.
    public func waitForSubscriber(timeoutSeconds: Double?, stop: () -> Bool = { false }) throws(ZMQError) -> Bool {
        let deadline = timeoutSeconds.map { WallClock.monotonic() + $0 }
        while !stop() {
            if let deadline, WallClock.monotonic() > deadline { return false }
            switch mode {
            case .publish:
                if let parts = try socket.receive(timeoutMilliseconds: 100), let msg = parts.first,
                    msg.first == 1
                {
                    let topic = msg.dropFirst()
                    if WireProtocol.frameTopic.starts(with: topic) { return true }
                }
            case .push:
                if try socket.waitWritable(timeoutMilliseconds: 100) { return true }
            }
        }
        return false
    }

    /// Sends a frame, stamping `sent_at` now. Returns `false` if it could not be queued
    /// (only with `dontWait`).
    @discardableResult
    public func send(_ frame: Frame, precision: WireEncoder.Precision = .float64, dontWait: Bool = false) throws(ZMQError) -> Bool {
        try send(parts: WireEncoder.encode(frame, sentAt: WallClock.now(), precision: precision), dontWait: dontWait)
    }

    /// Sends a control message.
    @discardableResult
    public func send(_ control: ControlMessage) throws(ZMQError) -> Bool {
        try send(parts: WireEncoder.encode(control), dontWait: false)
    }

    /// Sends a frame, waiting while the socket is full (PUSH with a slow or absent peer) but
    /// giving up as soon as `stop()` returns true, so a signal can always end a lossless
    /// replay. Returns `false` when stopped before the frame was queued.
    public func send(
        _ frame: Frame, precision: WireEncoder.Precision = .float64, until stop: () -> Bool
    ) throws(ZMQError) -> Bool {
        try send(parts: WireEncoder.encode(frame, sentAt: WallClock.now(), precision: precision), until: stop)
    }

    /// Sends a control message, giving up when `stop()` returns true (see above).
    public func send(_ control: ControlMessage, until stop: () -> Bool) throws(ZMQError) -> Bool {
        try send(parts: WireEncoder.encode(control), until: stop)
    }

    /// Sends raw parts, waiting in steps of 100 ms while the socket would block and checking
    /// `stop()` between them.
    public func send(parts: [[UInt8]], until stop: () -> Bool) throws(ZMQError) -> Bool {
        while true {
            if try send(parts: parts, dontWait: true) { return true }
            if stop() { return false }
            _ = try socket.waitWritable(timeoutMilliseconds: 100)
        }
    }

    /// Sends raw parts (tests use it to inject malformed messages).
    @discardableResult
    public func send(parts: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        let ok = try socket.send(parts, dontWait: dontWait)
        if ok {
            messagesSent += 1
            bytesSent += UInt64(parts.reduce(0) { $0 + $1.count })
        }
        return ok
    }

    /// Closes the socket; queued messages are still delivered for up to the linger time.
    public func close() { socket.close() }
}
