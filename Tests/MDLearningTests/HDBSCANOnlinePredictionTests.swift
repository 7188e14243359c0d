import Foundation
@testable import MDLearning
import Testing

/// `HDBSCANModel.predict(rows:count:rule:)` and the one-search neighbour behind it and behind
/// `approximatePredict`, `membershipVectors(rows:count:)` and `approximatePredictScores`:
/// bit-identical to the sorted 2·minSamples search they replace (`HDBSCANSortedReference`).
@Suite struct HDBSCANOnlinePredictionTests {
    /// The first index where two arrays differ (bit patterns for doubles), with both values.
    static func firstDifference<T: Equatable>(_ a: [T], _ b: [T]) -> String? {
        guard a.count == b.count else { return "\(a.count) values against \(b.count)" }
        guard let i = a.indices.first(where: { a[$0] != b[$0] }) else { return nil }
        return "first difference at \(i): \(a[i]) against \(b[i]) (\(a.indices.filter { a[$0] != b[$0] }.count) in all)"
    }

    /// Every output of a model on `new` against the sorted reference, bit for bit (`==` on the
    /// doubles: no NaN arises here).
    static func expectSameAsSortedSearch(_ model: HDBSCANModel, _ new: [Double], count queries: Int, _ what: String) throws {
        func expectSame<T: Equatable>(_ a: [T], _ b: [T], _ field: String) {
            let difference = firstDifference(a, b)
            #expect(difference == nil, "\(what): \(field): \(difference ?? "")")
        }
        let fast = model.neighbours(of: new, count: queries)
        let reference = HDBSCANSortedReference.neighbours(model, new, count: queries)
        expectSame(fast.rows, reference.rows, "neighbour")
        expectSame(fast.lambdas, reference.lambdas, "λ")
        expectSame(fast.onTrainingRow, reference.onTrainingRow, "on a training row")

        let predicted = try model.approximatePredict(rows: new, count: queries)
        let expected = HDBSCANSortedReference.approximatePredict(model, new, count: queries)
        expectSame(predicted.labels, expected.labels, "approximatePredict labels")
        expectSame(predicted.probabilities, expected.probabilities, "approximatePredict probabilities")
        let membership = try model.membershipVectors(rows: new, count: queries)
        expectSame(membership, HDBSCANSortedReference.membershipVectors(model, new, count: queries), "membershipVectors")
        let scores = try model.approximatePredictScores(rows: new, count: queries)
        expectSame(scores, HDBSCANSortedReference.approximatePredictScores(model, new, count: queries), "approximatePredictScores")

        for rule in HDBSCANSoftLabelRule.allCases {
            let all = try model.predict(rows: new, count: queries, rule: rule)
            #expect(all.count == queries && all.clusterCount == model.prediction.clusters.count, "\(what)")
            expectSame(all.labels, HDBSCANSortedReference.softLabels(model, new, count: queries, rule: rule), "predict labels (\(rule))")
            expectSame(all.probabilities, expected.probabilities, "predict probabilities")
            expectSame(all.membership, membership, "predict membership")
            expectSame(all.outlierScores, scores, "predict outlier scores")
        }
    }

    /// The search alone, on a grid (distances tie in shells, rows coincide) with arbitrary core
    /// distances drawn from the rows' own core distances c (so core distances tie with c, and
    /// rows at distance c decide by position): wherever it answers, the answer is hdbscan's
    /// definition on the sorted list; where it does not, that definition needs rows beyond the
    /// core neighbourhood or a tie it leaves to the full search.
    @Test(arguments: [(2, 4, UInt64(21)), (2, 9, 22), (3, 6, 23), (2, 1, 24), (3, 20, 25), (4, 12, 26)])
    func searchMatchesTheSortedDefinition(_ d: Int, _ minSamples: Int, _ seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        let n = 700
        let rows = (0..<(n * d)).map { _ in Double(Int(g.next() % 13)) }
        let tree = rows.withUnsafeBufferPointer { KDTree(rows: $0, count: n, width: d) }
        let k = min(2 * minSamples, n), rank = min(minSamples, k - 1)
        let queries = (0..<(400 * d)).map { i in Double(Int(g.next() % 27)) / 2 - (i % 3 == 0 ? 0.25 : 0) }
        let (rd, ix) = queries.withUnsafeBufferPointer { tree.nearest(queries: $0, queryCount: 400, k: k) }
        let core = (0..<n).map { _ in rd[Int(g.next() % 400) * k + rank].squareRoot() }
        let search = MutualReachabilityNeighbourSearch(tree: tree, coreDistances: core, minSamples: minSamples, scanSize: 16)
        let scratch = MutualReachabilityNeighbourSearch.Scratch(search)
        #expect(search.neighbourCount == k && search.coreRank == rank)
        var answered = 0, wrong = 0
        var firstWrong = ""
        for i in 0..<400 {
            let pointCore = rd[i * k + search.coreRank].squareRoot()
            var best = Double.infinity
            var bestRow = Int(ix[i * k])
            for j in 0..<k {
                let mr = max(core[Int(ix[i * k + j])], pointCore, rd[i * k + j].squareRoot())
                if mr < best { best = mr; bestRow = Int(ix[i * k + j]) }
            }
            let lambda = best > 0 ? 1.0 / best : Double.greatestFiniteMagnitude
            guard let found = queries.withUnsafeBufferPointer({ search.neighbour(of: $0.baseAddress! + i * d, scratch: scratch) }) else { continue }
            answered += 1
            if found.row != bestRow || found.lambda != lambda || found.onTrainingRow != (rd[i * k] == 0) {
                wrong += 1
                if firstWrong.isEmpty { firstWrong = "row \(i): \(found) against (\(bestRow), \(lambda), \(rd[i * k] == 0))" }
            }
        }
        #expect(wrong == 0, "\(wrong) of \(answered) answers differ; \(firstWrong)")
        // Both paths run: 26 (d 2, min_samples 1: rows coincide, ties everywhere) to 391 of 400.
        #expect(answered >= 20, "\(answered) of 400 answered")
    }

