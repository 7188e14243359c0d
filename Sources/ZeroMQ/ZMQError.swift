import CZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by libzmq (or by this wrapper when a call cannot be made), carrying the
/// failed operation and, when there is one, the endpoint it concerned.
///
/// `description` reads like `zmq_bind(tcp://127.0.0.1:99999): Invalid argument (errno 22)`, so a
/// log line names the socket address the user has to fix.
public struct ZMQError: Error, Sendable, CustomStringConvertible {
    /// The errno value (POSIX or one of libzmq's own, such as `ETERM`).
    public var errno: Int32
    /// The libzmq call or wrapper operation that failed, e.g. `zmq_bind` or `zmq_setsockopt(ZMQ_LINGER)`.
    public var operation: String
    /// The endpoint the operation concerned (bind, connect, disconnect), if any.
    public var endpoint: String?
    /// The human-readable reason (`zmq_strerror`), or a wrapper-specific explanation.
    public var message: String

    /// Creates an error for `errno`; `message` defaults to libzmq's text for that errno.
    public init(errno: Int32, operation: String, endpoint: String? = nil, message: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.endpoint = endpoint
        self.message = message ?? String(cString: zmq_strerror(errno))
    }

    /// The error libzmq reports for the calling thread right now (`zmq_errno`).
    static func last(_ operation: String, endpoint: String? = nil) -> ZMQError {
        ZMQError(errno: zmq_errno(), operation: operation, endpoint: endpoint)
    }

    /// True for `EAGAIN`: a non-blocking call would block, or a send/receive timeout expired.
    public var isTimeout: Bool { errno == EAGAIN }

    /// True for `ETERM`: the context was terminated while the call was pending.
    public var isTerminated: Bool { errno == ETERM }

    public var description: String {
        let target = endpoint.map { "(\($0))" } ?? ""
        return "\(operation)\(target): \(message) (errno \(errno))"
    }
}
