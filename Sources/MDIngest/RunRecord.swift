/// What the ingest knows about one run (segment) of the stream.
public struct RunRecord: Sendable, Equatable {
    /// The run id from the publisher.
    public var runID: String
    /// Frames accepted in this run.
    public var frames: UInt64 = 0
    /// Sequence numbers skipped (frames lost in transit), including trailing losses found
    /// when the `end` message says how many frames were published.
    public var gaps: UInt64 = 0
    /// Frames that arrived with a sequence number already passed (dropped).
    public var outOfOrder: UInt64 = 0
    /// Frames rejected for this run after their header was read.
    public var rejected: UInt64 = 0
    /// Frames published, from the `end` message.
    public var expectedFrames: UInt64?
    /// First and last accepted MD step.
    public var firstStep: Int64?
    public var lastStep: Int64?
    /// Atom count of the run (fixed by its first frame).
    public var atomCount: Int?
    /// `true` once a `segment-start` was seen (rather than inferred from a new run id).
    public var announced = false
    /// `true` once the `end` message arrived.
    public var ended = false
    /// Next sequence number expected.
    public var nextSequence: UInt64 = 0
    /// Source description from `segment-start`.
    public var source: String?

    public init(runID: String) { self.runID = runID }
}
