import CZMQ

/// Socket options (`zmq_setsockopt`). Each throws a ``ZMQError`` naming the option.
extension ZMQSocket {
    /// Sets an `int` option: the generic escape hatch for options without a dedicated method.
    public func setOption(_ option: Int32, int32 value: Int32) throws(ZMQError) {
        try setOption(option, int32: value, name: "option \(option)")
    }

    /// Sets an `int64_t` option.
    public func setOption(_ option: Int32, int64 value: Int64) throws(ZMQError) {
        try setOption(option, int64: value, name: "option \(option)")
    }

    /// Sets a binary option (e.g. `ZMQ_ROUTING_ID`).
    public func setOption(_ option: Int32, bytes value: [UInt8]) throws(ZMQError) {
        try setOption(option, bytes: value, name: "option \(option)")
    }

    /// Reads an `int` option (`zmq_getsockopt`).
    public func option(int32 option: Int32) throws(ZMQError) -> Int32 {
        let operation = "zmq_getsockopt(option \(option))"
        let socket = try openHandle(operation)
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        try check(operation) { zmq_getsockopt(socket, option, &value, &size) }
        return value
    }

    /// Subscribes a SUB/XSUB socket to messages whose first part starts with `prefix` (UTF-8);
    /// the empty prefix subscribes to everything.
    public func subscribe(_ prefix: String) throws(ZMQError) {
        try subscribe(Array(prefix.utf8))
    }

    /// Subscribes to messages whose first part starts with the bytes `prefix`.
    public func subscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_SUBSCRIBE, bytes: prefix, name: "ZMQ_SUBSCRIBE")
    }

    /// Removes one earlier subscription to `prefix` (UTF-8).
    public func unsubscribe(_ prefix: String) throws(ZMQError) {
        try unsubscribe(Array(prefix.utf8))
    }

    /// Removes one earlier subscription to the bytes `prefix`.
    public func unsubscribe(_ prefix: [UInt8]) throws(ZMQError) {
        try setOption(ZMQ_UNSUBSCRIBE, bytes: prefix, name: "ZMQ_UNSUBSCRIBE")
    }

    /// How long (ms) unsent messages are kept after close, at context termination
    /// (`ZMQ_LINGER`; 0 = discard, -1 = forever).
    public func setLinger(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_LINGER, int32: milliseconds, name: "ZMQ_LINGER")
    }

    /// The outgoing queue limit in messages per peer (`ZMQ_SNDHWM`, default 1000; 0 = unlimited).
    /// Beyond it PUB drops, PUSH/DEALER block.
    public func setSendHighWaterMark(_ n: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDHWM, int32: n, name: "ZMQ_SNDHWM")
    }

    /// The incoming queue limit in messages per peer (`ZMQ_RCVHWM`, default 1000; 0 = unlimited).
    public func setReceiveHighWaterMark(_ n: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVHWM, int32: n, name: "ZMQ_RCVHWM")
    }

    /// The timeout (ms) of a blocking receive (`ZMQ_RCVTIMEO`; -1 = forever). `receive()`
    /// then returns nil when it expires.
    public func setReceiveTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_RCVTIMEO, int32: milliseconds, name: "ZMQ_RCVTIMEO")
    }

    /// The timeout (ms) of a blocking send (`ZMQ_SNDTIMEO`; -1 = forever). `send` then returns false.
    public func setSendTimeout(milliseconds: Int32) throws(ZMQError) {
        try setOption(ZMQ_SNDTIMEO, int32: milliseconds, name: "ZMQ_SNDTIMEO")
    }

    /// The largest inbound message part, in bytes, a peer may send (`ZMQ_MAXMSGSIZE`; -1 = no
    /// limit; libzmq checks each part's size as announced on the wire). A peer that exceeds it is
    /// disconnected before the payload is allocated, which protects a daemon from huge bogus
    /// messages: the message is never delivered, and a connecting peer reconnects afterwards.
    public func setMaxMessageSize(_ bytes: Int64) throws(ZMQError) {
        try setOption(ZMQ_MAXMSGSIZE, int64: bytes, name: "ZMQ_MAXMSGSIZE")
    }

    /// On an XPUB socket, pass every subscription message up, not only new topics (`ZMQ_XPUB_VERBOSE`).
    public func setXPubVerbose(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_XPUB_VERBOSE, int32: on ? 1 : 0, name: "ZMQ_XPUB_VERBOSE")
    }

    /// Queue messages only to completed connections (`ZMQ_IMMEDIATE`): with it, a PUSH whose peer
    /// is down blocks (or fails with `dontWait`) instead of queueing toward the dead peer.
    public func setImmediate(_ on: Bool) throws(ZMQError) {
        try setOption(ZMQ_IMMEDIATE, int32: on ? 1 : 0, name: "ZMQ_IMMEDIATE")
    }

    /// The reconnect back-off (ms) of connecting sockets: starts at `milliseconds`
    /// (`ZMQ_RECONNECT_IVL`, default 100) and doubles up to `max` (`ZMQ_RECONNECT_IVL_MAX`; 0 = no back-off).
    public func setReconnectInterval(milliseconds: Int32, max: Int32) throws(ZMQError) {
        try setOption(ZMQ_RECONNECT_IVL, int32: milliseconds, name: "ZMQ_RECONNECT_IVL")
        try setOption(ZMQ_RECONNECT_IVL_MAX, int32: max, name: "ZMQ_RECONNECT_IVL_MAX")
    }

    // MARK: - Raw setters

    func setOption(_ option: Int32, int32 value: Int32, name: String) throws(ZMQError) {
        let operation = "zmq_setsockopt(\(name))"
        let socket = try openHandle(operation)
        var value = value
        try check(operation) { zmq_setsockopt(socket, option, &value, MemoryLayout<Int32>.size) }
    }

    func setOption(_ option: Int32, int64 value: Int64, name: String) throws(ZMQError) {
        let operation = "zmq_setsockopt(\(name))"
        let socket = try openHandle(operation)
        var value = value
        try check(operation) { zmq_setsockopt(socket, option, &value, MemoryLayout<Int64>.size) }
    }

    func setOption(_ option: Int32, bytes value: [UInt8], name: String) throws(ZMQError) {
        let operation = "zmq_setsockopt(\(name))"
        let socket = try openHandle(operation)
        try check(operation) {
            value.withUnsafeBytes { zmq_setsockopt(socket, option, $0.baseAddress, $0.count) }
        }
    }
}
