import Foundation

/// Prediction of new rows against a fitted (or restored) model, as hdbscan's
/// `approximate_predict`, `approximate_predict_scores` and `membership_vector`.
extension HDBSCANModel {
    /// The nearest training row of `x` in mutual reachability and the λ of that distance
    /// (hdbscan's `_find_neighbor_and_lambda`): among the 2·minSamples nearest training rows,
    /// the first minimum of max(core(q), d(x, q), d(x, its (minSamples+1)-th neighbour)).
    func neighbourAndLambda(rdist: UnsafePointer<Double>, rows: UnsafePointer<Int32>, k: Int) -> (Int, Double) {
        let pointCore = rdist[min(minSamples, k - 1)].squareRoot()
        var best = Double.infinity
        var bestRow = Int(rows[0])
        for j in 0..<k {
            let q = Int(rows[j])
            let mr = max(coreDistances[q], pointCore, rdist[j].squareRoot())
            if mr < best { best = mr; bestRow = q }
        }
        return (bestRow, best > 0 ? 1.0 / best : Double.greatestFiniteMagnitude)
    }

    /// The 2·minSamples nearest training rows of each query row (clamped to `count`).
    func queryNeighbours(_ rows: [Double], count queries: Int) -> (rdist: [Double], rows: [Int32], k: Int) {
        let k = min(2 * minSamples, count)
        let (rd, ix) = rows.withUnsafeBufferPointer { searchTree.nearest(queries: $0, queryCount: queries, k: k) }
        return (rd, ix, k)
    }

    /// Labels and probabilities of new rows (`queries × width`, row-major) as hdbscan's
    /// `approximate_predict`: the row joins the tree where its nearest mutual-reachability
    /// neighbour left it, walking up while the cluster was born at a λ ≥ the row's; the label
    /// is that of the prediction cluster above (−1 outside), the probability
    /// min(λ, λ_max) / λ_max.
    public func approximatePredict(rows new: [Double], count queries: Int) throws(LearningError) -> (labels: [Int32], probabilities: [Double]) {
        guard queries >= 0, new.count == queries * width else {
            throw .dimensionMismatch(expected: width, got: queries > 0 ? new.count / queries : new.count, context: "HDBSCANModel.approximatePredict with count \(queries)")
        }
        if let bad = new.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
        var labels = [Int32](repeating: -1, count: queries)
        var probabilities = [Double](repeating: 0, count: queries)
        let data = prediction
        guard queries > 0, prediction.hasClusters else { return (labels, probabilities) }
        let (rd, ix, k) = queryNeighbours(new, count: queries)
        rd.withUnsafeBufferPointer { r in
            ix.withUnsafeBufferPointer { x in
                for i in 0..<queries {
                    let (q, lambda) = neighbourAndLambda(rdist: r.baseAddress! + i * k, rows: x.baseAddress! + i * k, k: k)
                    var cluster = data.pointCluster[q]
                    if data.pointLambda[q] > lambda {
                        while cluster > 0 && data.birth[cluster] >= lambda { cluster = data.parent[cluster] }
                    }
                    let label = data.predictedLabel[cluster]
                    labels[i] = label
                    if label >= 0 {
                        let maxLambda = data.labelMaxLambda[cluster]
                        probabilities[i] = maxLambda > 0 ? min(maxLambda, lambda) / maxLambda : 1
                    }
                }
            }
        }
        return (labels, probabilities)
    }

