import CLinAlg

/// A fitted principal component analysis: centring on the mean of all rows, no scaling, no
/// whitening (conventions §5).
///
/// It equals scikit-learn ≥ 1.5's `PCA(n_components=…, svd_solver='covariance_eigh')` (the
/// solver `auto` selects for n ≥ 10·d, d ≤ 1000, i.e. the study's shapes):
/// * covariance C = M2 / (n − 1) (M2 from ``PCAAccumulator``, centred first; sklearn forms
///   `XᵀX − n·mean·meanᵀ`, the same matrix up to rounding);
/// * all d eigenpairs of C with LAPACK `dsyevd` (what `numpy.linalg.eigh` calls), sorted by
///   decreasing eigenvalue, negative eigenvalues (rounding) clipped to 0;
/// * explained-variance ratio = eigenvalue / (sum of all d clipped eigenvalues);
/// * signs: sklearn's `svd_flip(u, Vt, u_based_decision=False)` (checked in sklearn 1.9.1's
///   `sklearn/utils/extmath.py`): every component row v is multiplied by
///   `sign(v[argmax(|v|)])`, where argmax takes the **first** index of the largest |value|,
///   so the largest-magnitude entry of each component is positive;
/// * the number of components from a ``PCAComponentRule``.
///
/// ``project(_:count:)`` follows sklearn's `transform`: `X·componentsᵀ − mean·componentsᵀ`
/// (the centring is applied after the product, on the k outputs).
public struct PCAModel: Sendable, Equatable {
    /// Row width d.
    public let featureCount: Int
    /// Number of rows the model was fitted on (n).
    public let sampleCount: Int
    /// Mean of the fitted rows (d values).
    public let mean: [Double]
    /// Principal axes, k × d row-major, unit rows, in decreasing order of variance.
    public let components: [Double]
    /// Variance along each kept component (k values; eigenvalues of C, units of the data²).
    public let explainedVariance: [Double]
    /// `explainedVariance / totalVariance` (k values).
    public let explainedVarianceRatio: [Double]
    /// Sum of all d (clipped) eigenvalues of C = the total variance of the data.
    public let totalVariance: Double
    /// `mean · componentsᵀ` (k values): subtracted after projecting, as sklearn does.
    public let meanProjection: [Double]

    /// Number of kept components k.
    public var componentCount: Int { explainedVariance.count }

    /// Fits the model to the statistics of `accumulator` (see ``PCAAccumulator/fit(rule:)``).
    public init(accumulator: PCAAccumulator, rule: PCAComponentRule) throws(LearningError) {
        let n = accumulator.count
        let d = accumulator.featureCount
        guard n >= 2 else { throw .emptyInput("PCA needs at least 2 rows, got \(n)") }
        let maxComponents = min(n, d)
        switch rule {
        case .count(let k):
            guard k >= 1, k <= maxComponents else {
                throw .invalidParameter(name: "n_components", value: "\(k)", reason: "must be in 1...\(maxComponents) = min(rows, features)")
            }
        case .varianceFraction(let v):
            guard v > 0, v < 1 else {
                throw .invalidParameter(name: "n_components", value: "\(v)", reason: "a variance fraction must lie in (0, 1)")
            }
        }

        // Covariance, upper triangle (row-major), then eigen-decomposition in place.
        var a = accumulator.comoment
        let scale = 1.0 / Double(n - 1)
        for i in 0..<d { for j in i..<d { a[i * d + j] *= scale } }
        var w = [Double](repeating: 0, count: d)
        let info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")),
                                  Int32(d), &a, Int32(d), &w)
        guard info == 0 else { throw .lapackFailure(routine: "dsyevd", info: info) }

        // Descending order, clipped at 0. Eigenvector of w[e] is column e of `a` (row-major).
        var eigenvalues = [Double](repeating: 0, count: d)
        for r in 0..<d { eigenvalues[r] = max(w[d - 1 - r], 0) }
        var total = 0.0
        for value in eigenvalues { total += value }
        guard total > 0 else {
            throw .invalidParameter(name: "rows", value: "\(n) rows", reason: "the total variance is zero (all rows equal); PCA is undefined")
        }

        let k: Int
        switch rule {
        case .count(let c):
            k = c
        case .varianceFraction(let v):
            // searchsorted(cumsum(ratio), v, side='right') + 1: first cumulative ratio > v.
            var cumulative = 0.0
            var chosen = d
            for r in 0..<d {
                cumulative += eigenvalues[r] / total
                if cumulative > v { chosen = r + 1; break }
            }
            k = min(chosen, d)
        }

        var components = [Double](repeating: 0, count: k * d)
        for r in 0..<k {
            let column = d - 1 - r
            var best = 0.0, bestIndex = 0
            for j in 0..<d {
                let value = a[j * d + column]
                components[r * d + j] = value
                if abs(value) > best { best = abs(value); bestIndex = j }
            }
            if components[r * d + bestIndex] < 0 {
                for j in 0..<d { components[r * d + j] = -components[r * d + j] }
            }
        }

