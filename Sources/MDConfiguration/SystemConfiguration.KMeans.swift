extension SystemConfiguration {
    /// `[clustering.kmeans]`: `sklearn.cluster.KMeans(n_clusters, n_init, random_state=seed)`,
    /// k-means++ initialisation.
    public struct KMeans: Sendable, Equatable {
        /// `clusters`, ≥ 1 (required in the table).
        public var clusters: Int
        /// Initialisations, the best inertia is kept (`n_init`, ≥ 1, default 10).
        public var nInit: Int
        /// `seed`, 0…2³²−1 (default 0).
        public var seed: Int

        public init(clusters: Int, nInit: Int = 10, seed: Int = 0) {
            self.clusters = clusters
            self.nInit = nInit
            self.seed = seed
        }
    }
}
