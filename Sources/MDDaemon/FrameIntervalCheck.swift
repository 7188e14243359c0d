import MDCore

/// Checks that a trajectory's frames are spaced as the configuration says
/// (`system.frame_interval_ps`): δ is the neighbour change over one frame interval and the
/// smoothing window spans `window` intervals, so a model fitted at one spacing means nothing
/// at another (conventions §2–§3).
///
/// The spacing is measured from the frames' times (ps) between consecutive frames read (after
/// `--start/--stride`). Equal to the configured Δt within 1e-6 relative: fine. A whole
/// fraction of it: an error that names the `--stride` that would match. Anything else, or
/// uneven spacing: an error, unless `acceptMismatch`, which turns it into a warning. Frames
/// without a time (a LAMMPS dump read without `--dt`) cannot be checked: one warning.
struct FrameIntervalCheck {
    /// The configured Δt, ps.
    let expected: Double
    /// The stride in use (for the advice).
    let stride: Int
    let acceptMismatch: Bool
    /// The first measured spacing, ps.
    private(set) var measured: Double?
    private(set) var warnings: [String] = []
    private var previous: (step: Int64, time: Double)?
    private var warnedNoTime = false
    private var warnedMismatch = false

    init(expected: Double, stride: Int, acceptMismatch: Bool) {
        self.expected = expected
        self.stride = stride
        self.acceptMismatch = acceptMismatch
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(abs(a), abs(b)) }

    mutating func observe(_ frame: Frame, file: String) throws {
        guard let time = frame.time else {
            if !warnedNoTime {
                warnedNoTime = true
                warnings.append(
                    "\(file): frames carry no time (a LAMMPS dump needs --dt, the MD time step in ps), so the frame interval "
                        + "cannot be checked; the configuration's \(expected) ps is assumed")
            }
            return
        }
        defer { previous = (frame.step, time) }
        guard let previous else { return }
        let dt = time - previous.time
        if let measured {
            if !Self.close(dt, measured) {
                try mismatch("\(file): frame at step \(frame.step) comes \(dt) ps after the previous one (step \(previous.step)), "
                    + "but earlier frames were \(measured) ps apart: the analysis needs evenly spaced frames")
            }
            return
        }
        measured = dt
        guard !Self.close(dt, expected) else { return }
        var advice = "set system.frame_interval_ps to \(dt) (or --frame-interval) if the analysis is meant for this spacing"
        let ratio = expected / dt
        if dt > 0, ratio >= 1.5, Self.close(ratio, ratio.rounded()) {
            advice = "read every \(Int(ratio.rounded()))-th frame with --stride \(Int(ratio.rounded()) * stride) to match it"
        }
        try mismatch("\(file): frames are \(dt) ps apart (steps \(previous.step) → \(frame.step)) but the configuration's "
            + "frame_interval_ps is \(expected) ps; \(advice)")
    }

    private mutating func mismatch(_ message: String) throws {
        guard acceptMismatch else { throw StageError(message + " (--accept-interval proceeds anyway)") }
        if !warnedMismatch {
            warnedMismatch = true
            warnings.append(message + "; proceeding (--accept-interval)")
        }
    }
}