        var meanProjection = [Double](repeating: 0, count: k)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(k), Int32(d), 1.0, components, Int32(d),
                    accumulator.mean, 1, 0.0, &meanProjection, 1)

        featureCount = d
        sampleCount = n
        mean = accumulator.mean
        self.components = components
        explainedVariance = Array(eigenvalues[0..<k])
        explainedVarianceRatio = eigenvalues[0..<k].map { $0 / total }
        totalVariance = total
        self.meanProjection = meanProjection
    }

    /// A model restored from stored arrays (a model bundle): `components` k × d row-major,
    /// `explainedVariance` and `explainedVarianceRatio` k values each. The mean projection is
    /// recomputed exactly as fitting computes it, so projections are bit-identical to the
    /// fitted model's. Throws when the shapes disagree or a value is not finite.
    public init(
        featureCount d: Int, sampleCount: Int, mean: [Double], components: [Double], explainedVariance: [Double],
        explainedVarianceRatio: [Double], totalVariance: Double
    ) throws(LearningError) {
        let k = explainedVariance.count
        guard d >= 1, k >= 1, k <= d else {
            throw .invalidParameter(name: "components", value: "\(k) of \(d) features", reason: "need 1 ≤ k ≤ d")
        }
        guard mean.count == d else { throw .dimensionMismatch(expected: d, got: mean.count, context: "PCA mean") }
        guard components.count == k * d else { throw .dimensionMismatch(expected: k * d, got: components.count, context: "PCA components (k × d)") }
        guard explainedVarianceRatio.count == k else {
            throw .dimensionMismatch(expected: k, got: explainedVarianceRatio.count, context: "PCA explained-variance ratios")
        }
        let all = mean + components + explainedVariance + explainedVarianceRatio + [totalVariance]
        if let bad = all.firstIndex(where: { !$0.isFinite }) {
            throw .invalidParameter(name: "PCA model", value: "\(all[bad])", reason: "stored PCA values must be finite")
        }
        var meanProjection = [Double](repeating: 0, count: k)
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(k), Int32(d), 1.0, components, Int32(d),
                    mean, 1, 0.0, &meanProjection, 1)
        featureCount = d
        self.sampleCount = sampleCount
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
        self.explainedVarianceRatio = explainedVarianceRatio
        self.totalVariance = totalVariance
        self.meanProjection = meanProjection
    }

    /// Projects `count` rows (row-major, `count × featureCount`) on the components:
    /// returns `count × componentCount` row-major, `(x − mean)·componentsᵀ` computed as
    /// sklearn does with one `cblas_dgemm`. Throws `.dimensionMismatch` or `.nonFiniteValue`.
    public func project(_ rows: [Double], count rowCount: Int) throws(LearningError) -> [Double] {
        let d = featureCount, k = componentCount
        guard rowCount >= 0, rows.count == rowCount * d else {
            throw .dimensionMismatch(expected: d, got: rowCount > 0 ? rows.count / rowCount : rows.count,
                                     context: "PCAModel.project: \(rows.count) values for \(rowCount) rows")
        }
        for index in rows.indices where !rows[index].isFinite {
            throw .nonFiniteValue(row: index / d, column: index % d)
        }
        guard rowCount > 0 else { return [] }
        var out = [Double](repeating: 0, count: rowCount * k)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rowCount), Int32(k), Int32(d),
                    1.0, rows, Int32(d), components, Int32(d), 0.0, &out, Int32(k))
        out.withUnsafeMutableBufferPointer { o in
            for r in 0..<rowCount {
                for c in 0..<k { o[r * k + c] -= meanProjection[c] }
            }
        }
        return out
    }

    /// Projects one row (`featureCount` values) into `output` (`componentCount` values)
    /// without allocating (`cblas_dgemv`). Throws `.dimensionMismatch` for wrong lengths and
    /// `.nonFiniteValue(row: 0, column:)` for NaN/∞.
    public func project(row: UnsafeBufferPointer<Double>, into output: UnsafeMutableBufferPointer<Double>) throws(LearningError) {
        let d = featureCount, k = componentCount
        guard row.count == d else { throw .dimensionMismatch(expected: d, got: row.count, context: "PCAModel.project(row:)") }
        guard output.count == k else {
            throw .invalidParameter(name: "output.count", value: "\(output.count)", reason: "must equal the component count \(k)")
        }
        for j in 0..<d where !row[j].isFinite { throw .nonFiniteValue(row: 0, column: j) }
        components.withUnsafeBufferPointer { c in
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(k), Int32(d), 1.0, c.baseAddress, Int32(d),
                        row.baseAddress, 1, 0.0, output.baseAddress, 1)
        }
        for c in 0..<k { output[c] -= meanProjection[c] }
    }
}

extension PCAModel {
    /// Squared reconstruction errors ‖x − mean‖² − ‖z‖² of `count` rows (`rows`, count ×
    /// featureCount) given their projections `reduced` (count × componentCount, from
    /// ``project(_:count:)``): the part of each row's deviation from the mean that lies outside
    /// the kept components (the components are orthonormal), clamped at 0. Same units as the
    /// rows squared; for unit-length SOAP the total variance per row is of order 1e-2.
    public func reconstructionErrors(rows: [Double], reduced: [Double], count: Int) throws(LearningError) -> [Double] {
        let d = featureCount, k = componentCount
        guard count >= 0, rows.count == count * d, reduced.count == count * k else {
            throw .dimensionMismatch(expected: d, got: count > 0 ? rows.count / count : rows.count, context: "PCAModel.reconstructionErrors: \(count) rows with \(reduced.count) projected values")
        }
        var errors = [Double](repeating: 0, count: count)
        rows.withUnsafeBufferPointer { x in
            reduced.withUnsafeBufferPointer { z in
                mean.withUnsafeBufferPointer { m in
                    for r in 0..<count {
                        var deviation = 0.0
                        let row = x.baseAddress! + r * d
                        for j in 0..<d {
                            let v = row[j] - m[j]
                            deviation += v * v
                        }
                        var kept = 0.0
                        for c in 0..<k { kept += z[r * k + c] * z[r * k + c] }
                        errors[r] = max(deviation - kept, 0)
                    }
                }
            }
        }
        return errors
    }
}
