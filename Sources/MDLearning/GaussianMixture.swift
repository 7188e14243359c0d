/// A full-covariance Gaussian mixture fitted by EM, as scikit-learn's
/// `GaussianMixture(covariance_type='full', init_params='kmeans', n_init=1)` (sklearn 1.9,
/// `sklearn/mixture/_base.py`, `_gaussian_mixture.py`).
///
/// What is matched:
/// * initialisation: the labels of a `KMeans(clusters: components, initCount: 1, seed: seed)`
///   (tol 1e-4, 300 iterations, k-means++) become one-hot responsibilities, from which
///   weights (nk / n), means and covariances (+ `regularisation` on the diagonal) are
///   estimated (`_initialize`);
/// * each iteration: E-step (log-responsibilities and the mean log-likelihood, stable
///   log-sum-exp), M-step (`_estimate_gaussian_parameters` with nk + 10ε, weights nk / Σ nk,
///   precision Cholesky factors by LAPACK `dpotrf`), and the stop when the mean
///   log-likelihood changed by less than `tolerance` (`abs(change) < tol`);
/// * the model keeps the parameters after the last M-step and, as `lowerBound`, the mean
///   log-likelihood of the last E-step (sklearn `lower_bound_`); a final E-step gives the
///   labels (`fit_predict`).
///
/// Differences: the KMeans of the initialisation uses `SeededGenerator`, not numpy's
/// `RandomState`, so `fit(rows:count:width:)` starts elsewhere than sklearn for the same
/// seed; `fit(…initial:)` and `fit(…initialLabels:)` take the starting point explicitly and
/// then follow sklearn step by step. One initialisation only (sklearn `n_init=1`, the study's
/// setting); no sample weights; `maxIterations` ≥ 1.
///
/// Rows are row-major `count × width` doubles.
public struct GaussianMixture: Sendable {
    /// Number of components k (sklearn `n_components`).
    public var components: Int
    /// Convergence threshold on the change of the mean log-likelihood between iterations
    /// (sklearn `tol`, default 1e-3; the study uses 1e-9).
    public var tolerance: Double
    /// Maximum EM iterations (sklearn `max_iter`, default 100; the study uses 1000).
    public var maxIterations: Int
    /// Added to the diagonal of every covariance (sklearn `reg_covar`, 1e-6).
    public var regularisation: Double
    /// Seed of the KMeans initialisation.
    public var seed: UInt64

    public init(components: Int, tolerance: Double = 1e-3, maxIterations: Int = 100, regularisation: Double = 1e-6, seed: UInt64 = 0) {
        self.components = components
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.regularisation = regularisation
        self.seed = seed
    }

    /// Fits from a KMeans labelling of the rows (sklearn `init_params='kmeans'`).
    public func fit(rows: [Double], count: Int, width: Int) throws -> GaussianMixtureModel {
        try validate(rows: rows, count: count, width: width)
        let labels = try KMeans(clusters: components, initCount: 1, seed: seed).fit(rows: rows, count: count, width: width).labels
        return try fit(rows: rows, count: count, width: width, initialLabels: labels)
    }

    /// Fits from the parameters estimated on one-hot responsibilities of `initialLabels`
    /// (each in `0..<components`): what sklearn does with its KMeans labels.
    public func fit(rows: [Double], count: Int, width: Int, initialLabels: [Int32]) throws -> GaussianMixtureModel {
        try validate(rows: rows, count: count, width: width)
        guard initialLabels.count == count else {
            throw LearningError.dimensionMismatch(expected: count, got: initialLabels.count, context: "GaussianMixture initial labels (one per row)")
        }
        if let bad = initialLabels.firstIndex(where: { $0 < 0 || Int($0) >= components }) {
            throw GaussianMixtureError.invalidInitialParameters("label \(initialLabels[bad]) of row \(bad) outside 0..<\(components)")
        }
        let em = rows.withUnsafeBufferPointer { GaussianMixtureEM(rows: $0, count: count, width: width, components: components, regularisation: regularisation) }
        try em.initialise(fromLabels: initialLabels)
        return try run(em)
    }

