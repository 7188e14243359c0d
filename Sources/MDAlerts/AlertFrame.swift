/// One analysed frame of a run as the alert engine reads it (the daemon's `OnlineFrame`): per
/// centre, in the order of ``centreIDs``, its micro and macro cluster, smoothed LENS, novelty
/// and optionally its position.
public struct AlertFrame: Sendable {
    public var runID: String
    /// MD step of the analysed frame.
    public var step: Int64
    /// Time of the analysed frame, ps (nil when the frames carry none).
    public var time: Double?
    /// Position among the run's analysed frames (the model's frame grid, 0-based); consecutive
    /// within a stretch, a jump means lost frames.
    public var index: Int
    /// Atom ids of the centres: the order of every per-atom array (fixed for a run).
    public var centreIDs: [Int64]
    /// Micro cluster per centre (0..<k_micro).
    public var micro: [Int32]
    /// Macro cluster per centre (0..<k).
    public var macro: [Int32]
    /// Smoothed, clipped LENS δ per centre (dimensionless).
    public var lens: [Double]
    /// Novelty per centre in [0, 1]; NaN when unknown.
    public var novelty: [Double]
    /// Centre positions, Å, flat x0 y0 z0 x1 …(3 per centre), or nil.
    public var positions: [Double]?

    public init(runID: String, step: Int64, time: Double? = nil, index: Int, centreIDs: [Int64], micro: [Int32], macro: [Int32],
                lens: [Double], novelty: [Double], positions: [Double]? = nil) {
        self.runID = runID
        self.step = step
        self.time = time
        self.index = index
        self.centreIDs = centreIDs
        self.micro = micro
        self.macro = macro
        self.lens = lens
        self.novelty = novelty
        self.positions = positions
    }
}
