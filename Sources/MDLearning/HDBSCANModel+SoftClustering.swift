import Foundation

/// Soft clustering of the training rows, as hdbscan's `all_points_membership_vectors`, and
/// the two labelling rules built on it.
extension HDBSCANModel {
    /// Membership of every training row in every cluster, `count × clusterCount` row-major
    /// (columns in the order of the prediction clusters, see `HDBSCANPredictionData`):
    /// for row i and cluster j,
    /// * distance part: 1 / distance to the nearest exemplar of j, normalised over j;
    /// * outlier part: exp(−(λ_max(c_i) + 1e-8) / h_ij) with c_i the cluster row i leaves,
    ///   λ_max its largest own λ and h_ij the merge height of c_i and j; then a softmax over j
    ///   taken against the largest value of the whole matrix, as the package does;
    /// * the product of both, normalised over j, times the probability of being in some
    ///   cluster: max_j h_ij / max(λ_max(argmax cluster), λ_i).
    /// Empty (no columns) when there is no cluster. Parallel over rows.
    public func membershipVectors() -> [Double] {
        let data = prediction
        let k = data.clusters.count
        guard k > 0 else { return [] }
        let n = count, d = width
        var result = [Double](repeating: 0, count: n * k)
        var outlier = [Double](repeating: 0, count: n * k)
        var inCluster = [Double](repeating: 0, count: n)
        let workers = n >= 4096 ? ProcessInfoCores.active : 1
        let chunk = (n + workers - 1) / workers
        rows.withUnsafeBufferPointer { x in
            result.withUnsafeMutableBufferPointer { r in
                outlier.withUnsafeMutableBufferPointer { o in
                    inCluster.withUnsafeMutableBufferPointer { p in
                        let xs = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                        let rs = SendablePointer(r.baseAddress!), os = SendablePointer(o.baseAddress!), ps = SendablePointer(p.baseAddress!)
                        KDTree.parallel(workers) { w in
                            let lo = w * chunk, hi = min(n, lo + chunk)
                            guard lo < hi else { return }
                            for i in lo..<hi {
                                data.distanceMembership(row: xs.base + i * d, width: d, into: rs.base + i * k)
                                let c = data.pointCluster[i]
                                let l = data.pointLambda[i]
                                let maxLambda = data.leafMaxLambda[c] + 1e-8
                                var best = -Double.infinity
                                var bestJ = 0
                                for j in 0..<k {
                                    let h = data.mergeHeight(from: c, pointLambda: l, cluster: data.clusters[j])
                                    if h > best || (best.isNaN == false && h.isNaN) { best = h; bestJ = j }
                                    os[i * k + j] = exp(-(maxLambda / h))
                                }
                                ps[i] = best / max(data.leafMaxLambda[data.clusters[bestJ]], l)
                            }
                        }
                    }
                }
            }
        }
        // Softmax against the largest score of the whole matrix (np.nanmax), then normalise.
        var top = -Double.infinity
        for v in outlier where !v.isNaN && v > top { top = v }
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<k {
                let e = exp(outlier[i * k + j] - top)
                outlier[i * k + j] = e
                sum += e
            }
            var total = 0.0
            for j in 0..<k {
                let v = result[i * k + j] * (outlier[i * k + j] / sum)
                result[i * k + j] = v
                total += v
            }
            for j in 0..<k { result[i * k + j] = result[i * k + j] / total * inCluster[i] }
        }
        return result
    }

    /// Labels from the membership vectors (`membershipVectors()`): the first largest column
    /// for every row (`.everyPoint`, the notebook) or for the noise rows only (`.noiseOnly`,
    /// the paper); with no cluster at all every row is cluster 0. `relabelled` counts the
    /// non-noise rows whose label changed.
    public func softLabels(rule: HDBSCANSoftLabelRule, membership: [Double]? = nil) -> (labels: [Int32], relabelled: Int) {
        let k = prediction.clusters.count
        guard k > 0 else { return ([Int32](repeating: 0, count: count), labels.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) }) }
        let m = membership ?? membershipVectors()
        var out = labels
        var relabelled = 0
        for i in 0..<count where rule == .everyPoint || labels[i] < 0 {
            var best = 0
            for j in 1..<k where m[i * k + j] > m[i * k + best] || (m[i * k + j].isNaN && !m[i * k + best].isNaN) { best = j }
            // numpy's argmax returns the first NaN when there is one.
            if let nan = (0..<k).first(where: { m[i * k + $0].isNaN }) { best = nan }
            if labels[i] >= 0 && Int32(best) != labels[i] { relabelled += 1 }
            out[i] = Int32(best)
        }
        return (out, relabelled)
    }
}
