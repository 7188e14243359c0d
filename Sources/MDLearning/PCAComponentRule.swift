/// How many principal components a ``PCAModel`` keeps (scikit-learn's `n_components`).
public enum PCAComponentRule: Sendable, Equatable, Hashable {
    /// The fewest components whose cumulative explained-variance ratio is **strictly greater**
    /// than the fraction, which must lie in (0, 1): scikit-learn's float `n_components`,
    /// `searchsorted(cumsum(ratio), v, side='right') + 1`. The study uses 0.995 (Cu, Au) and
    /// 0.99 (ice) (conventions §5). The count never exceeds min(rows, features).
    case varianceFraction(Double)
    /// A fixed number of components, 1 ... min(rows, features) (scikit-learn's integer
    /// `n_components` with the `covariance_eigh` solver).
    case count(Int)
}
