/// Counters of one ingest session: what arrived, what was rejected and why, what was lost.
public struct IngestStatistics: Sendable {
    /// Messages received (any topic, valid or not).
    public var received: UInt64 = 0
    /// Bytes received, all parts.
    public var bytes: UInt64 = 0
    /// Frames accepted and delivered to the analysis.
    public var frames: UInt64 = 0
    /// Control messages accepted.
    public var controls: UInt64 = 0
    /// Rejected messages by reason code (see `docs/wire-protocol.md`).
    public var rejected: [String: UInt64] = [:]
    /// Frames lost in transit, from sequence numbers (including trailing losses found at `end`).
    public var gaps: UInt64 = 0
    /// Frames dropped because their sequence number had already passed.
    public var outOfOrder: UInt64 = 0
    /// Times the subscriber re-created a lost connection (after a protocol error by the peer).
    public var reconnects: UInt64 = 0
    /// Publish-to-receive latency of accepted frames (wall clock; same host or synced clocks).
    public var latency = LatencyHistogram()
    /// Monotonic time (s) of the first and the last accepted frame.
    public var firstFrameAt: Double?
    public var lastFrameAt: Double?

    public init() {}

    /// Total rejected messages.
    public var rejectedTotal: UInt64 { rejected.values.reduce(0, +) }

    /// Accepted frames per second between the first and the last accepted frame.
    public var framesPerSecond: Double? {
        guard let a = firstFrameAt, let b = lastFrameAt, frames > 1, b > a else { return nil }
        return Double(frames - 1) / (b - a)
    }

    /// Counts a rejection.
    public mutating func reject(_ code: String) {
        rejected[code, default: 0] += 1
    }
}
