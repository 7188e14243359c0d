import ZeroMQ

/// The daemon's message socket for subscribers (`soaplens listen`, dashboards): binds an XPUB
/// socket (PUB semantics: a slow or absent subscriber never blocks the daemon; what it cannot
/// take is dropped and counted) and sends two-part messages, topic then body. XPUB rather than
/// PUB so the daemon sees subscriptions arrive: ``waitForSubscribers(_:timeoutSeconds:stop:)``
/// lets a run start only once its loggers are there, so nothing is lost to ZeroMQ's slow-joiner
/// effect. Not thread-safe: use from one thread.
public final class TopicPublisher {
    /// The bound endpoint, resolved (a `tcp://127.0.0.1:*` request reads back the port).
    public let endpoint: String
    private let socket: ZMQSocket
    /// Messages handed to ZeroMQ.
    public private(set) var sent: UInt64 = 0
    /// Messages ZeroMQ could not queue (a subscriber's queue at its high-water mark).
    public private(set) var dropped: UInt64 = 0
    /// Open subscriptions per topic prefix (one per subscriber and topic).
    private var open: [[UInt8]: Int] = [:]

    /// Creates and binds the socket.
    /// - Parameters:
    ///   - sendHighWaterMark: messages queued per subscriber before ZeroMQ drops.
    ///   - lingerMilliseconds: how long queued messages may still go out after ``close()``.
    public init(context: ZMQContext, endpoint: String, sendHighWaterMark: Int32 = 10_000, lingerMilliseconds: Int32 = 2_000) throws(ZMQError) {
        socket = try ZMQSocket(context: context, type: .xpub)
        try socket.setSendHighWaterMark(sendHighWaterMark)
        try socket.setLinger(milliseconds: lingerMilliseconds)
        // Every subscription, also a second subscriber's to a topic already subscribed: the
        // daemon counts subscribers, not topics.
        try socket.setXPubVerbose(true)
        self.endpoint = try socket.bind(endpoint)
    }

    /// Reads the subscription messages that have arrived (never blocks). XPUB queues them on
    /// the socket; the daemon calls this between frames so the counts stay current.
    public func drainSubscriptions() throws(ZMQError) {
        while let parts = try socket.receive(timeoutMilliseconds: 0) {
            guard let first = parts.first, let kind = first.first else { continue }
            let topic = Array(first.dropFirst())
            if kind == 1 { open[topic, default: 0] += 1 } else if kind == 0 { open[topic, default: 0] -= 1 }
        }
    }

    /// Open subscriptions that receive messages whose topic starts with `prefix`: a subscription
    /// to a prefix of it (`""`, `"alert."`) or to a topic under it (`"alert.edge"`).
    public func subscriptions(covering prefix: String) -> Int {
        let p = Array(prefix.utf8)
        return open.reduce(0) { sum, entry in
            let t = entry.key
            return p.starts(with: t) || t.starts(with: p) ? sum + max(entry.value, 0) : sum
        }
    }

    /// Waits until `count` subscriptions covering `prefix` are open (a `soaplens listen` opens
    /// one for `alert.`), up to `timeoutSeconds` (nil: no limit) or until `stop()`. Returns
    /// whether they are.
    public func waitForSubscribers(_ count: Int, covering prefix: String, timeoutSeconds: Double?, stop: () -> Bool = { false }) throws(ZMQError) -> Bool {
        let deadline = timeoutSeconds.map { WallClock.monotonic() + $0 }
        while subscriptions(covering: prefix) < count {
            if stop() { return false }
            if let deadline, WallClock.monotonic() >= deadline { return false }
            if try socket.waitReadable(timeoutMilliseconds: 50) { try drainSubscriptions() }
        }
        return true
    }

    /// Sends `body` under `topic` without ever blocking. Returns false (and counts a drop) when
    /// ZeroMQ could not queue it.
    @discardableResult
    public func send(topic: String, body: [UInt8]) throws(ZMQError) -> Bool {
        let ok = try socket.send([Array(topic.utf8), body], dontWait: true)
        if ok { sent += 1 } else { dropped += 1 }
        return ok
    }

    /// Closes the socket; queued messages still go out for up to the linger time.
    public func close() { socket.close() }
}
