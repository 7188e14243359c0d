import CZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libzmq context: the I/O threads and the inproc namespace shared by sockets.
///
/// libzmq contexts are thread-safe, so this class is `Sendable` and can be shared freely; create
/// sockets from it on the thread that will use them.
///
/// Lifetime: every ``ZMQSocket`` keeps a strong reference to its context, so the context is only
/// destroyed after its last socket has been closed and released. `deinit` calls `zmq_ctx_term`,
/// which then returns after the sockets' linger periods (see ``ZMQSocket/defaultLingerMilliseconds(for:)``)
/// instead of blocking forever on a socket that Swift's ARC had not yet released.
public final class ZMQContext: @unchecked Sendable {
    /// The raw `void *` context handle. Valid for the lifetime of this object.
    let handle: UnsafeMutableRawPointer

    /// The number of libzmq I/O threads this context was created with.
    public let ioThreads: Int

    /// Creates a context with `ioThreads` background I/O threads (0 is allowed for an
    /// inproc-only context; one thread handles about a gigabyte per second of tcp traffic).
    public init(ioThreads: Int = 1) throws(ZMQError) {
        guard ioThreads >= 0, ioThreads <= Int(Int32.max) else {
            throw ZMQError(
                errno: EINVAL, operation: "zmq_ctx_set(ZMQ_IO_THREADS)",
                message: "the number of I/O threads must be between 0 and \(Int32.max), got \(ioThreads)")
        }
        guard let handle = zmq_ctx_new() else {
            throw ZMQError.last("zmq_ctx_new")
        }
        if zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(ioThreads)) != 0 {
            let error = ZMQError.last("zmq_ctx_set(ZMQ_IO_THREADS)")
            zmq_ctx_term(handle)
            throw error
        }
        self.handle = handle
        self.ioThreads = ioThreads
    }

    deinit {
        // zmq_ctx_term may be interrupted by a signal; it must then be called again.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }
}