    /// GLOSH outlier scores of new rows as hdbscan's `approximate_predict_scores`: the row
    /// joins the tree at the cluster its nearest mutual-reachability neighbour leaves, and its
    /// score is (λ_max − λ) / λ_max, with λ_max the largest λ in that cluster's subtree and λ
    /// that of the row's mutual-reachability distance (the neighbour's own λ when the row is a
    /// training row, distance 0). 0 is an inlier as dense as the cluster's core, near 1 an
    /// outlier; not clipped (a row denser than any training row scores below 0), as the
    /// package. With no cluster in the tree every score is 1. Costs one k-nearest-neighbour
    /// query per row (the subtree maxima are precomputed with the model).
    public func approximatePredictScores(rows new: [Double], count queries: Int) throws(LearningError) -> [Double] {
        guard queries >= 0, new.count == queries * width else {
            throw .dimensionMismatch(expected: width, got: queries > 0 ? new.count / queries : new.count, context: "HDBSCANModel.approximatePredictScores with count \(queries)")
        }
        if let bad = new.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
        guard queries > 0 else { return [] }
        guard prediction.hasClusters else { return [Double](repeating: 1, count: queries) }
        let data = prediction
        var scores = [Double](repeating: 0, count: queries)
        let (rd, ix, k) = queryNeighbours(new, count: queries)
        rd.withUnsafeBufferPointer { r in
            ix.withUnsafeBufferPointer { x in
                for i in 0..<queries {
                    let distances = r.baseAddress! + i * k
                    let (q, neighbourLambda) = neighbourAndLambda(rdist: distances, rows: x.baseAddress! + i * k, k: k)
                    // Neighbours come nearest first: distance 0 means a training row.
                    let lambda = distances[0] == 0 ? data.pointLambda[q] : neighbourLambda
                    let maxLambda = data.subtreeMaxLambda[data.pointCluster[q]]
                    scores[i] = maxLambda > 0 ? (maxLambda - lambda) / maxLambda : 0
                }
            }
        }
        return scores
    }

    /// Soft membership of new rows as hdbscan's `membership_vector`: `queries × clusterCount`
    /// row-major; the distance part to the power ½ times the outlier part squared (its merge
    /// heights taken at the row's λ rounded to single precision, as the package's
    /// `per_cluster_scores`), normalised, times the probability of being in some cluster.
    public func membershipVectors(rows new: [Double], count queries: Int) throws(LearningError) -> [Double] {
        guard queries >= 0, new.count == queries * width else {
            throw .dimensionMismatch(expected: width, got: queries > 0 ? new.count / queries : new.count, context: "HDBSCANModel.membershipVectors with count \(queries)")
        }
        if let bad = new.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
        let data = prediction
        let nc = data.clusters.count
        guard nc > 0, queries > 0 else { return [] }
        var result = [Double](repeating: 0, count: queries * nc)
        var scores = [Double](repeating: 0, count: nc)
        let (rd, ix, k) = queryNeighbours(new, count: queries)
        new.withUnsafeBufferPointer { p in
            rd.withUnsafeBufferPointer { r in
                ix.withUnsafeBufferPointer { x in
                    result.withUnsafeMutableBufferPointer { out in
                        for i in 0..<queries {
                            var (q, lambda) = neighbourAndLambda(rdist: r.baseAddress! + i * k, rows: x.baseAddress! + i * k, k: k)
                            if data.pointLambda[q] <= lambda { lambda = data.pointLambda[q] }
                            let row = out.baseAddress! + i * nc
                            data.distanceMembership(row: p.baseAddress! + i * width, width: width, into: row)
                            let c = data.pointCluster[q]
                            let maxLambda = data.leafMaxLambda[c]
                            let single = Double(Float(lambda))
                            var top = -Double.infinity
                            for j in 0..<nc {
                                let h = data.mergeHeight(from: c, pointLambda: single, cluster: data.clusters[j])
                                var denominator = maxLambda - h
                                if denominator <= 0 { denominator = 1e-8 }
                                scores[j] = maxLambda / denominator
                                if scores[j] > top { top = scores[j] }
                            }
                            var sum = 0.0
                            for j in 0..<nc { scores[j] = exp(scores[j] - top); sum += scores[j] }
                            var total = 0.0
                            for j in 0..<nc {
                                let o = scores[j] / sum
                                row[j] = row[j].squareRoot() * (o * o)
                                total += row[j]
                            }
                            var height = -Double.infinity
                            var nearest = 0
                            for j in 0..<nc {
                                let h = data.mergeHeight(from: c, pointLambda: lambda, cluster: data.clusters[j])
                                if h > height { height = h; nearest = j }
                            }
                            let inCluster = height / (max(lambda, data.leafMaxLambda[data.clusters[nearest]]) + 1e-8)
                            for j in 0..<nc { row[j] = row[j] / total * inCluster }
                        }
                    }
                }
            }
        }
        return result
    }
}
