import CLinAlg
import Foundation

/// The numerical pieces of a full-covariance Gaussian mixture, on raw row-major buffers, each
/// the counterpart of a scikit-learn function in `sklearn/mixture/_gaussian_mixture.py` (1.9).
///
/// Layouts: rows `n × d`; means `k × d`; covariances and precision Cholesky factors
/// `k × d × d` (`[c][i][j]` at `(c·d + i)·d + j`); per-row, per-component tables `n × k`.
/// The precision Cholesky factor of component c is sklearn's `precisions_cholesky_[c]`: the
/// upper-triangular U = (L⁻¹)ᵀ with Σ = L Lᵀ, so that Σ⁻¹ = U Uᵀ and
/// (x − μ)ᵀ Σ⁻¹ (x − μ) = ‖(x − μ) U‖².
enum GaussianMixtureKernels {
    /// d · ln(2π), the constant of the Gaussian log-density.
    static func logTwoPi(_ d: Int) -> Double { Double(d) * log(2 * Double.pi) }

    /// sklearn `_compute_precision_cholesky` (full): Σ = L Lᵀ by LAPACK `dpotrf` (lower), then
    /// U = (L⁻¹)ᵀ by `dtrtri` (sklearn solves L X = I; the same triangle up to rounding).
    /// Writes `k × d × d` into `out`; throws on a covariance that is not positive definite.
    static func precisionCholesky(
        covariances: UnsafePointer<Double>, components k: Int, width d: Int, into out: UnsafeMutablePointer<Double>, iteration: Int
    ) throws(GaussianMixtureError) {
        let a = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        defer { a.deallocate() }
        for c in 0..<k {
            a.update(from: covariances + c * d * d, count: d * d)
            let info = LAPACKE_dpotrf(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int32(d), a, Int32(d))
            guard info == 0 else { throw .illDefinedCovariance(component: c, leadingMinor: Int(info), iteration: iteration) }
            for i in 0..<d { for j in (i + 1)..<max(d, i + 1) { a[i * d + j] = 0 } }
            let inverse = LAPACKE_dtrtri(LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "L")), Int8(UInt8(ascii: "N")), Int32(d), a, Int32(d))
            guard inverse == 0 else { throw .illDefinedCovariance(component: c, leadingMinor: Int(inverse), iteration: iteration) }
            let u = out + c * d * d
            for i in 0..<d { for j in 0..<d { u[i * d + j] = a[j * d + i] } }
        }
    }

    /// sklearn `_compute_log_det_cholesky` (full): Σ_i ln U_ii for each component
    /// (= −½ ln det Σ).
    static func logDeterminants(precisionsCholesky u: UnsafePointer<Double>, components k: Int, width d: Int) -> [Double] {
        (0..<k).map { c in
            var s = 0.0
            for i in 0..<d { s += log(u[c * d * d + i * d + i]) }
            return s
        }
    }

    /// sklearn `_estimate_weighted_log_prob` for a block of rows:
    /// `out[i][c] = −½ (d ln 2π + ‖x_i U_c − μ_c U_c‖²) + ln det U_c + ln w_c`, with
    /// `X U_c` by `cblas_dgemm` as sklearn (`X @ prec_chol − mu @ prec_chol`).
    /// `scratch` holds `n × d` doubles.
    static func weightedLogProbabilities(
        rows x: UnsafePointer<Double>, count n: Int, width d: Int, components k: Int,
        means: UnsafePointer<Double>, precisionsCholesky: UnsafePointer<Double>,
        logDeterminants: UnsafePointer<Double>, logWeights: UnsafePointer<Double>,
        into out: UnsafeMutablePointer<Double>, scratch y: UnsafeMutablePointer<Double>
    ) {
        guard n > 0 else { return }
        let constant = logTwoPi(d)
        var muU = [Double](repeating: 0, count: d)
        for c in 0..<k {
            let u = precisionsCholesky + c * d * d
            let mu = means + c * d
            for j in 0..<d {
                var s = 0.0
                for i in 0..<d { s += mu[i] * u[i * d + j] }
                muU[j] = s
            }
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(d), Int32(d), 1.0, x, Int32(d), u, Int32(d), 0.0, y, Int32(d))
            let add = logDeterminants[c]
            let weight = logWeights[c]
            muU.withUnsafeBufferPointer { m in
                for i in 0..<n {
                    let yi = y + i * d
                    var s = 0.0
                    for j in 0..<d {
                        let t = yi[j] - m[j]
                        s += t * t
                    }
                    out[i * k + c] = -0.5 * (constant + s) + add + weight
                }
            }
        }
    }

    /// The same for one row, without BLAS and without allocating: `(x − μ) U` is accumulated
    /// column by column (differs from the batch form by rounding only).
    @inline(__always)
    static func weightedLogProbabilities(
        row x: UnsafePointer<Double>, width d: Int, components k: Int,
        means: UnsafePointer<Double>, precisionsCholesky: UnsafePointer<Double>,
        logDeterminants: UnsafePointer<Double>, logWeights: UnsafePointer<Double>,
        into out: UnsafeMutablePointer<Double>
    ) {
        let constant = logTwoPi(d)
        for c in 0..<k {
            let u = precisionsCholesky + c * d * d
            let mu = means + c * d
            var s = 0.0
            for j in 0..<d {
                var y = 0.0
                // U is upper triangular: column j has rows 0...j.
                for i in 0...j { y += (x[i] - mu[i]) * u[i * d + j] }
                s += y * y
            }
            out[c] = -0.5 * (constant + s) + logDeterminants[c] + logWeights[c]
        }
    }

    /// log Σ_c exp(v_c), as sklearn's `_logsumexp` (after scipy): the maximum m is taken out,
    /// the entries equal to it counted (M of them), and
    /// `ln(1 + Σ_{v_c ≠ m} e^{v_c − m} / M) + ln M + m`. All −∞ gives −∞.
    @inline(__always)
    static func logSumExp(_ v: UnsafePointer<Double>, _ k: Int) -> Double {
        var m = -Double.infinity
        for c in 0..<k where v[c] > m { m = v[c] }
        let shift = m.isFinite ? m : 0
        var count = 0.0
        var s = 0.0
        for c in 0..<k {
            if v[c] == m { count += 1 } else { s += exp(v[c] - shift) }
        }
        if s != 0 { s /= count }
        return log1p(s) + log(count) + m
    }
}
