extension SystemConfiguration {
    /// `clustering.hdbscan.selection`: hdbscan's `cluster_selection_method`.
    public enum HDBSCANClusterSelection: String, Sendable, Equatable, CaseIterable {
        /// Excess of mass (hdbscan's default, the study's).
        case eom
        /// The leaves of the condensed tree.
        case leaf
    }
}