    /// Rows around a few centres in `d` dimensions; `grid` > 0 rounds every coordinate to a
    /// multiple of it, so that many rows coincide and many distances tie.
    static func rows(count n: Int, width d: Int, grid: Double, generator g: inout SeededGenerator) -> [Double] {
        let centres = (0..<3).map { _ in (0..<d).map { _ in g.nextUnit() * 10 } }
        return (0..<n).flatMap { i -> [Double] in
            let c = centres[i % 3]
            return (0..<d).map { f in
                let u = max(g.nextUnit(), 1e-300), v = g.nextUnit()
                let x = c[f] + (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
                return grid > 0 ? (x / grid).rounded() * grid : x
            }
        }
    }

    /// Seeded random data sets (the library's `SeededGenerator`: xoshiro256** seeded by
    /// SplitMix64): continuous and grid-rounded rows (ties and duplicates), small and large
    /// min_samples, k clamped to the row count; queried with new rows, training rows (distance
    /// 0) and rows of the grid.
    @Test(arguments: [
        (600, 2, 10, 0.25, UInt64(1)), (900, 5, 15, 0.0, 2), (400, 3, 5, 0.5, 3), (300, 2, 1, 0.0, 4),
        (50, 2, 40, 0.0, 5), (700, 4, 30, 1.0, 6), (2600, 3, 12, 0.0, 7),
    ])
    func randomRowsMatchTheSortedSearch(_ n: Int, _ d: Int, _ minSamples: Int, _ grid: Double, _ seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let training = Self.rows(count: n, width: d, grid: grid, generator: &g)
        let model = try HDBSCAN(minClusterSize: max(2, min(minSamples, n / 4)), minSamples: minSamples).fit(rows: training, count: n, width: d)
        // 2,100 new rows (more than 2048: the parallel path) and 150 training rows.
        var new = Self.rows(count: 2100, width: d, grid: grid, generator: &g)
        new += training.prefix(150 * d)
        try Self.expectSameAsSortedSearch(model, new, count: new.count / d, "n \(n), d \(d), min_samples \(minSamples), grid \(grid)")
        // And one small frame (a single worker).
        try Self.expectSameAsSortedSearch(model, Array(new.prefix(37 * d)), count: 37, "37 rows, n \(n)")
    }

    /// A row whose s + 1 nearest rows are all less dense than it sees them (the centre of a ring
    /// of min_samples + 1 rows, each with its min_samples-th neighbour across the ring) leaves
    /// the one-search path undecided; the full sorted search answers, with the same result.
    @Test func ringCentreTakesTheSortedSearch() throws {
        let s = 8
        var g = SeededGenerator(seed: 11)
        var training: [Double] = []
        for j in 0...s {
            let a = 2 * Double.pi * Double(j) / Double(s + 1)
            training += [cos(a), sin(a)]
        }
        for _ in 0..<60 { training += [20 + g.nextUnit(), 20 + g.nextUnit()] }
        let n = training.count / 2
        let model = try HDBSCAN(minClusterSize: 10, minSamples: s).fit(rows: training, count: n, width: 2)
        let centre: [Double] = [0, 0]
        let scratch = MutualReachabilityNeighbourSearch.Scratch(model.neighbourSearch)
        #expect(centre.withUnsafeBufferPointer { model.neighbourSearch.neighbour(of: $0.baseAddress!, scratch: scratch) } == nil)
        try Self.expectSameAsSortedSearch(model, centre + [0.1, 0.05, 20.5, 20.5], count: 3, "ring")
    }

    /// Hundreds of rows at one point: ties at the bound the candidate buffer cannot drop.
    @Test func duplicatedRowsMatchTheSortedSearch() throws {
        var g = SeededGenerator(seed: 12)
        var training = [Double]()
        for _ in 0..<300 { training += [1, 1] }
        for _ in 0..<200 { training += [g.nextUnit() * 3, g.nextUnit() * 3] }
        let model = try HDBSCAN(minClusterSize: 20, minSamples: 25).fit(rows: training, count: 500, width: 2)
        var new: [Double] = [1, 1, 0, 0]
        for _ in 0..<200 { new += [g.nextUnit() * 4 - 0.5, g.nextUnit() * 4 - 0.5] }
        try Self.expectSameAsSortedSearch(model, new, count: new.count / 2, "duplicates")
    }

    /// No cluster: labels 0, probabilities 0, no membership columns, scores 1 (no search).
    @Test func noClusterPrediction() throws {
        let rows = (0..<10).flatMap { [Double($0) * 10, Double($0 % 3)] }
        let model = try HDBSCAN(minClusterSize: 20, minSamples: 2).fit(rows: rows, count: 10, width: 2)
        #expect(model.clusterCount == 0)
        let p = try model.predict(rows: [1, 1, 30, 2], count: 2, rule: .noiseOnly)
        #expect(p.labels == [0, 0] && p.probabilities == [0, 0] && p.membership.isEmpty && p.clusterCount == 0)
        #expect(p.outlierScores == [1, 1])
        try Self.expectSameAsSortedSearch(model, [1, 1, 30, 2], count: 2, "no cluster")
        let empty = try model.predict(rows: [], count: 0, rule: .everyPoint)
        #expect(empty.count == 0 && empty.labels.isEmpty && empty.outlierScores.isEmpty)
    }

    @Test func invalidRowsThrow() throws {
        let (model, _) = try HDBSCANFixtureTests.fitted(30, .eom)
        #expect(throws: LearningError.self) { try model.predict(rows: [1, 2, 3], count: 1, rule: .everyPoint) }
        var bad = [Double](repeating: 0, count: 2 * model.width)
        bad[model.width + 1] = .nan
        #expect(throws: LearningError.nonFiniteValue(row: 1, column: 1)) { try model.predict(rows: bad, count: 2, rule: .everyPoint) }
    }

    /// The committed Cu(211) cases (6,000 training and 1,000 held-back rows; min_cluster_size
    /// 80 and 30, EOM and leaf) and the training rows themselves.
    @Test(arguments: HDBSCANFixtureTests.cases)
    func cu211FixturesMatchTheSortedSearch(_ name: String, _ m: Int, _ selection: HDBSCANClusterSelection) throws {
        let c = try HDBSCANFixtureTests.referenceCase(name, m, selection)
        try Self.expectSameAsSortedSearch(c.model, c.held, count: c.heldCount, "\(name) held-back rows")
        try Self.expectSameAsSortedSearch(c.model, Array(c.model.rows.prefix(500 * c.model.width)), count: 500, "\(name) training rows")
    }

    /// The distance part of the membership vectors (also behind the all-points
    /// `membershipVectors()`), four exemplars at a time with one square root per cluster: the
    /// same doubles as one square root per exemplar, on training, held-back and far rows and on
    /// the exemplars themselves (distance 0).
    @Test(arguments: HDBSCANFixtureTests.cases)
    func distanceMembershipIsUnchanged(_ name: String, _ m: Int, _ selection: HDBSCANClusterSelection) throws {
        let c = try HDBSCANFixtureTests.referenceCase(name, m, selection)
        let data = c.model.prediction, d = c.model.width, k = data.clusters.count
        let rows = Array(c.model.rows.prefix(2000 * d)) + c.held + c.held.map { $0 * 7 - 3 } + data.exemplars
        var mine = [Double](repeating: 0, count: k), reference = [Double](repeating: 0, count: k)
        var differing = 0
        rows.withUnsafeBufferPointer { x in
            for i in 0..<(rows.count / d) {
                data.distanceMembership(row: x.baseAddress! + i * d, width: d, into: &mine)
                HDBSCANSortedReference.distanceMembership(data, row: x.baseAddress! + i * d, width: d, into: &reference)
                if mine != reference { differing += 1 }
            }
        }
        #expect(differing == 0, "\(differing) of \(rows.count / d) rows")
    }

    /// The Au-309 case (5,000 training and 800 held-back rows of width 3, min_cluster_size 150).
    @Test func au309FixtureMatchesTheSortedSearch() throws {
        let c = try HDBSCANAu309FixtureTests.referenceCase()
        try Self.expectSameAsSortedSearch(c.model, c.held, count: c.heldCount, "Au-309 held-back rows")
    }
}
