import CZMQ

/// A socket event reported by libzmq's socket monitor (`zmq_socket_monitor`).
public struct ZMQMonitorEvent: Sendable, Equatable {
    /// The `ZMQ_EVENT_*` bit, e.g. `ZMQ_EVENT_DISCONNECTED`.
    public var event: UInt16
    /// Event-specific value (a file descriptor, an errno, an interval).
    public var value: UInt32
    /// The endpoint the event concerns.
    public var endpoint: String

    /// `true` for `ZMQ_EVENT_DISCONNECTED`: an established session went away.
    public var isDisconnected: Bool { Int32(event) == ZMQ_EVENT_DISCONNECTED }
    /// `true` for `ZMQ_EVENT_CONNECTED`.
    public var isConnected: Bool { Int32(event) == ZMQ_EVENT_CONNECTED }
}

extension ZMQSocket {
    /// Starts libzmq's monitor for `events` (a mask of `ZMQ_EVENT_*`) and returns a PAIR socket
    /// that receives them; read it with ``ZMQSocket/receiveMonitorEvent(timeoutMilliseconds:)``.
    /// The monitor endpoint is a fresh `inproc://` address. Use the returned socket from the
    /// same thread as this one.
    public func startMonitor(events: Int32) throws(ZMQError) -> ZMQSocket {
        guard let handle else { throw ZMQError(errno: ENOTSOCK, operation: "zmq_socket_monitor") }
        let address = "inproc://soaplens-monitor-\(UInt(bitPattern: handle))-\(UInt32.random(in: 0 ... .max))"
        if zmq_socket_monitor(handle, address, events) != 0 {
            throw ZMQError.last("zmq_socket_monitor(\(address))")
        }
        let pair = try ZMQSocket(context: context, type: .pair)
        try pair.setLinger(milliseconds: 0)
        try pair.connect(address)
        return pair
    }

    /// Reads one monitor event from a socket made by ``startMonitor(events:)``, or nil on timeout.
    public func receiveMonitorEvent(timeoutMilliseconds: Int32) throws(ZMQError) -> ZMQMonitorEvent? {
        guard let parts = try receive(timeoutMilliseconds: timeoutMilliseconds), parts.count >= 1,
            parts[0].count >= 6
        else { return nil }
        let head = parts[0]
        let event = UInt16(head[0]) | UInt16(head[1]) << 8
        let value = UInt32(head[2]) | UInt32(head[3]) << 8 | UInt32(head[4]) << 16 | UInt32(head[5]) << 24
        let endpoint = parts.count > 1 ? String(decoding: parts[1], as: UTF8.self) : ""
        return ZMQMonitorEvent(event: event, value: value, endpoint: endpoint)
    }
}

#if canImport(Glibc)
import Glibc
#endif
