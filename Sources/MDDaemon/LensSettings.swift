import MDCore

/// LENS settings shared by `describe` and the daemon (`run --lens`).
public struct LensSettings: Sendable {
    /// Neighbour cutoff r_cut, Å (pairs with 0 < d < r_cut).
    public var cutoff: Double
    /// LENS lag k, frames.
    public var lag: Int
    /// Frames between a frame and the first frame on which its smoothed value is final:
    /// the interval ends `lag` frames later and the smoothing needs ⌊w/2⌋ more intervals.
    public var resultLagFrames: Int { lag + window / 2 }
    /// Savitzky–Golay window (frames) and polynomial order.
    public var window: Int
    public var polyorder: Int
    /// The analysed atoms.
    public var centres: Selection
    /// Atoms counted as neighbours; nil = the centres (the study's choice).
    public var environment: Selection?
    /// LAMMPS type → species name, for `type N` selections (`--species`).
    public var typeNames: [Int: String]

    public init(
        cutoff: Double = 6, lag: Int = 1, window: Int = 20, polyorder: Int = 2, centres: Selection = .all,
        environment: Selection? = nil, typeNames: [Int: String] = [:]
    ) {
        self.cutoff = cutoff
        self.lag = lag
        self.window = window
        self.polyorder = polyorder
        self.centres = centres
        self.environment = environment
        self.typeNames = typeNames
    }

    /// Checks the numbers before any frame arrives.
    public func validate() throws(StageError) {
        guard cutoff > 0, cutoff.isFinite else { throw StageError("the LENS cutoff must be > 0 Å, got \(cutoff)") }
        guard lag >= 1 else { throw StageError("the LENS lag must be ≥ 1 frame, got \(lag)") }
        guard window >= 1, polyorder >= 0, polyorder < window else {
            throw StageError("Savitzky–Golay needs window ≥ 1 and 0 ≤ polyorder < window, got window \(window), polyorder \(polyorder)")
        }
    }

    /// Text of the environment selection for outputs.
    public var environmentText: String { environment.map(\.description) ?? "centres (\(centres))" }
}

/// An analysis stage refused its input or settings.
public struct StageError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
