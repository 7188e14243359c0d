import Synchronization

/// A thread-safe "please stop" flag shared between a blocking loop on its own thread and
/// whoever asks it to stop (a signal handler, a graceful-shutdown handler).
public final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the loop to stop.
    public func set() { flag.store(true, ordering: .releasing) }

    /// `true` once ``set()`` was called.
    public var isSet: Bool { flag.load(ordering: .acquiring) }
}
