extension SystemConfiguration {
    /// `[soap]`: the SOAP power spectrum, computed as dscribe 2.1.2 does (conventions §1).
    public struct Soap: Sendable, Equatable {
        /// Radial cutoff of the GTO basis, Å (`r_cut`, > 1, dscribe's bound). Required when the
        /// mode uses SOAP; nil otherwise if not given. The study: 6 / 4.48 / 6 Å.
        public var rCut: Double?
        /// Radial basis functions per l (`n_max`, ≥ 1, default 8).
        public var nMax: Int
        /// Largest angular degree (`l_max`, 0…20, default 8).
        public var lMax: Int
        /// Width of each atom's Gaussian, Å (`sigma`, > 0, default 1).
        public var sigma: Double
        /// Output layout (`layout`, default full).
        public var layout: SoapLayout
        /// Whether each spectrum is divided by its full-layout norm (`normalised`, default true;
        /// χ needs unit-norm spectra).
        public var normalised: Bool

        public init(rCut: Double? = nil, nMax: Int = 8, lMax: Int = 8, sigma: Double = 1, layout: SoapLayout = .full, normalised: Bool = true) {
            self.rCut = rCut
            self.nMax = nMax
            self.lMax = lMax
            self.sigma = sigma
            self.layout = layout
            self.normalised = normalised
        }
    }
}
