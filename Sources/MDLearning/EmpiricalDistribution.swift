/// The distribution of a score over the rows a model was fitted on, kept as quantiles, so
/// that a new row's score can be read as "worse than this share of the training rows"
/// (``cumulativeShare(of:)``). Used for the online novelty score: a raw reconstruction error
/// or log-likelihood means little by itself; its rank among the fit's rows does.
///
/// `quantiles[j]` is the score at level j / (levels − 1), from the minimum (j = 0) to the
/// maximum (j = levels − 1), computed with linear interpolation between order statistics
/// (NumPy's default `quantile` method, "linear"). The share of a score is the inverse:
/// piecewise linear between the stored levels, 0 below the minimum and 1 above the maximum.
public struct EmpiricalDistribution: Sendable, Equatable {
    /// Scores at evenly spaced levels from 0 to 1, non-decreasing.
    public let quantiles: [Double]

    /// Levels stored by default: every 0.1 % (1001 values, 8 KB).
    public static let defaultLevels = 1001

    /// The distribution of `scores` (at least one, all finite) at `levels` ≥ 2 levels.
    public init(scores: [Double], levels: Int = EmpiricalDistribution.defaultLevels) throws(LearningError) {
        guard levels >= 2 else { throw .invalidParameter(name: "levels", value: "\(levels)", reason: "need at least 2 (minimum and maximum)") }
        guard !scores.isEmpty else { throw .emptyInput("EmpiricalDistribution: no scores") }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad, column: 0) }
        let sorted = scores.sorted()
        let last = Double(sorted.count - 1)
        quantiles = (0..<levels).map { j in
            let position = last * Double(j) / Double(levels - 1)
            let below = Int(position.rounded(.down))
            let above = min(below + 1, sorted.count - 1)
            let fraction = position - Double(below)
            return sorted[below] + (sorted[above] - sorted[below]) * fraction
        }
    }

    /// A distribution restored from stored quantiles (non-decreasing, finite, at least 2).
    public init(quantiles: [Double]) throws(LearningError) {
        guard quantiles.count >= 2 else { throw .emptyInput("EmpiricalDistribution: need at least 2 quantiles, got \(quantiles.count)") }
        if let bad = quantiles.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad, column: 0) }
        for j in 1..<quantiles.count where quantiles[j] < quantiles[j - 1] {
            throw .invalidParameter(name: "quantiles[\(j)]", value: "\(quantiles[j])", reason: "quantiles must not decrease (previous \(quantiles[j - 1]))")
        }
        self.quantiles = quantiles
    }

    /// The share of the fit's rows whose score is at most `score`, in [0, 1]: 0 below the
    /// smallest, 1 above the largest, piecewise linear in between (within a run of equal
    /// quantiles, the highest level of the run). NaN stays NaN.
    public func cumulativeShare(of score: Double) -> Double {
        guard !score.isNaN else { return .nan }
        let q = quantiles
        let top = q.count - 1
        if score < q[0] { return 0 }
        if score >= q[top] { return 1 }
        // Last j with q[j] <= score (binary search); then q[j] <= score < q[j + 1].
        var lo = 0, hi = top
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if q[mid] <= score { lo = mid } else { hi = mid }
        }
        let span = q[lo + 1] - q[lo]
        let fraction = span > 0 ? (score - q[lo]) / span : 0
        return (Double(lo) + fraction) / Double(top)
    }
}
