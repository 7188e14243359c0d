import MDCore

/// A `control` message: the start or the end of a run (segment). The daemon flushes its
/// windows at the end of a run and never computes across two runs.
public struct ControlMessage: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// The next frames belong to a new run.
        case segmentStart = "segment-start"
        /// The run has ended; ``ControlMessage/frames`` frames were published in it.
        case end
    }

    public var kind: Kind
    public var runID: String
    /// Publish wall-clock time, s since 1970.
    public var sentAt: Double
    /// Frames published in the run (on `end`), so a receiver can count trailing losses.
    public var frames: UInt64?
    /// Free-text description of the source.
    public var source: String?

    public init(kind: Kind, runID: String, sentAt: Double, frames: UInt64? = nil, source: String? = nil) {
        self.kind = kind
        self.runID = runID
        self.sentAt = sentAt
        self.frames = frames
        self.source = source
    }
}

/// A decoded, validated wire message.
public enum WireMessage: Sendable {
    case frame(Frame)
    case control(ControlMessage)
}