    /// Fits from given initial parameters — sklearn's `weights_init`, `means_init` and the
    /// precision Cholesky factors sklearn derives from `precisions_init`
    /// (`_compute_precision_cholesky_from_precisions`): weights k (in [0, 1], sum 1 to 1e-8),
    /// means k × width, precisionsCholesky k × width × width upper triangular with a positive
    /// diagonal.
    public func fit(
        rows: [Double], count: Int, width: Int, initial: (weights: [Double], means: [Double], precisionsCholesky: [Double])
    ) throws -> GaussianMixtureModel {
        try validate(rows: rows, count: count, width: width)
        let k = components
        let d = width
        guard initial.weights.count == k, initial.means.count == k * d, initial.precisionsCholesky.count == k * d * d else {
            throw GaussianMixtureError.invalidInitialParameters(
                "expected \(k) weights, \(k)×\(d) means, \(k)×\(d)×\(d) precision factors; got \(initial.weights.count), \(initial.means.count), \(initial.precisionsCholesky.count)")
        }
        guard initial.weights.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
            throw GaussianMixtureError.invalidInitialParameters("weights must lie in [0, 1]")
        }
        let sum = initial.weights.reduce(0, +)
        guard abs(1 - sum) <= 1e-8 else { throw GaussianMixtureError.invalidInitialParameters("weights sum to \(sum), not 1") }
        guard initial.means.allSatisfy(\.isFinite), initial.precisionsCholesky.allSatisfy(\.isFinite) else {
            throw GaussianMixtureError.invalidInitialParameters("non-finite mean or precision factor")
        }
        for c in 0..<k {
            for i in 0..<d {
                guard initial.precisionsCholesky[(c * d + i) * d + i] > 0 else {
                    throw GaussianMixtureError.invalidInitialParameters("precision factor \(c) has a non-positive diagonal entry \(i)")
                }
                for j in 0..<i where initial.precisionsCholesky[(c * d + i) * d + j] != 0 {
                    throw GaussianMixtureError.invalidInitialParameters("precision factor \(c) is not upper triangular (entry \(i), \(j))")
                }
            }
        }
        let em = rows.withUnsafeBufferPointer { GaussianMixtureEM(rows: $0, count: count, width: width, components: k, regularisation: regularisation) }
        em.setParameters(weights: initial.weights, means: initial.means, precisionsCholesky: initial.precisionsCholesky)
        return try run(em)
    }

    private func validate(rows: [Double], count: Int, width: Int) throws(LearningError) {
        guard components >= 1 else { throw .invalidParameter(name: "components", value: "\(components)", reason: "must be at least 1") }
        guard maxIterations >= 1 else { throw .invalidParameter(name: "maxIterations", value: "\(maxIterations)", reason: "must be at least 1") }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidParameter(name: "tolerance", value: "\(tolerance)", reason: "must be finite and ≥ 0") }
        guard regularisation >= 0, regularisation.isFinite else {
            throw .invalidParameter(name: "regularisation", value: "\(regularisation)", reason: "must be finite and ≥ 0")
        }
        try RowMatrix.validate(rows, count: count, width: width, what: "GaussianMixture")
        guard count >= components else {
            throw .invalidParameter(name: "components", value: "\(components)", reason: "more components than rows (\(count))")
        }
    }

    /// sklearn `BaseMixture.fit_predict`'s loop for one initialisation.
    private func run(_ em: GaussianMixtureEM) throws(GaussianMixtureError) -> GaussianMixtureModel {
        var lowerBound = -Double.infinity
        var converged = false
        var iterations = 0
        for iteration in 1...maxIterations {
            iterations = iteration
            let previous = lowerBound
            let logLikelihood = em.expectation()
            try em.maximisation(iteration: iteration)
            lowerBound = logLikelihood
            if abs(lowerBound - previous) < tolerance {
                converged = true
                break
            }
        }
        _ = em.expectation()
        return GaussianMixtureModel(
            components: components, width: em.d, weights: em.weights, means: em.means, covariances: em.covariances,
            precisionsCholesky: em.precisionsCholesky, converged: converged, iterations: iterations, lowerBound: lowerBound,
            labels: em.labels())
    }
}
