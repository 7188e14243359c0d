extension SystemConfiguration {
    /// `clustering.method`.
    public enum ClusteringMethod: String, Sendable, Equatable, CaseIterable {
        /// HDBSCAN* with soft labels (`[clustering.hdbscan]`): Cu(211) and Au.
        case hdbscan
        /// Gaussian mixture, full covariance (`[clustering.gmm]`): ice/water.
        case gmm
        /// KMeans (`[clustering.kmeans]`).
        case kmeans
    }
}
