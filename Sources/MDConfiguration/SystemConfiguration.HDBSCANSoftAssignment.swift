extension SystemConfiguration {
    /// `clustering.hdbscan.soft`: which points take the argmax of their soft-membership vector
    /// (`hdbscan.all_points_membership_vectors`, conventions §6).
    public enum HDBSCANSoftAssignment: String, Sendable, Equatable, CaseIterable {
        /// Every point (the study's notebook; may relabel a few non-noise points).
        case all
        /// Only the noise points (the paper's wording).
        case noise
    }
}
