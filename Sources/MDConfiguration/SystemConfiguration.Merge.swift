extension SystemConfiguration {
    /// `[merge]`: hierarchical merging of micro clusters into macro clusters (conventions §8):
    /// correlation distance between rows of the transition-probability matrix, average linkage,
    /// `fcluster(criterion="distance")` at ``cut``.
    public struct Merge: Sendable, Equatable {
        /// `enabled` (default true; the study turns it off for ice/water).
        public var enabled: Bool
        /// `cut`, the cophenetic distance at which the dendrogram is cut, in (0, 2] (correlation
        /// distances lie in [0, 2]; default 1, the study's).
        public var cut: Double

        public init(enabled: Bool = true, cut: Double = 1) {
            self.enabled = enabled
            self.cut = cut
        }
    }
}
