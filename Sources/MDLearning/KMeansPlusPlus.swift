import Foundation

/// k-means++ seeding, greedy variant, as scikit-learn's `_kmeans_plusplus` (unit sample
/// weights):
///
/// 1. the first centre is a row drawn uniformly;
/// 2. each further centre: draw `n_local_trials = 2 + ⌊ln k⌋` candidates, each by drawing
///    u ∈ [0, 1) and taking the first row whose running sum of closest squared distances
///    reaches u · potential (`searchsorted(cumsum(closest), u·pot)`, clipped to the last row);
///    keep the candidate whose adoption gives the lowest potential (first on ties).
///
/// The random stream is `SeededGenerator`'s, not numpy's, so the chosen rows differ from
/// sklearn's for the same seed; the procedure is the same. Squared distances are summed
/// directly (sklearn uses the norm expansion here, a rounding-level difference).
enum KMeansPlusPlus {
    /// Fills `centres` (k × d, row-major) with k rows of `x` (n × d).
    /// `closest` and `cumulative` are scratch buffers of n doubles each.
    static func seed(
        x: UnsafePointer<Double>, count n: Int, width d: Int, clusters k: Int,
        generator: inout SeededGenerator, centres: UnsafeMutablePointer<Double>,
        closest: UnsafeMutablePointer<Double>, cumulative: UnsafeMutablePointer<Double>
    ) {
        let trials = 2 + Int(log(Double(k)))
        let first = min(Int(generator.nextUnit() * Double(n)), n - 1)
        (centres).update(from: x + first * d, count: d)
        var potential = 0.0
        for i in 0..<n {
            closest[i] = RowMatrix.squaredDistance(x + i * d, x + first * d, d)
            potential += closest[i]
        }
        for c in 1..<max(k, 1) {
            var running = 0.0
            for i in 0..<n {
                running += closest[i]
                cumulative[i] = running
            }
            var bestPotential = Double.infinity
            var bestRow = -1
            for _ in 0..<trials {
                let target = generator.nextUnit() * potential
                let row = min(searchLeft(cumulative, n, target), n - 1)
                var candidatePotential = 0.0
                let xc = x + row * d
                for i in 0..<n {
                    candidatePotential += min(closest[i], RowMatrix.squaredDistance(x + i * d, xc, d))
                }
                if bestRow < 0 || candidatePotential < bestPotential {
                    bestPotential = candidatePotential
                    bestRow = row
                }
            }
            let xb = x + bestRow * d
            for i in 0..<n { closest[i] = min(closest[i], RowMatrix.squaredDistance(x + i * d, xb, d)) }
            potential = bestPotential
            (centres + c * d).update(from: xb, count: d)
        }
    }

    /// numpy `searchsorted(a, v, side='left')`: the first index i with a[i] ≥ v (n if none).
    @inline(__always)
    static func searchLeft(_ a: UnsafePointer<Double>, _ n: Int, _ v: Double) -> Int {
        var lo = 0
        var hi = n
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
