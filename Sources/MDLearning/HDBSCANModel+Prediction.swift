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

    /// The 2·minSamples nearest training rows of each query row (clamped to `count`), sorted.
    func queryNeighbours(_ rows: [Double], count queries: Int) -> (rdist: [Double], rows: [Int32], k: Int) {
        let k = min(2 * minSamples, count)
        let (rd, ix) = rows.withUnsafeBufferPointer { searchTree.nearest(queries: $0, queryCount: queries, k: k) }
        return (rd, ix, k)
    }

    /// What prediction needs of each new row (`queries × width`, row-major): hdbscan's
    /// neighbour (`neighbourAndLambda`: the row's nearest training row in mutual reachability),
    /// the λ of that distance, and whether the row lies on a training row (nearest distance
    /// 0). One k-d tree search per row (`MutualReachabilityNeighbourSearch`; the full sorted
    /// search for the rare row it leaves undecided), rows taken in tree order for the cache;
    /// in parallel from 2048 rows. The same values as `queryNeighbours` + `neighbourAndLambda`.
    func neighbours(of new: [Double], count queries: Int) -> (rows: [Int32], lambdas: [Double], onTrainingRow: [Bool]) {
        var rows = [Int32](repeating: 0, count: queries)
        var lambdas = [Double](repeating: 0, count: queries)
        var onTrainingRow = [Bool](repeating: false, count: queries)
        guard queries > 0 else { return (rows, lambdas, onTrainingRow) }
        let search = neighbourSearch
        let d = width
        let k = search.neighbourCount
        new.withUnsafeBufferPointer { x in
            let keys = (0..<queries).map { search.descentKey(x.baseAddress! + $0 * d) }
            let order = (0..<queries).sorted { (keys[$0], $0) < (keys[$1], $1) }
            let workers = queries >= 2048 ? ProcessInfoCores.active : 1
            let chunk = (queries + workers - 1) / workers
            rows.withUnsafeMutableBufferPointer { rb in
                lambdas.withUnsafeMutableBufferPointer { lb in
                    onTrainingRow.withUnsafeMutableBufferPointer { tb in
                        let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                        let rs = SendablePointer(rb.baseAddress!), ls = SendablePointer(lb.baseAddress!), ts = SendablePointer(tb.baseAddress!)
                        KDTree.parallel(workers) { w in
                            let lo = w * chunk, hi = min(queries, lo + chunk)
                            guard lo < hi else { return }
                            let scratch = MutualReachabilityNeighbourSearch.Scratch(search)
                            for i in order[lo..<hi] {
                                let row = xs.base + i * d
                                if let found = search.neighbour(of: row, scratch: scratch) {
                                    rs[i] = Int32(found.row)
                                    ls[i] = found.lambda
                                    ts[i] = found.onTrainingRow
                                    continue
                                }
                                // The full sorted search (hdbscan's own definition).
                                searchTree.withView { v in
                                    v.nearest(to: row, k: k, rdist: scratch.sortedRdist, positions: scratch.sortedPositions,
                                              stackNodes: scratch.stackNodes, stackBounds: scratch.stackBounds)
                                    for j in 0..<k { scratch.sortedPositions[j] = v.index[Int(scratch.sortedPositions[j])] }
                                }
                                let (q, lambda) = neighbourAndLambda(rdist: scratch.sortedRdist, rows: scratch.sortedPositions, k: k)
                                rs[i] = Int32(q)
                                ls[i] = lambda
                                ts[i] = scratch.sortedRdist[0] == 0
                            }
                        }
                    }
                }
            }
        }
        return (rows, lambdas, onTrainingRow)
    }

    /// Checks the shape and the values of new rows.
    func validatePrediction(_ new: [Double], count queries: Int, _ function: String) throws(LearningError) {
        guard queries >= 0, new.count == queries * width else {
            throw .dimensionMismatch(expected: width, got: queries > 0 ? new.count / queries : new.count, context: "HDBSCANModel.\(function) with count \(queries)")
        }
        if let bad = new.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
    }

    /// Labels and probabilities of new rows (`queries × width`, row-major) as hdbscan's
    /// `approximate_predict`: the row joins the tree where its nearest mutual-reachability
    /// neighbour left it, walking up while the cluster was born at a λ ≥ the row's; the label
    /// is that of the prediction cluster above (−1 outside), the probability
    /// min(λ, λ_max) / λ_max.
    public func approximatePredict(rows new: [Double], count queries: Int) throws(LearningError) -> (labels: [Int32], probabilities: [Double]) {
        try validatePrediction(new, count: queries, "approximatePredict")
        var labels = [Int32](repeating: -1, count: queries)
        var probabilities = [Double](repeating: 0, count: queries)
        guard queries > 0, prediction.hasClusters else { return (labels, probabilities) }
        let found = neighbours(of: new, count: queries)
        for i in 0..<queries {
            (labels[i], probabilities[i]) = prediction.predictedLabel(neighbour: Int(found.rows[i]), lambda: found.lambdas[i])
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
        try validatePrediction(new, count: queries, "approximatePredictScores")
        guard queries > 0 else { return [] }
        guard prediction.hasClusters else { return [Double](repeating: 1, count: queries) }
        let found = neighbours(of: new, count: queries)
        return (0..<queries).map {
            prediction.outlierScore(neighbour: Int(found.rows[$0]), lambda: found.lambdas[$0], onTrainingRow: found.onTrainingRow[$0])
        }
    }

    /// Soft membership of new rows as hdbscan's `membership_vector`: `queries × clusterCount`
    /// row-major; the distance part to the power ½ times the outlier part squared (its merge
    /// heights taken at the row's λ rounded to single precision, as the package's
    /// `per_cluster_scores`), normalised, times the probability of being in some cluster.
    public func membershipVectors(rows new: [Double], count queries: Int) throws(LearningError) -> [Double] {
        try validatePrediction(new, count: queries, "membershipVectors")
        let nc = prediction.clusters.count
        guard nc > 0, queries > 0 else { return [] }
        return memberships(of: new, count: queries, found: neighbours(of: new, count: queries))
    }

    /// The soft membership vectors (`clusters.count` per row, row-major) of `queries` new rows
    /// whose mutual-reachability neighbours `found` are known (``neighbours(of:count:)``).
    func memberships(of new: [Double], count queries: Int, found: (rows: [Int32], lambdas: [Double], onTrainingRow: [Bool])) -> [Double] {
        let nc = prediction.clusters.count
        var result = [Double](repeating: 0, count: queries * nc)
        guard nc > 0 else { return result }
        var scores = [Double](repeating: 0, count: nc)
        new.withUnsafeBufferPointer { p in
            result.withUnsafeMutableBufferPointer { out in
                scores.withUnsafeMutableBufferPointer { sc in
                    for i in 0..<queries {
                        prediction.membership(
                            of: p.baseAddress! + i * width, width: width, neighbour: Int(found.rows[i]), lambda: found.lambdas[i],
                            scores: sc.baseAddress!, into: out.baseAddress! + i * nc)
                    }
                }
            }
        }
        return result
    }
}

