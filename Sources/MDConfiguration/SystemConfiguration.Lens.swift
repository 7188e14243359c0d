extension SystemConfiguration {
    /// `[lens]`: LENS δ and its Savitzky–Golay smoothing (conventions §2–§3).
    public struct Lens: Sendable, Equatable {
        /// Neighbour cutoff, Å (`r_cut`, > 0): neighbours are the environment atoms with
        /// 0 < d < r_cut. Required when the mode uses LENS. The study: 6 / 4.48 / 6 Å.
        public var rCut: Double?
        /// δ between frames t and t + lag (`lag`, frames, ≥ 1, default 1).
        public var lag: Int
        /// Savitzky–Golay window, frames (`window`): ≥ 3 and ≥ polyorder + 1 (SciPy's
        /// `savgol_coeffs` requires polyorder < window_length); even and odd both allowed.
        /// Required when the mode uses LENS. The study: 20 for Cu(211), 100 for Au and ice.
        public var window: Int?
        /// Savitzky–Golay polynomial order (`polyorder`, ≥ 0, default 2).
        public var polyorder: Int
        /// Whether the smoothed LENS is clipped to [0, 1] (`clip`, default true, the notebook).
        public var clip: Bool

        public init(rCut: Double? = nil, lag: Int = 1, window: Int? = nil, polyorder: Int = 2, clip: Bool = true) {
            self.rCut = rCut
            self.lag = lag
            self.window = window
            self.polyorder = polyorder
            self.clip = clip
        }
    }
}
