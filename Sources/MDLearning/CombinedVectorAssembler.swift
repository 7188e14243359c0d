/// Builds the rows the learning works on, frame by frame, as the study did (conventions §4):
///
/// - analysed frames are those whose LENS interval has an *interior* smoothed value:
///   interval index j ∈ [⌊w/2⌋, n − ⌊w/2⌋) of a stretch of n intervals (scipy's `interp`
///   edges, the first and last ⌊w/2⌋, are dropped — the notebook's `slice(w//2, -w//2)`);
///   the caller simply never passes the tail rows a smoother emits at the end of a stretch,
///   and this type drops the head rows (index < ⌊w/2⌋);
/// - SOAP frame t is paired with the smoothed LENS of the interval that starts at t:
///   `χ_i(t) = (p_i(t), clip(δ̃_i(t, t+lag), 0, 1))`;
/// - rows are frame-major: row `f·N + i` for analysed frame f and centre i.
///
/// Modes: SOAP and LENS (width `soapWidth + 1`), SOAP only (`soapWidth`), LENS only (1); every
/// mode analyses the same frames. SOAP rows wait in a FIFO until their smoothed LENS arrives
/// (⌊w/2⌋ + lag frames later), so memory is O(window × centres × soapWidth).
public struct CombinedVectorAssembler: Sendable {
    /// Which parts make a row.
    public enum Mode: String, Sendable, CaseIterable {
        case soapAndLens = "soap+lens"
        case soap
        case lens
    }

    /// One analysed frame's rows.
    public struct Frame: Sendable, Equatable {
        /// MD step of the frame (the interval's first frame).
        public var step: Int64
        /// Centres × ``CombinedVectorAssembler/width`` values, row-major.
        public var rows: [Double]
        /// The smoothed, clipped LENS value of every centre (whatever the mode).
        public var lens: [Double]
    }

    public let mode: Mode
    public let centreCount: Int
    public let soapWidth: Int
    /// ⌊w/2⌋: smoothed rows with a smaller index within their stretch are edge rows.
    public let halfWindow: Int
    /// Whether the LENS value is clipped to [0, 1] (the study: yes).
    public let clip: Bool
    private var pending: [(step: Int64, rows: [Double])] = []
    private var pendingStart = 0

    public init(mode: Mode, centreCount: Int, soapWidth: Int, halfWindow: Int, clip: Bool = true) {
        precondition(centreCount > 0 && halfWindow >= 0, "need centres and a window")
        precondition(mode == .lens || soapWidth > 0, "SOAP modes need the SOAP width")
        self.mode = mode
        self.centreCount = centreCount
        self.soapWidth = mode == .lens ? 0 : soapWidth
        self.halfWindow = halfWindow
        self.clip = clip
    }

    /// Numbers per row.
    public var width: Int {
        switch mode {
        case .soapAndLens: soapWidth + 1
        case .soap: soapWidth
        case .lens: 1
        }
    }

    /// Frames waiting for their smoothed LENS.
    public var pendingFrames: Int { pending.count - pendingStart }

    /// Frame `step`'s SOAP rows (centres × soapWidth), for every frame in order. Ignored in
    /// LENS-only mode.
    public mutating func pushSOAP(step: Int64, rows: [Double]) throws(LearningError) {
        guard mode != .lens else { return }
        guard rows.count == centreCount * soapWidth else {
            throw .dimensionMismatch(expected: centreCount * soapWidth, got: rows.count, context: "SOAP rows of step \(step)")
        }
        pending.append((step, rows))
    }

    /// A smoothed LENS row of the current stretch, in order: `index` is its position in the
    /// stretch (0 for the interval starting at the stretch's first frame), `step` the step of
    /// the interval's first frame. Returns the analysed frame when the row is interior.
    public mutating func pushSmoothedLENS(step: Int64, index: Int, values: [Double]) throws(LearningError) -> Frame? {
        guard values.count == centreCount else {
            throw .dimensionMismatch(expected: centreCount, got: values.count, context: "smoothed LENS of step \(step)")
        }
        // SOAP of frames before this interval's first frame is no longer needed.
        var soap: [Double] = []
        if mode != .lens {
            while pendingStart < pending.count, pending[pendingStart].step != step {
                pendingStart += 1
            }
            guard pendingStart < pending.count else {
                throw .emptyInput("no SOAP rows for step \(step), the first frame of a smoothed LENS interval")
            }
            soap = pending[pendingStart].rows
            pendingStart += 1
            if pendingStart > 64 && pendingStart * 2 > pending.count {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
        }
        guard index >= halfWindow else { return nil }
        let lens = clip ? values.map { min(max($0, 0), 1) } : values
        var rows: [Double]
        switch mode {
        case .lens:
            rows = lens
        case .soap:
            rows = soap
        case .soapAndLens:
            rows = [Double](repeating: 0, count: centreCount * (soapWidth + 1))
            rows.withUnsafeMutableBufferPointer { out in
                soap.withUnsafeBufferPointer { p in
                    for i in 0..<centreCount {
                        let dst = out.baseAddress! + i * (soapWidth + 1)
                        dst.update(from: p.baseAddress! + i * soapWidth, count: soapWidth)
                        dst[soapWidth] = lens[i]
                    }
                }
            }
        }
        return Frame(step: step, rows: rows, lens: lens)
    }

    /// The end of a stretch (a gap, or the run's end): SOAP rows still waiting are dropped
    /// (their intervals are tail edge rows, never analysed).
    public mutating func endStretch() {
        pending.removeAll(keepingCapacity: true)
        pendingStart = 0
    }
}
