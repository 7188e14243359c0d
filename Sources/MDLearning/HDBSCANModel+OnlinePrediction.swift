/// Online prediction: one frame of new rows, everything the daemon reads, one search per row.
extension HDBSCANModel {
    /// Soft labels, `approximate_predict` probabilities, membership vectors and outlier scores of
    /// `queries` new rows (`queries × width`, row-major), as `approximatePredict`,
    /// `membershipVectors(rows:count:)` and `approximatePredictScores` give them (the same
    /// doubles), but with one k-nearest-neighbour search per row instead of one per call
    /// (see `HDBSCANPrediction` for each field and `rule`). Parallel from 2048 rows, with the
    /// same results; a 900-row frame runs on the calling thread.
    public func predict(rows new: [Double], count queries: Int, rule: HDBSCANSoftLabelRule) throws(LearningError) -> HDBSCANPrediction {
        try validatePrediction(new, count: queries, "predict")
        let data = prediction
        let nc = data.clusters.count
        var labels = [Int32](repeating: -1, count: queries)
        var probabilities = [Double](repeating: 0, count: queries)
        var scores = [Double](repeating: 1, count: queries)
        var membership: [Double] = []  // queries × nc, filled below (empty without clusters or rows)
        if queries > 0 && (data.hasClusters || nc > 0) {
            let found = neighbours(of: new, count: queries)
            if data.hasClusters {
                for i in 0..<queries {
                    let q = Int(found.rows[i])
                    (labels[i], probabilities[i]) = data.predictedLabel(neighbour: q, lambda: found.lambdas[i])
                    scores[i] = data.outlierScore(neighbour: q, lambda: found.lambdas[i], onTrainingRow: found.onTrainingRow[i])
                }
            }
            if nc > 0 { membership = memberships(of: new, count: queries, found: found) }
        }
        // The soft rule, as the daemon's MicroClusterModel.predict applies it to the separate calls.
        var soft: [Int32]
        let k = clusterCount
        if k > 0 {
            soft = rule == .noiseOnly ? labels : [Int32](repeating: -1, count: queries)
            for i in 0..<queries where soft[i] < 0 {
                var best = 0
                for j in 1..<k where membership[i * k + j] > membership[i * k + best] { best = j }
                soft[i] = Int32(best)
            }
        } else {
            soft = [Int32](repeating: 0, count: queries)
        }
        return HDBSCANPrediction(
            count: queries, clusterCount: nc, labels: soft, probabilities: probabilities, membership: membership, outlierScores: scores)
    }
}
