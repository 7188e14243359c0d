import CZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libzmq socket.
///
/// **Not thread-safe** (libzmq sockets are not): use a socket from one thread at a time. The class
/// is deliberately not `Sendable`; Swift 6 lets you create it inside the thread or task that owns
/// it, or move a fresh one there. Blocking calls (`receive()` without a timeout, `waitReadable`)
/// block the calling thread, so run receive loops on a dedicated `Thread`, not on the cooperative
/// pool.
///
/// Lifetime: the socket keeps a strong reference to its ``ZMQContext``; ``close(lingerMilliseconds:)``
/// is idempotent and also runs from `deinit`.
///
/// Linger: every socket gets a bounded linger at creation (``defaultLingerMilliseconds(for:)``):
/// 0 ms for receive-only types (`sub`, `xsub`, `pull`; they have nothing worth flushing) and
/// 1000 ms for the others, so that messages queued just before closing still leave on a live
/// connection, while a dead peer delays context termination by at most one second. Change it
/// with ``setLinger(milliseconds:)`` or ``close(lingerMilliseconds:)``.
public final class ZMQSocket {
    /// The socket's pattern.
    public let type: ZMQSocketType

    /// The context this socket belongs to (kept alive by the socket).
    public let context: ZMQContext

    /// The raw `void *` socket handle; nil once closed.
    private(set) var handle: UnsafeMutableRawPointer?

    /// One reusable `zmq_msg_t` for receiving (64 bytes, pointer-aligned, stable address).
    /// Each use is `zmq_msg_init` … `zmq_msg_close`, so message memory is released exactly once.
    let message: UnsafeMutablePointer<zmq_msg_t>

    /// The linger (ms) a new socket of `type` gets: 0 for receive-only types, 1000 otherwise.
    public static func defaultLingerMilliseconds(for type: ZMQSocketType) -> Int32 {
        type.isReceiveOnly ? 0 : 1000
    }

    /// Creates a socket of `type` in `context`, with the default linger for its type.
    public init(context: ZMQContext, type: ZMQSocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.zmqValue) else {
            throw ZMQError.last("zmq_socket(\(type))")
        }
        var linger = Self.defaultLingerMilliseconds(for: type)
        if zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size) != 0 {
            let error = ZMQError.last("zmq_setsockopt(ZMQ_LINGER)")
            zmq_close(handle)
            throw error
        }
        self.type = type
        self.context = context
        self.handle = handle
        self.message = .allocate(capacity: 1)
    }

    deinit {
        close()
        message.deallocate()
    }

    /// True once ``close(lingerMilliseconds:)`` has run.
    public var isClosed: Bool { handle == nil }

    /// Closes the socket (`zmq_close`). Idempotent. If `lingerMilliseconds` is given, it is set as
    /// `ZMQ_LINGER` first (0 discards unsent messages; -1 waits for them forever at context
    /// termination, which can hang: avoid).
    public func close(lingerMilliseconds: Int32? = nil) {
        guard let handle else { return }
        if var linger = lingerMilliseconds {
            // Best effort: the only failure on an open socket would be EINTR/ETERM, and the socket
            // is closed right after in any case.
            _ = zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        }
        zmq_close(handle)
        self.handle = nil
    }

    /// The open handle, or an `ENOTSOCK` error naming `operation` if the socket was closed.
    func openHandle(_ operation: String, endpoint: String? = nil) throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else {
            throw ZMQError(
                errno: ENOTSOCK, operation: operation, endpoint: endpoint,
                message: "the \(type) socket is closed")
        }
        return handle
    }

    /// Runs a libzmq call that returns 0 or -1, retrying when a signal interrupts it (EINTR).
    func check(_ operation: String, endpoint: String? = nil, _ call: () -> Int32) throws(ZMQError) {
        while call() != 0 {
            let code = zmq_errno()
            if code != EINTR {
                throw ZMQError(errno: code, operation: operation, endpoint: endpoint)
            }
        }
    }

    // MARK: - Endpoints

    /// Binds to `endpoint` exactly as given (`tcp://127.0.0.1:5555`, `tcp://127.0.0.1:*` for an
    /// ephemeral port, `inproc://name`, `ipc:///path`) and returns the endpoint actually bound
    /// (`ZMQ_LAST_ENDPOINT`, e.g. `tcp://127.0.0.1:41234`).
    /// Port numbers above 65535 are rejected (`EINVAL`): libzmq would silently truncate them to
    /// 16 bits and bind or connect somewhere else.
    @discardableResult
    public func bind(_ endpoint: String) throws(ZMQError) -> String {
        let socket = try openHandle("zmq_bind", endpoint: endpoint)
        try Self.checkTCPPort(endpoint, operation: "zmq_bind")
        try check("zmq_bind", endpoint: endpoint) { zmq_bind(socket, endpoint) }
        return try lastEndpoint
    }

    /// Stops listening on `endpoint`, which must be the string ``bind(_:)`` returned.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        let socket = try openHandle("zmq_unbind", endpoint: endpoint)
        try check("zmq_unbind", endpoint: endpoint) { zmq_unbind(socket, endpoint) }
    }

    /// Connects to `endpoint`. For tcp the connection is made (and remade) in the background:
    /// success means the address parsed, not that a peer is listening.
    /// Port numbers above 65535 are rejected (`EINVAL`), as for ``bind(_:)``.
    public func connect(_ endpoint: String) throws(ZMQError) {
        let socket = try openHandle("zmq_connect", endpoint: endpoint)
        try Self.checkTCPPort(endpoint, operation: "zmq_connect")
        try check("zmq_connect", endpoint: endpoint) { zmq_connect(socket, endpoint) }
    }

    /// Disconnects from an endpoint given earlier to ``connect(_:)``.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        let socket = try openHandle("zmq_disconnect", endpoint: endpoint)
        try check("zmq_disconnect", endpoint: endpoint) { zmq_disconnect(socket, endpoint) }
    }

    /// Throws `EINVAL` for a `tcp://` endpoint whose numeric port is above 65535.
    static func checkTCPPort(_ endpoint: String, operation: String) throws(ZMQError) {
        guard endpoint.hasPrefix("tcp://"), let colon = endpoint.lastIndex(of: ":") else { return }
        let port = endpoint[endpoint.index(after: colon)...]
        guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }) else { return }
        if port.count > 5 || Int(port)! > 65535 {
            throw ZMQError(
                errno: EINVAL, operation: operation, endpoint: endpoint,
                message: "tcp port \(port) is out of range (0...65535)")
        }
    }

    /// The endpoint of the last successful bind or connect (`ZMQ_LAST_ENDPOINT`), with wildcard
    /// ports resolved; empty if there was none.
    public var lastEndpoint: String {
        get throws(ZMQError) {
            let socket = try openHandle("zmq_getsockopt(ZMQ_LAST_ENDPOINT)")
            var buffer = [CChar](repeating: 0, count: 1024)
            var size = buffer.count
            try check("zmq_getsockopt(ZMQ_LAST_ENDPOINT)") {
                zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, &buffer, &size)
            }
            let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
