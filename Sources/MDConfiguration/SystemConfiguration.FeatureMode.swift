extension SystemConfiguration {
    /// What one row of the analysed data is (`features.mode`, conventions §4).
    public enum FeatureMode: String, Sendable, Equatable, CaseIterable {
        /// χ = (unit-norm SOAP, smoothed and clipped LENS of the following interval): the study's.
        case soapAndLens = "soap+lens"
        /// The SOAP spectra only (same analysed frames).
        case soap
        /// The smoothed LENS only, classified by ``SystemConfiguration/LensClasses``.
        case lens

        /// Whether SOAP spectra are computed.
        public var usesSoap: Bool { self != .lens }
        /// Whether LENS is computed.
        public var usesLens: Bool { self != .soap }
        /// Whether rows go through PCA and ``SystemConfiguration/Clustering`` (otherwise the
        /// LENS classes of ``SystemConfiguration/LensClasses`` label them).
        public var usesPCAAndClustering: Bool { self != .lens }
    }
}
