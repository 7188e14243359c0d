import CLinAlg
import Foundation

/// One Gaussian-mixture fit's buffers and parameters, and scikit-learn's EM steps on them
/// (`BaseMixture.fit_predict`, `GaussianMixture._e_step/_m_step`, full covariances).
///
/// Allocated once per fit: the rows (n × d), the log-responsibilities (n × k), two n × d
/// scratch blocks, and the parameters. No allocation inside the EM loop except the small
/// LAPACK work matrix of `precisionCholesky`.
final class GaussianMixtureEM {
    let n: Int
    let d: Int
    let k: Int
    let regularisation: Double
    let x: UnsafeMutablePointer<Double>
    /// Weighted log-probabilities, then log-responsibilities, then responsibilities (n × k).
    let table: UnsafeMutablePointer<Double>
    let scratchA: UnsafeMutablePointer<Double>
    let scratchB: UnsafeMutablePointer<Double>
    var weights: [Double]
    var means: [Double]
    var covariances: [Double]
    var precisionsCholesky: [Double]
    var logDeterminants: [Double]
    var logWeights: [Double]

    init(rows: UnsafeBufferPointer<Double>, count n: Int, width d: Int, components k: Int, regularisation: Double) {
        self.n = n
        self.d = d
        self.k = k
        self.regularisation = regularisation
        x = .allocate(capacity: n * d)
        x.initialize(from: rows.baseAddress!, count: n * d)
        table = .allocate(capacity: n * k)
        table.initialize(repeating: 0, count: n * k)
        scratchA = .allocate(capacity: n * d)
        scratchA.initialize(repeating: 0, count: n * d)
        scratchB = .allocate(capacity: n * d)
        scratchB.initialize(repeating: 0, count: n * d)
        weights = [Double](repeating: 0, count: k)
        means = [Double](repeating: 0, count: k * d)
        covariances = [Double](repeating: 0, count: k * d * d)
        precisionsCholesky = [Double](repeating: 0, count: k * d * d)
        logDeterminants = [Double](repeating: 0, count: k)
        logWeights = [Double](repeating: 0, count: k)
    }

    deinit {
        x.deallocate()
        table.deallocate()
        scratchA.deallocate()
        scratchB.deallocate()
    }

    /// Sets the parameters the E-step reads (weights, means, precision Cholesky factors).
    func setParameters(weights w: [Double], means m: [Double], precisionsCholesky u: [Double]) {
        weights = w
        means = m
        precisionsCholesky = u
        refreshDerived()
    }

    private func refreshDerived() {
        logWeights = weights.map { log($0) }
        logDeterminants = precisionsCholesky.withUnsafeBufferPointer {
            GaussianMixtureKernels.logDeterminants(precisionsCholesky: $0.baseAddress!, components: k, width: d)
        }
    }

    /// sklearn `_e_step`: fills `table` with the log-responsibilities and returns the mean
    /// per-row log-likelihood (`log_prob_norm.mean()`).
    func expectation() -> Double {
        means.withUnsafeBufferPointer { m in
            precisionsCholesky.withUnsafeBufferPointer { u in
                logDeterminants.withUnsafeBufferPointer { ld in
                    logWeights.withUnsafeBufferPointer { lw in
                        GaussianMixtureKernels.weightedLogProbabilities(
                            rows: x, count: n, width: d, components: k, means: m.baseAddress!, precisionsCholesky: u.baseAddress!,
                            logDeterminants: ld.baseAddress!, logWeights: lw.baseAddress!, into: table, scratch: scratchA)
                    }
                }
            }
        }
        var total = 0.0
        for i in 0..<n {
            let r = table + i * k
            let norm = GaussianMixtureKernels.logSumExp(r, k)
            for c in 0..<k { r[c] -= norm }
            total += norm
        }
        return total / Double(n)
    }

    /// First argmax of each row of `table` (after `expectation`, the labels).
    func labels() -> [Int32] {
        (0..<n).map { i in
            let r = table + i * k
            var best = 0
            for c in 1..<max(k, 1) where r[c] > r[best] { best = c }
            return Int32(best)
        }
    }

    /// sklearn `_m_step`: responsibilities = exp(table), then
    /// `_estimate_gaussian_parameters` (weights normalised by their sum) and the precision
    /// Cholesky factors.
    func maximisation(iteration: Int) throws(GaussianMixtureError) {
        for i in 0..<(n * k) { table[i] = exp(table[i]) }
        let nk = estimateParameters()
        let total = nk.reduce(0, +)
        weights = nk.map { $0 / total }
        try updatePrecisions(iteration: iteration)
    }

    /// Parameters from one-hot responsibilities of `labels` (sklearn's `init_params='kmeans'`
    /// path of `_initialize`): weights = nk / n (not / Σ nk), means, covariances, factors.
    func initialise(fromLabels labels: [Int32]) throws(GaussianMixtureError) {
        table.update(repeating: 0, count: n * k)
        for i in 0..<n { table[i * k + Int(labels[i])] = 1 }
        let nk = estimateParameters()
        weights = nk.map { $0 / Double(n) }
        try updatePrecisions(iteration: 0)
    }

    private func updatePrecisions(iteration: Int) throws(GaussianMixtureError) {
        try covariances.withUnsafeBufferPointer { (cov) throws(GaussianMixtureError) in
            try precisionsCholesky.withUnsafeMutableBufferPointer { (u) throws(GaussianMixtureError) in
                try GaussianMixtureKernels.precisionCholesky(
                    covariances: cov.baseAddress!, components: k, width: d, into: u.baseAddress!, iteration: iteration)
            }
        }
        refreshDerived()
    }

    /// sklearn `_estimate_gaussian_parameters` + `_estimate_gaussian_covariances_full` with the
    /// responsibilities in `table`: nk = Σ_i r_ic + 10 ε, μ = (Rᵀ X) / nk,
    /// Σ_c = ((r_c ∘ (X − μ_c))ᵀ (X − μ_c)) / nk + reg · I. Returns nk.
    private func estimateParameters() -> [Double] {
        var nk = [Double](repeating: 0, count: k)
        for i in 0..<n { for c in 0..<k { nk[c] += table[i * k + c] } }
        for c in 0..<k { nk[c] += 10 * Double.ulpOfOne }
        means.withUnsafeMutableBufferPointer { m in
            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(k), Int32(d), Int32(n), 1.0, table, Int32(k), x, Int32(d), 0.0, m.baseAddress!, Int32(d))
            for c in 0..<k { for f in 0..<d { m[c * d + f] /= nk[c] } }
        }
        means.withUnsafeBufferPointer { m in
            covariances.withUnsafeMutableBufferPointer { cov in
                for c in 0..<k {
                    let mu = m.baseAddress! + c * d
                    for i in 0..<n {
                        let r = table[i * k + c]
                        for f in 0..<d {
                            let diff = x[i * d + f] - mu[f]
                            scratchA[i * d + f] = diff
                            scratchB[i * d + f] = r * diff
                        }
                    }
                    let out = cov.baseAddress! + c * d * d
                    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(d), Int32(n), 1.0, scratchB, Int32(d), scratchA, Int32(d), 0.0, out, Int32(d))
                    for e in 0..<(d * d) { out[e] /= nk[c] }
                    for f in 0..<d { out[f * d + f] += regularisation }
                }
            }
        }
        return nk
    }
}
