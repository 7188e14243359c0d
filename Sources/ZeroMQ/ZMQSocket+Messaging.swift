import CZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sending and receiving whole multipart messages, and readiness polling.
extension ZMQSocket {
    // MARK: - Send

    /// Sends all parts as one multipart message (ZMQ_SNDMORE on all but the last). Each part is
    /// copied into a libzmq message, so the arrays may change right after the call.
    ///
    /// Returns false if it would block and `dontWait` is set (EAGAIN), or when a send timeout
    /// (``setSendTimeout(milliseconds:)``) expires; nothing of the message was sent then. Once the
    /// first part is accepted, the rest is always sent (libzmq queues multipart messages
    /// atomically), so a half-sent message never stays in the socket. Signals (EINTR) are retried.
    /// An empty `parts` array throws `EINVAL`: a message has at least one part.
    @discardableResult
    public func send(_ parts: [[UInt8]], dontWait: Bool = false) throws(ZMQError) -> Bool {
        try sendParts(count: parts.count, dontWait: dontWait) { socket, index, flags in
            parts[index].withUnsafeBytes { zmq_send(socket, $0.baseAddress, $0.count, flags) }
        }
    }

    /// Sends the bytes of each buffer as one multipart message, copying them into libzmq messages
    /// (the buffers need only stay valid during the call). For callers that hold big buffers
    /// (e.g. coordinates) and want to avoid building `[UInt8]` arrays first. Same return value
    /// and atomicity as ``send(_:dontWait:)-([[UInt8]],_)``.
    @discardableResult
    public func send(_ parts: [UnsafeRawBufferPointer], dontWait: Bool = false) throws(ZMQError) -> Bool {
        try sendParts(count: parts.count, dontWait: dontWait) { socket, index, flags in
            zmq_send(socket, parts[index].baseAddress, parts[index].count, flags)
        }
    }

    /// The shared multipart send loop; `sendPart(socket, index, flags)` returns `zmq_send`'s result.
    private func sendParts(
        count: Int, dontWait: Bool,
        _ sendPart: (UnsafeMutableRawPointer, Int, Int32) -> Int32
    ) throws(ZMQError) -> Bool {
        let socket = try openHandle("zmq_send")
        guard count > 0 else {
            throw ZMQError(errno: EINVAL, operation: "zmq_send", message: "a message needs at least one part")
        }
        for index in 0..<count {
            var flags: Int32 = index < count - 1 ? ZMQ_SNDMORE : 0
            if index == 0 && dontWait { flags |= ZMQ_DONTWAIT }
            while sendPart(socket, index, flags) < 0 {
                let code = zmq_errno()
                if code == EINTR { continue }
                if code == EAGAIN {
                    // Before the first part nothing is queued: report "would block".
                    if index == 0 { return false }
                    // Later parts of an accepted message do not hit the high-water mark; keep
                    // going so the socket is never left inside a half-sent message.
                    continue
                }
                throw ZMQError(errno: code, operation: index == 0 ? "zmq_send" : "zmq_send(part \(index))")
            }
        }
        return true
    }

    // MARK: - Receive

