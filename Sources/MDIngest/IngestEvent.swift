import MDCore

/// What the subscriber hands to the analysis, in arrival order.
public enum IngestEvent: Sendable {
    /// A run begins; `implicit` when inferred from a frame with a new run id.
    case segmentStart(RunRecord, implicit: Bool)
    /// A validated frame (atoms sorted by id) and how it arrived.
    case frame(Frame, FrameReceipt)
    /// A run ended (its `end` message arrived); the record has the final counts.
    case segmentEnd(RunRecord)
    /// The connection to `endpoint` was lost and re-created (see
    /// ``FrameSubscriber/restoreConnectionIfLost()``).
    case reconnected(endpoint: String)
    /// A message was rejected; the daemon logs it and goes on.
    case rejected(code: String, message: String)
}

/// How one frame arrived.
public struct FrameReceipt: Sendable {
    /// Publish-to-receive latency, seconds (wall clock).
    public var latency: Double?
    /// Frames lost just before this one (sequence gap).
    public var gapBefore: UInt64
    /// Size of the message, bytes.
    public var bytes: Int

    public init(latency: Double?, gapBefore: UInt64, bytes: Int) {
        self.latency = latency
        self.gapBefore = gapBefore
        self.bytes = bytes
    }
}
