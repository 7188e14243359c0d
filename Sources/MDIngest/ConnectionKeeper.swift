import CZMQ
import ZeroMQ

/// Keeps a connecting socket (SUB, PULL) connected. libzmq ends a connecting session for good
/// when the peer breaks the protocol (for instance a message above the maximum size): it does
/// not reconnect by itself, so one bad message would cut a subscriber off its publisher. An
/// ordinary disconnect (the publisher exits or restarts) is followed at once by libzmq's own
/// `CONNECT_RETRIED`; a disconnect with no retry or new connection within ``abandonedAfter``
/// seconds is a terminated session, and only then is the connection re-created. (Re-creating
/// it on every disconnect would discard messages that arrived but were not yet read.)
///
/// Used by the daemon's frame subscriber and by `soaplens listen`; not thread-safe.
public final class ConnectionKeeper {
    /// What ``poll()`` saw.
    public enum Event: Sendable, Equatable {
        /// A connection (or a reconnection by libzmq) was established.
        case connected
        /// The connection was lost (libzmq normally reconnects by itself).
        case disconnected
        /// The session had ended for good and was re-created here.
        case recreated
    }

    /// Seconds after a disconnect without libzmq reconnecting before the connection is
    /// re-created.
    public static let abandonedAfter = 0.5

    private let socket: ZMQSocket
    private let endpoint: String
    private let monitor: ZMQSocket
    private var lostSince: Double?

    /// Starts the monitor and connects `socket` to `endpoint`.
    public init(socket: ZMQSocket, connectingTo endpoint: String) throws(ZMQError) {
        self.socket = socket
        self.endpoint = endpoint
        monitor = try socket.startMonitor(
            events: ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CONNECTED | ZMQ_EVENT_CONNECT_RETRIED | ZMQ_EVENT_CONNECT_DELAYED)
        try socket.connect(endpoint)
    }

    /// Reads the connection events that arrived (never blocks) and re-creates an abandoned
    /// connection, never while messages are still queued on the socket.
    public func poll() -> [Event] {
        var events: [Event] = []
        while let event = try? monitor.receiveMonitorEvent(timeoutMilliseconds: 0) {
            if event.isDisconnected {
                lostSince = lostSince ?? WallClock.monotonic()
                events.append(.disconnected)
            } else {
                lostSince = nil  // CONNECTED, CONNECT_RETRIED or CONNECT_DELAYED: libzmq is on it
                if event.isConnected { events.append(.connected) }
            }
        }
        guard let since = lostSince, WallClock.monotonic() - since > Self.abandonedAfter else { return events }
        if (try? socket.waitReadable(timeoutMilliseconds: 0)) == true { return events }
        lostSince = nil
        try? socket.disconnect(endpoint)
        do {
            try socket.connect(endpoint)
        } catch {
            return events
        }
        events.append(.recreated)
        return events
    }

    /// Closes the monitor (the caller closes the socket).
    public func close() { monitor.close() }
}
