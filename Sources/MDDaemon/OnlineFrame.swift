import MDLearning

/// One analysed frame of a live run, as the online daemon reports it: every centre's micro
/// and macro cluster, smoothed LENS and novelty, the frame's place in the run and how late
/// the result comes (the smoothing needs ⌊w/2⌋ + lag later frames).
public struct OnlineFrame: Sendable {
    public var runID: String
    /// MD step and time (ps, nil when the frames carry none) of the analysed frame: the first
    /// frame of its LENS interval.
    public var step: Int64
    public var time: Double?
    /// Wire sequence number of the analysed frame.
    public var sequence: UInt64
    /// Position among the run's analysed frames (frames on the model's grid, 0-based).
    public var index: Int
    /// Analysed-grid frames between this frame and the newest one received: the detection lag.
    public var lagFrames: Int
    /// The same in ps (lagFrames × the model's frame interval).
    public var lagPS: Double
    /// Atom ids of the centres, the order of every per-atom array.
    public var centreIDs: [Int64]
    public var micro: [Int32]
    public var macro: [Int32]
    /// Smoothed, clipped δ.
    public var lens: [Double]
    /// Novelty in [0, 1] (``NoveltyModel``; NaN when the model has no calibration).
    public var novelty: [Double]
    /// Positions of the centres in the analysed frame, Å, flat x0 y0 z0 x1 … (as received:
    /// not wrapped into the cell).
    public var positions: [Double]
    /// Centres per macro cluster in this frame.
    public var macroPopulations: [Int]
    /// The run's live macro transition counts so far, row-major [from · count + to].
    public var macroTransitionCounts: [Int]
    /// Centres whose macro cluster differs from the previous analysed frame (0 after a break).
    public var macroChanges: Int
    /// The drift measurement, on the frames it was made.
    public var drift: SubspaceDrift?
    /// Set for runs analysed despite a frame-interval mismatch: repeat it with every result.
    public var warning: String?
    /// Wall time of projection + assignment + novelty + transitions for this frame, s.
    public var assignmentSeconds: Double
}
