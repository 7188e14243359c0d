import Foundation
@testable import MDLearning
import Testing

/// Helpers for the committed hdbscan 0.8.44 reference (scripts/reference/make_hdbscan_fixtures.py:
/// 6000 PCA-reduced χ rows of the bundled Cu(211) run and 1000 held-back rows, in
/// Tests/Fixtures/hdbscan/, read with ``FixtureFolder``): label comparison up to renaming.
enum HDBSCANFixtures {
    /// Adjusted Rand index of two labellings (noise −1 counted as one more label, as
    /// scikit-learn's `adjusted_rand_score` does).
    static func adjustedRandIndex(_ a: [Int32], _ b: [Int32]) -> Double {
        precondition(a.count == b.count)
        var table: [Int64: Double] = [:], rowsA: [Int32: Double] = [:], rowsB: [Int32: Double] = [:]
        for (x, y) in zip(a, b) {
            table[Int64(x) << 32 | Int64(UInt32(bitPattern: y)), default: 0] += 1
            rowsA[x, default: 0] += 1
            rowsB[y, default: 0] += 1
        }
        func pairs(_ v: Double) -> Double { v * (v - 1) / 2 }
        let index = table.values.reduce(0) { $0 + pairs($1) }
        let sa = rowsA.values.reduce(0) { $0 + pairs($1) }, sb = rowsB.values.reduce(0) { $0 + pairs($1) }
        let expected = sa * sb / pairs(Double(a.count))
        let maximum = (sa + sb) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}

extension HDBSCANFixtures {
    /// For each label of `mine` (≥ 0), the label of `reference` it overlaps most (noise maps
    /// to noise): the renaming between two numberings of the same clustering.
    static func renaming(_ mine: [Int32], to reference: [Int32]) -> [Int32: Int32] {
        var overlap: [Int32: [Int32: Int]] = [:]
        for (a, b) in zip(mine, reference) where a >= 0 { overlap[a, default: [:]][b, default: 0] += 1 }
        var map: [Int32: Int32] = [-1: -1]
        for (a, counts) in overlap { map[a] = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key }
        return map
    }

    /// Row-major `rows × k` values with the columns renamed by `map` (column j → map[j]).
    static func renamedColumns(_ values: [Double], k: Int, map: [Int32: Int32]) -> [Double] {
        var out = values
        for i in 0..<(values.count / max(k, 1)) {
            for j in 0..<k { out[i * k + Int(map[Int32(j)]!)] = values[i * k + j] }
        }
        return out
    }
}

extension HDBSCANFixtures {
    /// How many rows of two `rows × k` matrices agree within `tolerance` once each row is
    /// divided by its sum.
    static func closeNormalisedRows(_ a: [Double], _ b: [Double], k: Int, tolerance: Double) -> Int {
        precondition(a.count == b.count)
        var close = 0
        for i in 0..<(a.count / max(k, 1)) {
            let sa = (0..<k).reduce(0) { $0 + a[i * k + $1] }, sb = (0..<k).reduce(0) { $0 + b[i * k + $1] }
            if (0..<k).allSatisfy({ abs(a[i * k + $0] / sa - b[i * k + $0] / sb) <= tolerance }) { close += 1 }
        }
        return close
    }
}

/// One fitted case against the package's committed results (files `<prefix>_*`), with the
/// comparisons both the Cu(211) and the Au-309 suites make.
struct HDBSCANReferenceCase {
    /// File prefix of the case (`eom80`, `au309_eom150`).
    let prefix: String
    /// The case's entry of the JSON metadata (`cases.<name>`).
    let reference: [String: Any]
    let model: HDBSCANModel
    /// Held-back rows and their count.
    let held: [Double]
    let heldCount: Int

    func int32s(_ suffix: String) throws -> [Int32] { try FixtureFolder.hdbscan.int32s("\(prefix)_\(suffix)") }
    func doubles(_ suffix: String) throws -> [Double] { try FixtureFolder.hdbscan.doubles("\(prefix)_\(suffix)") }

    /// The model's labels → the package's numbering.
    func renaming() throws -> [Int32: Int32] { HDBSCANFixtures.renaming(model.labels, to: try int32s("labels.i4")) }

