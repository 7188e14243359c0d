import CLinAlg
import Foundation

/// How far the data seen live have moved from what a fitted PCA basis describes, measured
/// against an exact streaming PCA of the live rows (``PCAAccumulator``):
///
/// - **principal angles** θ₁ ≤ … ≤ θ_k between the fitted basis V (k × d) and the live
///   top-k basis W: cos θ_i are the singular values of V Wᵀ (SciPy's `subspace_angles`, which
///   returns them largest first); 0° means the live data spread along the same directions;
/// - **fitted share**: the share of the live variance (around the live mean) that lies in the
///   fitted subspace, Σ_j v_jᵀ C v_j / tr C with C the live covariance;
/// - **live share**: the same for the live top-k basis, Σ λ_j / tr C, the most any k-dimensional
///   basis can explain. `liveShare − fittedShare` is the variance the fitted basis misses.
public struct SubspaceDrift: Sendable, Equatable {
    /// Principal angles, degrees, largest first (as `scipy.linalg.subspace_angles`).
    public var anglesDegrees: [Double]
    /// Share of the live variance inside the fitted subspace, in [0, 1].
    public var fittedShare: Double
    /// Share of the live variance inside the live top-k subspace, in [0, 1].
    public var liveShare: Double
    /// Live rows measured.
    public var rows: Int

    /// The largest principal angle, degrees.
    public var maximumAngleDegrees: Double { anglesDegrees.first ?? 0 }

    /// Compares `fitted` with the PCA of the rows in `live` (same width; at least 2 rows).
    public init(fitted: PCAModel, live: PCAAccumulator) throws(LearningError) {
        let d = fitted.featureCount, k = fitted.componentCount
        guard live.featureCount == d else {
            throw .dimensionMismatch(expected: d, got: live.featureCount, context: "SubspaceDrift: live rows against the fitted PCA")
        }
        guard live.count > k else { throw .emptyInput("SubspaceDrift: \(live.count) live rows for \(k) components (need more than k)") }
        let model = try live.fit(rule: .count(k))
        // Live covariance: the upper triangle of the co-moment, scaled.
        let scale = 1.0 / Double(live.count - 1)
        var trace = 0.0
        for i in 0..<d { trace += live.comoment[i * d + i] * scale }
        // C Vᵀ (d × k) with the upper triangle (dsymm), then Σ_j v_j · (C v_j).
        var product = [Double](repeating: 0, count: d * k)
        var vt = [Double](repeating: 0, count: d * k)
        for j in 0..<k { for i in 0..<d { vt[i * k + j] = fitted.components[j * d + i] } }
        cblas_dsymm(CblasRowMajor, CblasLeft, CblasUpper, Int32(d), Int32(k), scale, live.comoment, Int32(d), vt, Int32(k), 0, &product, Int32(k))
        var inside = 0.0
        for i in 0..<d { for j in 0..<k { inside += vt[i * k + j] * product[i * k + j] } }
        // cos θ: singular values of V Wᵀ (k × k); sin θ: those of Wᵀ − Vᵀ(V Wᵀ) (d × k), the
        // part of the live basis outside the fitted one. Small angles come from the sines,
        // large ones from the cosines (cos² θ ≥ ½ picks the sine, as SciPy).
        var overlap = [Double](repeating: 0, count: k * k)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(k), Int32(k), Int32(d), 1, fitted.components, Int32(d), model.components, Int32(d), 0, &overlap, Int32(k))
        var residual = [Double](repeating: 0, count: d * k)
        for i in 0..<d { for j in 0..<k { residual[i * k + j] = model.components[j * d + i] } }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(d), Int32(k), Int32(k), -1, fitted.components, Int32(d), overlap, Int32(k), 1, &residual, Int32(k))
        let cosines = try Self.singularValues(&overlap, rows: k, columns: k).sorted()  // ascending: largest angle first
        let sines = try Self.singularValues(&residual, rows: d, columns: k).sorted(by: >)  // descending: largest angle first
        anglesDegrees = (0..<k).map { i in
            let c = min(max(cosines[i], -1), 1)
            let radians = c * c >= 0.5 ? asin(min(max(sines[i], -1), 1)) : acos(c)
            return radians * 180 / .pi
        }
        fittedShare = trace > 0 ? min(max(inside / trace, 0), 1) : 0
        liveShare = trace > 0 ? min(model.explainedVariance.reduce(0, +) / trace, 1) : 0
        rows = live.count
    }

    /// Singular values of a row-major matrix (destroyed).
    private static func singularValues(_ a: inout [Double], rows m: Int, columns n: Int) throws(LearningError) -> [Double] {
        var s = [Double](repeating: 0, count: min(m, n))
        var superb = [Double](repeating: 0, count: max(min(m, n) - 1, 1))
        let info = LAPACKE_dgesvd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), Int32(m), Int32(n), &a, Int32(n), &s, nil, 1, nil, 1, &superb)
        guard info == 0 else { throw .lapackFailure(routine: "dgesvd", info: info) }
        return s
    }
}
