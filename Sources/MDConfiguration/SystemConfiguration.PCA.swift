extension SystemConfiguration {
    /// `[pca]`: how many principal components are kept (conventions §5). Give exactly one key.
    public enum PCA: Sendable, Equatable {
        /// `variance = v`, 0 < v < 1: the fewest components whose cumulative explained-variance
        /// ratio is **> v** (scikit-learn's float `n_components`:
        /// `searchsorted(cumsum, v, side="right") + 1`). The study: 0.995 (Cu, Au), 0.99 (ice).
        case variance(Double)
        /// `components = n`, n ≥ 1: a fixed number of components.
        case components(Int)
    }
}
