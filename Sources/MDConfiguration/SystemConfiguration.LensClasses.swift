extension SystemConfiguration {
    /// `[lens_classes]`: how LENS-only mode labels the smoothed LENS values (conventions §6).
    public enum LensClasses: Sendable, Equatable {
        /// `KMeans(n_clusters: clusters, n_init, random_state: seed)` on the 1-D smoothed LENS
        /// of the analysed frames; clusters renumbered by increasing centre, then each value
        /// gets the cluster with the smallest maximum above it (the notebook's `classifying`).
        /// Defaults: clusters 3, n_init 10, seed 666 (the notebook's).
        case kmeans(clusters: Int, nInit: Int, seed: Int)
        /// Manual thresholds, strictly ascending: label = number of thresholds ≤ x.
        case thresholds([Double])

        /// The default: `kmeans(clusters: 3, nInit: 10, seed: 666)`.
        public static let standard = LensClasses.kmeans(clusters: 3, nInit: 10, seed: 666)
    }
}
