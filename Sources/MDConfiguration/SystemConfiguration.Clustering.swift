extension SystemConfiguration {
    /// `[clustering]` and its subtables: how the PCA-reduced rows are clustered (SOAP and
    /// SOAP+LENS modes; validated but unused in LENS-only mode).
    public struct Clustering: Sendable, Equatable {
        /// `method`; required when the mode clusters.
        public var method: ClusteringMethod?
        /// `[clustering.hdbscan]`, if given.
        public var hdbscan: HDBSCAN?
        /// `[clustering.gmm]`, if given.
        public var gmm: GaussianMixture?
        /// `[clustering.kmeans]`, if given.
        public var kmeans: KMeans?

        public init(method: ClusteringMethod? = nil, hdbscan: HDBSCAN? = nil, gmm: GaussianMixture? = nil, kmeans: KMeans? = nil) {
            self.method = method
            self.hdbscan = hdbscan
            self.gmm = gmm
            self.kmeans = kmeans
        }
    }
}