    /// Hard labels (ARI ≥ 0.99, ≥ 99 % equal up to renaming: sibling numbering follows the
    /// package's Borůvka search order, and tied mutual-reachability distances may join a few
    /// points in another order), probabilities and GLOSH scores to 1e-12 on ≥ 99 % of rows,
    /// and everything (persistence too) when every label agrees.
    func expectFitMatches() throws {
        let labels = try int32s("labels.i4")
        let probabilities = try doubles("probabilities.f64")
        let scores = try doubles("outlier_scores.f64")
        #expect(model.labels.count == labels.count)
        #expect(HDBSCANFixtures.adjustedRandIndex(model.labels, labels) >= 0.99)
        #expect(model.clusterCount == (reference["clusters"] as! NSNumber).intValue)
        let map = try renaming()
        #expect(Set(map.values).count == map.count)
        let same = zip(model.labels.map { map[$0]! }, labels).filter { $0 == $1 }.count
        #expect(Double(same) >= 0.99 * Double(labels.count))
        let closeP = probabilities.indices.filter { abs(model.probabilities[$0] - probabilities[$0]) < 1e-12 }.count
        let closeS = scores.indices.filter { abs(model.outlierScores[$0] - scores[$0]) < 1e-12 }.count
        #expect(Double(closeP) >= 0.99 * Double(labels.count))
        #expect(Double(closeS) >= 0.99 * Double(labels.count))
        guard same == labels.count else { return }
        #expect(ClusteringFixtures.maxAbsoluteDifference(model.probabilities, probabilities) < 1e-12)
        #expect(ClusteringFixtures.maxAbsoluteDifference(model.outlierScores, scores) < 1e-12)
        let persistence = (reference["cluster_persistence"] as! [NSNumber]).map(\.doubleValue)
        #expect(ClusteringFixtures.maxAbsoluteDifference(
            HDBSCANFixtures.renamedColumns(model.clusterPersistence, k: model.clusterCount, map: map), persistence) < 1e-9)
    }

    /// All-points membership vectors (row-normalised: the "in some cluster" factor takes the
    /// first of equal merge heights in cluster-id order, so it follows the numbering) to
    /// `tolerance` on ≥ 99 % of the stored rows, and the argmax labels of every row (ARI ≥ 0.99,
    /// ≤ 1 % differing). Returns the membership and the argmax labels.
    @discardableResult
    func expectSoftClusteringMatches(tolerance: Double) throws -> (membership: [Double], labels: [Int32]) {
        let stored = (reference["membership_rows_stored"] as! NSNumber).intValue
        let expected = try doubles("membership.f64")
        let soft = try int32s("soft_labels.i4")
        let map = try renaming()
        let membership = model.membershipVectors()
        let k = model.clusterCount
        #expect(expected.count == stored * k && membership.count == model.count * k)
        let renamed = HDBSCANFixtures.renamedColumns(Array(membership[0..<(stored * k)]), k: k, map: map)
        let close = HDBSCANFixtures.closeNormalisedRows(renamed, expected, k: k, tolerance: tolerance)
        #expect(Double(close) >= 0.99 * Double(stored))
        let (labels, relabelled) = model.softLabels(rule: .everyPoint, membership: membership)
        #expect(HDBSCANFixtures.adjustedRandIndex(labels, soft) >= 0.99)
        let mismatched = zip(labels.map { map[$0]! }, soft).filter { $0 != $1 }.count
        #expect(Double(mismatched) <= 0.01 * Double(soft.count))
        let expectedRelabelled = (reference["soft_relabelled_non_noise"] as! NSNumber).intValue
        #expect(abs(relabelled - expectedRelabelled) <= max(2, soft.count / 100))
        return (membership, labels)
    }

    /// `approximate_predict` of the held-back rows (labels ≥ 99 % equal up to renaming,
    /// probabilities to 1e-12 on ≥ 99 %) and their `membership_vector` rows (row-normalised, to
    /// `membershipTolerance` on ≥ `share` of the rows, the same largest column on ≥ 99 %).
    /// Returns the predicted labels and probabilities.
    @discardableResult
    func expectPredictionMatches(membershipTolerance: Double, share: Double) throws -> (labels: [Int32], probabilities: [Double]) {
        let labels = try int32s("predict_labels.i4")
        let probabilities = try doubles("predict_probabilities.f64")
        let membership = try doubles("predict_membership.f64")
        let map = try renaming()
        let (l, p) = try model.approximatePredict(rows: held, count: heldCount)
        let agree = zip(l.map { map[$0]! }, labels).filter { $0 == $1 }.count
        #expect(Double(agree) >= 0.99 * Double(heldCount))
        let closeP = probabilities.indices.filter { abs(p[$0] - probabilities[$0]) < 1e-12 }.count
        #expect(Double(closeP) >= 0.99 * Double(heldCount))
        let k = model.clusterCount
        let renamed = HDBSCANFixtures.renamedColumns(try model.membershipVectors(rows: held, count: heldCount), k: k, map: map)
        let close = HDBSCANFixtures.closeNormalisedRows(renamed, membership, k: k, tolerance: membershipTolerance)
        #expect(Double(close) >= share * Double(heldCount))
        func argmax(_ v: [Double], _ i: Int) -> Int { (0..<k).max { v[i * k + $0] < v[i * k + $1] }! }
        let sameArgmax = (0..<heldCount).filter { argmax(renamed, $0) == argmax(membership, $0) }.count
        #expect(Double(sameArgmax) >= 0.99 * Double(heldCount))
        return (l, p)
    }
}
