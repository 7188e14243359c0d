/// Which points take the argmax of their soft-membership vector as label.
public enum HDBSCANSoftLabelRule: String, Sendable, CaseIterable {
    /// Every point (the study's notebook: `argmax(all_points_membership_vectors)` row by
    /// row), which can move a few non-noise points to another cluster.
    case everyPoint
    /// Only the noise points; clustered points keep their hard label (the paper's wording).
    case noiseOnly
}
