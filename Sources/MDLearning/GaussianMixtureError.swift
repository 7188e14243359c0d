/// Why a Gaussian-mixture fit or its initial parameters cannot be used. Other failures
/// (empty input, wrong widths, non-finite values, bad settings) are `LearningError`s.
public enum GaussianMixtureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A component's covariance (after adding the regularisation to its diagonal) is not
    /// positive definite: LAPACK `dpotrf` found a non-positive leading minor of the given
    /// order. `iteration` is the EM iteration whose M-step produced it (0: the initialisation).
    /// This is scikit-learn's "ill-defined empirical covariance" `ValueError`.
    case illDefinedCovariance(component: Int, leadingMinor: Int, iteration: Int)
    /// Initial parameters that scikit-learn would reject (`_check_weights`, `_check_means`,
    /// `_check_precisions`): what is wrong, in words.
    case invalidInitialParameters(String)

    public var description: String {
        switch self {
        case .illDefinedCovariance(let component, let minor, let iteration):
            "Fitting the mixture model failed because component \(component) has an ill-defined empirical covariance "
                + "(not positive definite: leading minor of order \(minor), \(iteration == 0 ? "at initialisation" : "EM iteration \(iteration)"); "
                + "for instance caused by singleton or collapsed samples). Try to decrease the number of components, "
                + "increase the regularisation (reg_covar), or scale the input data."
        case .invalidInitialParameters(let what): "invalid initial Gaussian-mixture parameters: \(what)"
        }
    }
}