extension HDBSCANPredictionData {
    /// `approximate_predict` of one row from its neighbour q and λ: the row joins the tree
    /// where q leaves it, walking up while the cluster was born at a λ ≥ the row's; the label of
    /// the prediction cluster above (−1 outside) and the probability min(λ, λ_max) / λ_max.
    @inline(__always)
    func predictedLabel(neighbour q: Int, lambda: Double) -> (label: Int32, probability: Double) {
        var cluster = pointCluster[q]
        if pointLambda[q] > lambda {
            while cluster > 0 && birth[cluster] >= lambda { cluster = parent[cluster] }
        }
        let label = predictedLabel[cluster]
        guard label >= 0 else { return (label, 0) }
        let maxLambda = labelMaxLambda[cluster]
        return (label, maxLambda > 0 ? min(maxLambda, lambda) / maxLambda : 1)
    }

    /// `approximate_predict_scores` of one row: (λ_max − λ) / λ_max with λ_max the largest λ
    /// below the cluster q leaves and λ the row's (q's own when the row lies on a training row).
    @inline(__always)
    func outlierScore(neighbour q: Int, lambda neighbourLambda: Double, onTrainingRow: Bool) -> Double {
        let lambda = onTrainingRow ? pointLambda[q] : neighbourLambda
        let maxLambda = subtreeMaxLambda[pointCluster[q]]
        return maxLambda > 0 ? (maxLambda - lambda) / maxLambda : 0
    }

    /// `membership_vector` of one row x (`clusters.count` numbers into `row`) from its
    /// neighbour q and λ; `scores` is scratch of `clusters.count`.
    func membership(
        of x: UnsafePointer<Double>, width: Int, neighbour q: Int, lambda neighbourLambda: Double,
        scores: UnsafeMutablePointer<Double>, into row: UnsafeMutablePointer<Double>
    ) {
        let nc = clusters.count
        var lambda = neighbourLambda
        if pointLambda[q] <= lambda { lambda = pointLambda[q] }
        distanceMembership(row: x, width: width, into: row)
        let c = pointCluster[q]
        let maxLambda = leafMaxLambda[c]
        let single = Double(Float(lambda))
        var top = -Double.infinity
        for j in 0..<nc {
            let h = mergeHeight(from: c, pointLambda: single, cluster: clusters[j])
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
            let h = mergeHeight(from: c, pointLambda: lambda, cluster: clusters[j])
            if h > height { height = h; nearest = j }
        }
        let inCluster = height / (max(lambda, leafMaxLambda[clusters[nearest]]) + 1e-8)
        for j in 0..<nc { row[j] = row[j] / total * inCluster }
    }
}
