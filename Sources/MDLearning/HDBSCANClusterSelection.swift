/// How HDBSCAN* picks the flat clustering from the condensed tree (hdbscan's
/// `cluster_selection_method`).
public enum HDBSCANClusterSelection: String, Sendable, CaseIterable {
    /// Excess of mass: a cluster is kept when its stability is at least the summed
    /// stability of its selected descendants (the default, and what the study uses).
    case eom
    /// The leaves of the condensed cluster tree: the most fine-grained clusters.
    case leaf
}
