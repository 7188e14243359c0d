import Foundation
@testable import MDLearning
import Testing

@Suite struct HDBSCANTests {
    /// `count` rows of `width` numbers: Gaussian blobs (Box–Muller) around `centres`.
    static func blobs(_ centres: [[Double]], each: Int, spread: Double, seed: UInt64) -> [Double] {
        var g = SeededGenerator(seed: seed)
        var rows: [Double] = []
        for c in centres {
            for _ in 0..<each {
                for f in c.indices {
                    let u = max(g.nextUnit(), 1e-300), v = g.nextUnit()
                    rows.append(c[f] + spread * (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
                }
            }
        }
        return rows
    }

    /// Mutual-reachability MST weight by Prim on the full graph (core = distance to the
    /// `s`-th other row), for checking the k-d tree Borůvka.
    static func primWeight(_ rows: [Double], n: Int, d: Int, s: Int) -> (total: Double, sorted: [Double]) {
        func dist(_ i: Int, _ j: Int) -> Double {
            var t = 0.0
            for f in 0..<d { let x = rows[i * d + f] - rows[j * d + f]; t += x * x }
            return t.squareRoot()
        }
        let core = (0..<n).map { i in (0..<n).map { dist(i, $0) }.sorted()[s] }
        var inTree = [Bool](repeating: false, count: n)
        var best = [Double](repeating: .infinity, count: n)
        best[0] = 0
        var weights: [Double] = []
        for _ in 0..<n {
            var u = -1
            for v in 0..<n where !inTree[v] && (u < 0 || best[v] < best[u]) { u = v }
            inTree[u] = true
            if weights.count < n - 1 && u != 0 || weights.isEmpty && u != 0 { weights.append(best[u]) }
            for v in 0..<n where !inTree[v] {
                best[v] = min(best[v], max(dist(u, v), core[u], core[v]))
            }
        }
        return (weights.reduce(0, +), weights.sorted())
    }

    @Test(arguments: [(300, 3, 5, UInt64(1)), (500, 2, 10, 2), (257, 5, 1, 3)])
    func spanningTreeIsMinimal(_ n: Int, _ d: Int, _ s: Int, _ seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        // Half on a coarse grid (ties and duplicate distances), half continuous.
        let rows = (0..<(n * d)).map { i in i < n * d / 2 ? (g.nextUnit() * 4).rounded() : g.nextUnit() * 4 }
        let tree = rows.withUnsafeBufferPointer { KDTree(rows: $0, count: n, width: d, leafSize: 4) }
        let (rd, _) = rows.withUnsafeBufferPointer { tree.nearest(queries: $0, queryCount: n, k: s + 1) }
        let coreR = (0..<n).map { pos -> Double in
            let c = rd[Int(tree.index[pos]) * (s + 1) + s].squareRoot()
            return c * c
        }
        for workers in [1, 2] {
            let edges = MutualReachabilitySpanningTree.build(tree: tree, coreRdist: coreR, workers: workers)
            #expect(edges.count == n - 1)
            let reference = Self.primWeight(rows, n: n, d: d, s: s)
            let weights = edges.map(\.distance)
            #expect(weights == weights.sorted())
            for (a, b) in zip(weights, reference.sorted) { #expect(abs(a - b) <= 1e-12 * max(1, b)) }
        }
    }

    @Test func kNearestMatchesBruteForce() {
        let n = 400, d = 3, k = 7
        var g = SeededGenerator(seed: 5)
        let rows = (0..<(n * d)).map { _ in g.nextUnit() }
        let tree = rows.withUnsafeBufferPointer { KDTree(rows: $0, count: n, width: d, leafSize: 5) }
        let (rd, ix) = rows.withUnsafeBufferPointer { tree.nearest(queries: $0, queryCount: n, k: k) }
        for i in 0..<n {
            let all = (0..<n).map { j -> Double in
                var t = 0.0
                for f in 0..<d { let x = rows[i * d + f] - rows[j * d + f]; t += x * x }
                return t
            }.sorted()
            #expect(Array(rd[(i * k)..<(i * k + k)]) == Array(all[0..<k]))
            #expect(ix[i * k] == Int32(i))
        }
    }

    @Test func twoBlobsAndNoise() throws {
        var rows = Self.blobs([[0, 0], [10, 0]], each: 150, spread: 0.6, seed: 7)
        var g = SeededGenerator(seed: 8)
        for _ in 0..<30 { rows.append(-5 + 20 * g.nextUnit()); rows.append(-8 + 16 * g.nextUnit()) }
        let model = try HDBSCAN(minClusterSize: 20).fit(rows: rows, count: 330, width: 2)
        #expect(model.clusterCount == 2)
        let first = model.labels[0..<150], second = model.labels[150..<300]
        let a = first.filter { $0 >= 0 }, b = second.filter { $0 >= 0 }
        #expect(a.count > 130 && b.count > 130)
        #expect(Set(a).count == 1 && Set(b).count == 1 && Set(a) != Set(b))
        #expect(model.labels[300...].filter { $0 < 0 }.count >= 15)
        for i in 0..<330 {
            #expect((model.labels[i] < 0) == (model.probabilities[i] == 0))
            #expect(model.outlierScores[i] >= 0 && model.outlierScores[i] <= 1)
        }
        // Soft clustering: rows sum to ≤ 1; the notebook rule labels every row.
        let m = model.membershipVectors()
        #expect(m.count == 330 * 2)
        for i in 0..<330 { #expect(m[2 * i] + m[2 * i + 1] <= 1 + 1e-12) }
        let (soft, _) = model.softLabels(rule: .everyPoint, membership: m)
        #expect(!soft.contains(-1))
        let (paper, moved) = model.softLabels(rule: .noiseOnly, membership: m)
        #expect(moved == 0)
        for i in 0..<330 where model.labels[i] >= 0 { #expect(paper[i] == model.labels[i]) }
        // Prediction: the blob centres land in their blobs; a far point is noise.
        let (pl, pp) = try model.approximatePredict(rows: [0, 0, 10, 0, 100, 100], count: 3)
        #expect(pl[0] == a.first! && pl[1] == b.first! && pl[2] == -1)
        #expect(pp[0] > 0.5 && pp[2] == 0)
        let mv = try model.membershipVectors(rows: [0, 0, 10, 0], count: 2)
        #expect(mv[Int(a.first!)] > 0.5 && mv[2 + Int(b.first!)] > 0.5)
    }

    @Test func tooFewRowsAreAllNoise() throws {
        let rows = Self.blobs([[0, 0, 0]], each: 30, spread: 1, seed: 3)
        let model = try HDBSCAN(minClusterSize: 50).fit(rows: rows, count: 30, width: 3)
        #expect(model.clusterCount == 0)
        #expect(model.labels.allSatisfy { $0 == -1 })
        #expect(model.probabilities.allSatisfy { $0 == 0 })
        #expect(model.membershipVectors().isEmpty)
        #expect(model.softLabels(rule: .everyPoint).labels == [Int32](repeating: 0, count: 30))
        let (pl, pp) = try model.approximatePredict(rows: [0, 0, 0], count: 1)
        #expect(pl == [-1] && pp == [0])
    }

    @Test func singleBlobNeedsAllowSingleCluster() throws {
        let rows = Self.blobs([[0, 0]], each: 300, spread: 1, seed: 4)
        let single = try HDBSCAN(minClusterSize: 40, allowSingleCluster: true).fit(rows: rows, count: 300, width: 2)
        #expect(single.clusterCount == 1)
        #expect(single.selectedClusters == [300])
        #expect(single.labels.filter { $0 == 0 }.count > 0)
        let leaf = try HDBSCAN(minClusterSize: 40, selection: .leaf).fit(rows: rows, count: 300, width: 2)
        let eom = try HDBSCAN(minClusterSize: 40).fit(rows: rows, count: 300, width: 2)
        #expect(leaf.clusterCount >= eom.clusterCount)
        #expect(!eom.selectedClusters.contains(300))
    }

    @Test func restoredModelPredictsAsTheFittedOne() throws {
        let rows = Self.blobs([[0, 0], [6, 6], [0, 8]], each: 120, spread: 1, seed: 9)
        let model = try HDBSCAN(minClusterSize: 15, minSamples: 10).fit(rows: rows, count: 360, width: 2)
        let t = model.condensedTree
        let tree = try HDBSCANCondensedTree(pointCount: t.pointCount, parent: t.parent, child: t.child, lambda: t.lambda, childSize: t.childSize)
        let restored = try HDBSCANModel(
            rows: model.rows, count: 360, width: 2, condensedTree: tree, coreDistances: model.coreDistances,
            minClusterSize: 15, minSamples: 10)
        #expect(restored.labels == model.labels)
        #expect(restored.probabilities == model.probabilities)
        #expect(restored.outlierScores == model.outlierScores)
        #expect(restored.membershipVectors() == model.membershipVectors())
        let queries = Self.blobs([[3, 3]], each: 20, spread: 3, seed: 10)
        #expect(try restored.approximatePredict(rows: queries, count: 20) == model.approximatePredict(rows: queries, count: 20))
        #expect(try restored.membershipVectors(rows: queries, count: 20) == model.membershipVectors(rows: queries, count: 20))
    }

    @Test func invalidInputsThrow() throws {
        #expect(throws: LearningError.self) { try HDBSCAN(minClusterSize: 1).fit(rows: [0, 1, 2], count: 3, width: 1) }
        #expect(throws: LearningError.self) { try HDBSCAN(minClusterSize: 5).fit(rows: [0, .nan, 2], count: 3, width: 1) }
        #expect(throws: LearningError.self) { try HDBSCAN(minClusterSize: 5).fit(rows: [0, 1], count: 3, width: 1) }
        #expect(throws: LearningError.self) {
            try HDBSCANCondensedTree(pointCount: 2, parent: [2], child: [0], lambda: [1], childSize: [1])
        }
    }
}