    /// Receives one whole multipart message, copying each part into a fresh `[UInt8]` (received
    /// frames may be unaligned, so never reinterpret libzmq's buffers in place).
    ///
    /// `timeoutMilliseconds`: nil (or negative) = block (up to the socket's receive timeout, if set),
    /// 0 = don't wait; returns nil on timeout/EAGAIN. A signal (EINTR) restarts the wait with the
    /// remaining time. Once the first part is in, the remaining parts are read at once (libzmq
    /// delivers multipart messages atomically), so a half-read message never stays in the socket.
    public func receive(timeoutMilliseconds: Int32? = nil) throws(ZMQError) -> [[UInt8]]? {
        let socket = try openHandle("zmq_msg_recv")
        let timeout = timeoutMilliseconds.flatMap { $0 < 0 ? nil : $0 }
        let deadline = timeout.map { ContinuousClock.now.advanced(by: .milliseconds($0)) }

        // First part: wait (bounded by the deadline) until it is there.
        while true {
            var flags: Int32 = 0
            if let deadline {
                let remaining = Self.milliseconds(until: deadline)
                if remaining > 0 {
                    guard try poll(socket, events: ZMQ_POLLIN, until: deadline) else { return nil }
                }
                flags = ZMQ_DONTWAIT
            }
            zmq_msg_init(message)
            if zmq_msg_recv(message, socket, flags) >= 0 { break }
            let code = zmq_errno()
            zmq_msg_close(message)
            if code == EINTR { continue }
            if code == EAGAIN {
                // Readable per poll but gone (or a spurious wake-up): wait again while time remains.
                if let deadline, Self.milliseconds(until: deadline) > 0 { continue }
                return nil
            }
            throw ZMQError(errno: code, operation: "zmq_msg_recv")
        }

        // The first part is in `message`; copy it and drain the remaining parts.
        var parts: [[UInt8]] = []
        while true {
            parts.append(Self.copyBytes(of: message))
            let more = zmq_msg_more(message) != 0
            zmq_msg_close(message)
            if !more { return parts }
            zmq_msg_init(message)
            while zmq_msg_recv(message, socket, 0) < 0 {
                let code = zmq_errno()
                if code == EINTR || code == EAGAIN { continue }
                zmq_msg_close(message)
                throw ZMQError(errno: code, operation: "zmq_msg_recv(part \(parts.count))")
            }
        }
    }

    /// A fresh array holding a copy of the message's bytes.
    private static func copyBytes(of message: UnsafeMutablePointer<zmq_msg_t>) -> [UInt8] {
        let size = zmq_msg_size(message)
        guard size > 0, let data = zmq_msg_data(message) else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: data, count: size))
            initialized = size
        }
    }

    // MARK: - Polling

    /// Waits up to `timeoutMilliseconds` (negative = forever) until a message can be received
    /// (`zmq_poll`, `ZMQ_POLLIN`). Signals restart the wait with the remaining time.
    public func waitReadable(timeoutMilliseconds: Int32) throws(ZMQError) -> Bool {
        let socket = try openHandle("zmq_poll")
        return try poll(socket, events: ZMQ_POLLIN, until: Self.deadline(timeoutMilliseconds))
    }

    /// Waits up to `timeoutMilliseconds` (negative = forever) until a message can be sent without
    /// blocking (`ZMQ_POLLOUT`).
    public func waitWritable(timeoutMilliseconds: Int32) throws(ZMQError) -> Bool {
        let socket = try openHandle("zmq_poll")
        return try poll(socket, events: ZMQ_POLLOUT, until: Self.deadline(timeoutMilliseconds))
    }

    private static func deadline(_ timeoutMilliseconds: Int32) -> ContinuousClock.Instant? {
        timeoutMilliseconds < 0 ? nil : ContinuousClock.now.advanced(by: .milliseconds(timeoutMilliseconds))
    }

    /// Whole milliseconds from now to `deadline`, rounded up; 0 once it has passed.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int {
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return 0 }
        let (seconds, attoseconds) = left.components
        return Int(seconds) * 1000 + Int((attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    /// `zmq_poll` on one socket until `deadline` (nil = forever), retrying on EINTR with the
    /// remaining time. True if one of `events` is ready.
    private func poll(
        _ socket: UnsafeMutableRawPointer, events: Int32, until deadline: ContinuousClock.Instant?
    ) throws(ZMQError) -> Bool {
        var item = zmq_pollitem_t(socket: socket, fd: 0, events: Int16(events), revents: 0)
        while true {
            let timeout = deadline.map { Self.milliseconds(until: $0) } ?? -1
            item.revents = 0
            let ready = zmq_poll(&item, 1, timeout)
            if ready > 0 { return item.revents & Int16(events) != 0 }
            if ready == 0 {
                // zmq_poll can return a little early; wait out any remaining time.
                if let deadline, Self.milliseconds(until: deadline) > 0 { continue }
                return false
            }
            let code = zmq_errno()
            if code != EINTR { throw ZMQError(errno: code, operation: "zmq_poll") }
        }
    }
}
