extension SystemConfiguration {
    /// `[clustering.gmm]`: `sklearn.mixture.GaussianMixture(n_components, covariance_type="full",
    /// init_params="kmeans", tol, max_iter, random_state=seed)` (conventions §6).
    public struct GaussianMixture: Sendable, Equatable {
        /// `components`, ≥ 1 (required in the table). The study: 3 for ice/water.
        public var components: Int
        /// Convergence threshold on the average lower-bound gain per EM step (`tolerance`, > 0, default
        /// 1e-9, the notebook's; scikit-learn's own default is 1e-3).
        public var tolerance: Double
        /// EM iterations at most (`max_iterations`, ≥ 1, default 1000).
        public var maxIterations: Int
        /// Seed of the k-means initialisation (`seed`, 0…2³²−1, default 0).
        public var seed: Int

        public init(components: Int, tolerance: Double = 1e-9, maxIterations: Int = 1000, seed: Int = 0) {
            self.components = components
            self.tolerance = tolerance
            self.maxIterations = maxIterations
            self.seed = seed
        }
    }
}
