extension SystemConfiguration {
    /// `[clustering.hdbscan]`: `hdbscan.HDBSCAN(min_cluster_size, min_samples,
    /// cluster_selection_method)`, other settings at hdbscan's defaults (conventions §6).
    public struct HDBSCAN: Sendable, Equatable {
        /// `min_cluster_size`, ≥ 2 (required in the table). The study: 80 Cu(211), 150 Au.
        public var minClusterSize: Int
        /// `min_samples`, ≥ 1 (default: `min_cluster_size`, hdbscan's `None`).
        public var minSamples: Int
        /// `selection` (default eom).
        public var selection: HDBSCANClusterSelection
        /// `soft` (default all, the notebook).
        public var soft: HDBSCANSoftAssignment

        public init(minClusterSize: Int, minSamples: Int? = nil, selection: HDBSCANClusterSelection = .eom, soft: HDBSCANSoftAssignment = .all) {
            self.minClusterSize = minClusterSize
            self.minSamples = minSamples ?? minClusterSize
            self.selection = selection
            self.soft = soft
        }
    }
}
