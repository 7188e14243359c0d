import MDCore

/// Which frames of a live run the online analysis uses, so that consecutive analysed frames
/// are the model's frame interval apart (δ is the neighbour change over one interval and the
/// smoothing spans `window` intervals: a model fitted at one spacing means nothing at another).
///
/// The stream's spacing Δs is measured from the first two frames of the run, per sequence
/// number (a lost frame between them does not fool it): Δs = (t₁ − t₀) / (seq₁ − seq₀).
/// - Δs equal to the model's Δt (1e-6 relative): every frame is analysed.
/// - Δt a whole multiple k ≥ 2 of Δs: every k-th frame is analysed (frames at t₀ + j·k·Δs),
///   and ``note`` says so.
/// - Anything else (a coarser stream, a fraction, frames without a time): refused with an error
///   that says what differs, unless `acceptMismatch`; then every frame is analysed and
///   ``warning`` is set, which the daemon repeats in every message of the run.
///
/// A frame's grid position is round((t − t₀)/Δs); the analysed index is position / k. Frames
/// between grid points are skipped; a jump of the analysed index by more than one means frames
/// of the grid were lost (the caller ends the stretch there). A frame off the grid (its time not
/// within 1e-3·Δs of a grid point) is refused or, when accepted, analysed with the warning.
/// Without times (accepted only) positions come from sequence numbers.
struct FrameGrid {
    /// The model's frame interval Δt, ps.
    let expected: Double
    let acceptMismatch: Bool
    /// The stream's spacing per sequence number, ps (nil until two frames, or without times).
    private(set) var streamInterval: Double?
    /// Every k-th grid frame is analysed.
    private(set) var stride = 1
    /// Information for the user once the grid is set (decimation).
    private(set) var note: String?
    /// Set when the run proceeds despite a mismatch (`acceptMismatch`).
    private(set) var warning: String?
    private var first: Frame?
    private var origin: (sequence: UInt64, time: Double?)?

    init(expected: Double, acceptMismatch: Bool) {
        self.expected = expected
        self.acceptMismatch = acceptMismatch
    }

    /// Frames to analyse now, with their analysed index: none for a run's first frame (held
    /// until the second sets the spacing), then usually zero or one.
    mutating func admit(_ frame: Frame) throws -> [(frame: Frame, index: Int)] {
        guard origin != nil else {
            if first == nil {
                first = frame
                return []
            }
            let held = first!
            first = nil
            try calibrate(held, frame)
            return try [position(held), position(frame)].compactMap { $0 }
        }
        return try position(frame).map { [$0] } ?? []
    }

    private mutating func calibrate(_ a: Frame, _ b: Frame) throws {
        origin = (a.sequence, a.time)
        let seqs = b.sequence > a.sequence ? Double(b.sequence - a.sequence) : 1
        guard let ta = a.time, let tb = b.time else {
            try mismatch("the frames carry no time, so their spacing cannot be compared with the model's \(expected) ps "
                + "(give the publisher the MD time step: replay --dt, the Python publisher's dt)")
            return
        }
        let ds = (tb - ta) / seqs
        guard ds > 0 else {
            try mismatch("frames at steps \(a.step) and \(b.step) do not advance in time (\(ta) → \(tb) ps)")
            return
        }
        streamInterval = ds
        if FrameIntervalCheck.close(ds, expected) { return }
        let ratio = expected / ds
        if ratio >= 1.5, FrameIntervalCheck.close(ratio, ratio.rounded()) {
            stride = Int(ratio.rounded())
            note = "the stream's frames are \(ds) ps apart and the model's \(expected) ps: analysing every \(stride)-th frame"
            return
        }
        try mismatch("the stream's frames are \(ds) ps apart (steps \(a.step) → \(b.step)) but the model was fitted at \(expected) ps, "
            + "which is not a whole multiple of it")
    }

    private mutating func mismatch(_ message: String) throws {
        guard acceptMismatch else {
            throw StageError(message + "; refusing this run (--accept-interval analyses it anyway, with a warning in every message)")
        }
        if warning == nil { warning = message + "; analysed anyway (--accept-interval): the labels may mean nothing" }
    }

    private mutating func position(_ frame: Frame) throws -> (frame: Frame, index: Int)? {
        let origin = origin!
        let grid: Int
        if let ds = streamInterval, let t0 = origin.time, let t = frame.time {
            let exact = (t - t0) / ds
            grid = Int(exact.rounded())
            if abs(exact - Double(grid)) > 1e-3 {
                // Accepted: analysed at the nearest grid point.
                try mismatch("frame \(frame.sequence) (step \(frame.step)) comes at \(t) ps, off the grid of \(ds) ps from \(t0) ps")
            }
        } else {
            grid = Int(frame.sequence) - Int(origin.sequence)
        }
        guard grid >= 0, grid % stride == 0 else { return nil }
        return (frame, grid / stride)
    }
}
