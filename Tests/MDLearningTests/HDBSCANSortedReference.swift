import Foundation
@testable import MDLearning

/// The prediction of new rows as soaplens computed it before the one-search prediction
/// (commit 02adc8d): per call, the 2·minSamples nearest training rows sorted by the k-d tree,
/// hdbscan's neighbour and λ from that sorted list, then each call's own loop, copied here
/// unchanged. The reference the fast paths must reproduce bit for bit.
enum HDBSCANSortedReference {
    /// hdbscan's neighbour, its λ and whether the nearest distance is 0, from the sorted search.
    static func neighbours(_ model: HDBSCANModel, _ new: [Double], count queries: Int) -> (rows: [Int32], lambdas: [Double], onTrainingRow: [Bool]) {
        guard queries > 0 else { return ([], [], []) }
        let (rd, ix, k) = model.queryNeighbours(new, count: queries)
        var rows = [Int32](repeating: 0, count: queries), lambdas = [Double](repeating: 0, count: queries)
        var onTrainingRow = [Bool](repeating: false, count: queries)
        rd.withUnsafeBufferPointer { r in
            ix.withUnsafeBufferPointer { x in
                for i in 0..<queries {
                    let (q, lambda) = model.neighbourAndLambda(rdist: r.baseAddress! + i * k, rows: x.baseAddress! + i * k, k: k)
                    rows[i] = Int32(q)
                    lambdas[i] = lambda
                    onTrainingRow[i] = r[i * k] == 0
                }
            }
        }
        return (rows, lambdas, onTrainingRow)
    }

    static func approximatePredict(_ model: HDBSCANModel, _ new: [Double], count queries: Int) -> (labels: [Int32], probabilities: [Double]) {
        var labels = [Int32](repeating: -1, count: queries)
        var probabilities = [Double](repeating: 0, count: queries)
        let data = model.prediction
        guard queries > 0, data.hasClusters else { return (labels, probabilities) }
        let (rd, ix, k) = model.queryNeighbours(new, count: queries)
        rd.withUnsafeBufferPointer { r in
            ix.withUnsafeBufferPointer { x in
                for i in 0..<queries {
                    let (q, lambda) = model.neighbourAndLambda(rdist: r.baseAddress! + i * k, rows: x.baseAddress! + i * k, k: k)
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

    static func approximatePredictScores(_ model: HDBSCANModel, _ new: [Double], count queries: Int) -> [Double] {
        guard queries > 0 else { return [] }
        let data = model.prediction
        guard data.hasClusters else { return [Double](repeating: 1, count: queries) }
        var scores = [Double](repeating: 0, count: queries)
        let (rd, ix, k) = model.queryNeighbours(new, count: queries)
        rd.withUnsafeBufferPointer { r in
            ix.withUnsafeBufferPointer { x in
                for i in 0..<queries {
                    let distances = r.baseAddress! + i * k
                    let (q, neighbourLambda) = model.neighbourAndLambda(rdist: distances, rows: x.baseAddress! + i * k, k: k)
                    let lambda = distances[0] == 0 ? data.pointLambda[q] : neighbourLambda
                    let maxLambda = data.subtreeMaxLambda[data.pointCluster[q]]
                    scores[i] = maxLambda > 0 ? (maxLambda - lambda) / maxLambda : 0
                }
            }
        }
        return scores
    }

    static func membershipVectors(_ model: HDBSCANModel, _ new: [Double], count queries: Int) -> [Double] {
        let data = model.prediction
        let width = model.width
        let nc = data.clusters.count
        guard nc > 0, queries > 0 else { return [] }
        var result = [Double](repeating: 0, count: queries * nc)
        var scores = [Double](repeating: 0, count: nc)
        let (rd, ix, k) = model.queryNeighbours(new, count: queries)
        new.withUnsafeBufferPointer { p in
            rd.withUnsafeBufferPointer { r in
                ix.withUnsafeBufferPointer { x in
                    result.withUnsafeMutableBufferPointer { out in
                        for i in 0..<queries {
                            var (q, lambda) = model.neighbourAndLambda(rdist: r.baseAddress! + i * k, rows: x.baseAddress! + i * k, k: k)
                            if data.pointLambda[q] <= lambda { lambda = data.pointLambda[q] }
                            let row = out.baseAddress! + i * nc
                            distanceMembership(data, row: p.baseAddress! + i * width, width: width, into: row)
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

    /// `HDBSCANPredictionData.distanceMembership` as it was: one square root per exemplar.
    static func distanceMembership(_ data: HDBSCANPredictionData, row x: UnsafePointer<Double>, width d: Int, into out: UnsafeMutablePointer<Double>) {
        let k = data.clusters.count
        var sum = 0.0
        data.exemplars.withUnsafeBufferPointer { e in
            for j in 0..<k {
                var best = Double.greatestFiniteMagnitude
                for row in data.exemplarOffsets[j]..<data.exemplarOffsets[j + 1] {
                    let dist = RowMatrix.squaredDistance(x, e.baseAddress! + row * d, d).squareRoot()
                    if dist < best { best = dist }
                }
                out[j] = best != 0 ? 1.0 / best : Double.greatestFiniteMagnitude / Double(k)
                sum += out[j]
            }
        }
        for j in 0..<k { out[j] /= sum }
    }

    /// The daemon's soft rule on the three results (`MicroClusterModel.predict`).
    static func softLabels(_ model: HDBSCANModel, _ new: [Double], count queries: Int, rule: HDBSCANSoftLabelRule) -> [Int32] {
        let k = model.clusterCount
        guard k > 0 else { return [Int32](repeating: 0, count: queries) }
        let membership = membershipVectors(model, new, count: queries)
        var labels = rule == .noiseOnly ? approximatePredict(model, new, count: queries).labels : [Int32](repeating: -1, count: queries)
        for i in 0..<queries where labels[i] < 0 {
            var best = 0
            for j in 1..<k where membership[i * k + j] > membership[i * k + best] { best = j }
            labels[i] = Int32(best)
        }
        return labels
    }
}
