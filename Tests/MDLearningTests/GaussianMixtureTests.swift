import Foundation
@testable import MDLearning
import Testing

@Suite struct GaussianMixtureTests {
    struct Reference {
        let components: Int
        let initialWeights: [Double]
        let initialMeans: [Double]
        let initialPrecisionsCholesky: [Double]
        let initialLabels: [Int32]
        let weights: [Double]
        let means: [Double]
        let covariances: [Double]
        let precisionsCholesky: [Double]
        let labels: [Int32]
        let scoreSamples50: [Double]
        let proba50: [Double]
        let lowerBound: Double
        let iterations: Int

        init(components k: Int) throws {
            components = k
            let p = "gmm_k\(k)_"
            initialWeights = try FixtureFolder.learning.doubles(p + "init_weights.bin")
            initialMeans = try FixtureFolder.learning.doubles(p + "init_means.bin")
            initialPrecisionsCholesky = try FixtureFolder.learning.doubles(p + "init_precisions_cholesky.bin")
            initialLabels = try FixtureFolder.learning.int32s(p + "init_labels.bin")
            weights = try FixtureFolder.learning.doubles(p + "weights.bin")
            means = try FixtureFolder.learning.doubles(p + "means.bin")
            covariances = try FixtureFolder.learning.doubles(p + "covariances.bin")
            precisionsCholesky = try FixtureFolder.learning.doubles(p + "precisions_cholesky.bin")
            labels = try FixtureFolder.learning.int32s(p + "labels.bin")
            scoreSamples50 = try FixtureFolder.learning.doubles(p + "score_samples50.bin")
            proba50 = try FixtureFolder.learning.doubles(p + "proba50.bin")
            let meta = (try FixtureFolder.learning.jsonObject("gmm.json")["models"] as! [String: Any])["\(k)"] as! [String: Any]
            lowerBound = (meta["lower_bound"] as! NSNumber).doubleValue
            iterations = (meta["n_iter"] as! NSNumber).intValue
        }
    }

    /// The study's settings (tol 1e-9, max_iter 1000, reg_covar 1e-6).
    static func study(_ k: Int) -> GaussianMixture {
        GaussianMixture(components: k, tolerance: 1e-9, maxIterations: 1000, regularisation: 1e-6)
    }

    /// Compares a fit with sklearn's: lower bound to 1e-6 relative, ≥ 99.9 % equal labels,
    /// parameters and per-row scores close. Returns the number of differing labels.
    @discardableResult
    static func expectMatches(_ model: GaussianMixtureModel, _ ref: Reference, rows: [Double]) throws -> Int {
        let relative = abs(model.lowerBound - ref.lowerBound) / abs(ref.lowerBound)
        #expect(relative < 1e-6, "lower bound \(model.lowerBound) vs sklearn \(ref.lowerBound)")
        #expect(model.converged)
        #expect(model.iterations == ref.iterations)
        let differing = zip(model.labels, ref.labels).filter { $0 != $1 }.count
        #expect(Double(differing) <= 0.001 * Double(ref.labels.count), "\(differing) labels differ")
        // Measured: 0 labels differ; parameters agree to ~1e-16 (factors to 1e-13 relative).
        #expect(ClusteringFixtures.maxAbsoluteDifference(model.weights, ref.weights) < 1e-10)
        #expect(ClusteringFixtures.maxAbsoluteDifference(model.means, ref.means) < 1e-10)
        #expect(ClusteringFixtures.maxAbsoluteDifference(model.covariances, ref.covariances) < 1e-12)
        #expect(ClusteringFixtures.maxRelativeDifference(model.precisionsCholesky, ref.precisionsCholesky, floor: 1) < 1e-9)
        let first50 = Array(rows[0..<(50 * model.width)])
        #expect(ClusteringFixtures.maxRelativeDifference(try model.scoreSamples(rows: first50, count: 50), ref.scoreSamples50) < 1e-10)
        #expect(ClusteringFixtures.maxAbsoluteDifference(try model.predictProba(rows: first50, count: 50), ref.proba50) < 1e-10)
        return differing
    }

    /// sklearn `GaussianMixture(k, 'full', tol=1e-9, max_iter=1000, weights_init, means_init,
    /// precisions_init)` from the same initial parameters.
    @Test(arguments: [3, 7])
    func givenInitialParametersMatchScikitLearn(_ k: Int) throws {
        let (rows, count, width) = try ClusteringFixtures.rows()
        let ref = try Reference(components: k)
        let model = try Self.study(k).fit(
            rows: rows, count: count, width: width,
            initial: (ref.initialWeights, ref.initialMeans, ref.initialPrecisionsCholesky))
        try Self.expectMatches(model, ref, rows: rows)
        #expect(try model.predict(rows: rows, count: count) == model.labels)
        // The online path's one-table form gives the same labels and log-likelihoods.
        let both = try model.predictAndScore(rows: rows, count: count)
        #expect(both.labels == model.labels)
        #expect(both.logLikelihoods == (try model.scoreSamples(rows: rows, count: count)))
    }

    /// sklearn's `init_params='kmeans'` path: one-hot responsibilities of the KMeans labels give
    /// sklearn's initial weights, means and precision factors, and the fit then matches.
    @Test(arguments: [3, 7])
    func initialisationFromLabelsMatchesScikitLearn(_ k: Int) throws {
        let (rows, count, width) = try ClusteringFixtures.rows()
        let ref = try Reference(components: k)
        let em = rows.withUnsafeBufferPointer { GaussianMixtureEM(rows: $0, count: count, width: width, components: k, regularisation: 1e-6) }
        try em.initialise(fromLabels: ref.initialLabels)
        #expect(ClusteringFixtures.maxRelativeDifference(em.weights, ref.initialWeights) < 1e-12)
        #expect(ClusteringFixtures.maxRelativeDifference(em.means, ref.initialMeans, floor: 1e-3) < 1e-10)
        // sklearn derived its factors from inv(covariance) by a flipped Cholesky; ours come from
        // the covariance directly: equal to rounding of a 5 × 5 inverse.
        #expect(ClusteringFixtures.maxRelativeDifference(em.precisionsCholesky, ref.initialPrecisionsCholesky, floor: 1) < 1e-8)
        let model = try Self.study(k).fit(rows: rows, count: count, width: width, initialLabels: ref.initialLabels)
        try Self.expectMatches(model, ref, rows: rows)
    }

    /// The allocation-free per-row functions (the daemon's path) equal the batch ones.
    @Test func perRowScoringEqualsTheBatch() throws {
        let (rows, count, width) = try ClusteringFixtures.rows()
        let ref = try Reference(components: 7)
        let model = try GaussianMixture(components: 7, tolerance: 1e-6).fit(
            rows: rows, count: count, width: width, initial: (ref.initialWeights, ref.initialMeans, ref.initialPrecisionsCholesky))
        let scores = try model.scoreSamples(rows: rows, count: count)
        let proba = try model.predictProba(rows: rows, count: count)
        let labels = try model.predict(rows: rows, count: count)
        var responsibilities = [Double](repeating: 0, count: 7)
        var scratch = [Double](repeating: 0, count: 7)
        var worstScore = 0.0
        var worstProba = 0.0
        var labelMismatches = 0
        rows.withUnsafeBufferPointer { x in
            responsibilities.withUnsafeMutableBufferPointer { r in
                scratch.withUnsafeMutableBufferPointer { s in
                    for i in 0..<count {
                        let row = UnsafeBufferPointer(rebasing: x[(i * width)..<((i + 1) * width)])
                        let score = model.scoreSample(row: row, responsibilities: r)
                        worstScore = max(worstScore, abs(score - scores[i]) / max(abs(scores[i]), 1))
                        var sum = 0.0
                        for c in 0..<7 {
                            worstProba = max(worstProba, abs(r[c] - proba[i * 7 + c]))
                            sum += r[c]
                        }
                        worstProba = max(worstProba, abs(sum - 1))
                        if model.predict(row: row, scratch: s) != Int(labels[i]) { labelMismatches += 1 }
                    }
                }
            }
        }
        #expect(worstScore < 1e-12)
        #expect(worstProba < 1e-12)
        #expect(labelMismatches == 0)
        #expect(abs(try model.score(rows: rows, count: count) - scores.reduce(0, +) / Double(count)) < 1e-12)
    }

    /// Our own KMeans initialisation: the same seed gives the same model; EM converges.
    @Test func ownInitialisationIsReproducible() throws {
        let (rows, count, width) = try ClusteringFixtures.rows()
        let mixture = GaussianMixture(components: 3, tolerance: 1e-9, maxIterations: 1000, seed: 7)
        let a = try mixture.fit(rows: rows, count: count, width: width)
        let b = try mixture.fit(rows: rows, count: count, width: width)
        #expect(a.lowerBound == b.lowerBound)
        #expect(a.labels == b.labels)
        #expect(a.means == b.means)
        #expect(a.converged)
        #expect(abs(a.weights.reduce(0, +) - 1) < 1e-12)
    }

    @Test func logSumExpIsStable() {
        let v: [Double] = [-1000, -1000 + log(3.0), -Double.infinity]
        let r = v.withUnsafeBufferPointer { GaussianMixtureKernels.logSumExp($0.baseAddress!, 3) }
        #expect(abs(r - (-1000 + log(4.0))) < 1e-12)
        let all: [Double] = [-.infinity, -.infinity]
        #expect(all.withUnsafeBufferPointer { GaussianMixtureKernels.logSumExp($0.baseAddress!, 2) } == -.infinity)
        let big: [Double] = [800, 800]
        #expect(big.withUnsafeBufferPointer { GaussianMixtureKernels.logSumExp($0.baseAddress!, 2) } == 800 + log(2.0))
    }

    /// A component whose rows all coincide has a zero covariance; without regularisation it is
    /// not positive definite and the fit says so (sklearn's "ill-defined empirical covariance").
    @Test func collapsedComponentIsReported() {
        let rows: [Double] = [0, 0, 0, 0, 0, 0, 5, 1, 6, 3, 7, 2, 5, 4]
        let labels: [Int32] = [0, 0, 0, 1, 1, 1, 1]
        #expect(throws: GaussianMixtureError.illDefinedCovariance(component: 0, leadingMinor: 1, iteration: 0)) {
            try GaussianMixture(components: 2, regularisation: 0).fit(rows: rows, count: 7, width: 2, initialLabels: labels)
        }
        // With sklearn's default regularisation the same start is fine.
        #expect(throws: Never.self) { try GaussianMixture(components: 2).fit(rows: rows, count: 7, width: 2, initialLabels: labels) }
        #expect(GaussianMixtureError.illDefinedCovariance(component: 0, leadingMinor: 1, iteration: 0).description.contains("reg_covar"))
    }

    @Test func invalidInitialParametersAreRejected() throws {
        let rows: [Double] = [0, 1, 2, 3, 4, 5]
        let identity: [Double] = [1, 0, 0, 1, 1, 0, 0, 1]
        #expect(throws: GaussianMixtureError.self) {
            try GaussianMixture(components: 2).fit(rows: rows, count: 3, width: 2, initial: ([0.5, 0.6], [0, 0, 1, 1], identity))
        }
        #expect(throws: GaussianMixtureError.self) {
            try GaussianMixture(components: 2).fit(rows: rows, count: 3, width: 2, initial: ([0.5, 0.5], [0, 0, 1, 1], [1, 0, 0, 1, 1, 0, 0.5, 1]))
        }
        #expect(throws: LearningError.self) {
            try GaussianMixture(components: 4).fit(rows: rows, count: 3, width: 2, initialLabels: [0, 1, 2])
        }
        #expect(throws: LearningError.nonFiniteValue(row: 2, column: 1)) {
            try GaussianMixture(components: 1).fit(rows: [0, 1, 2, 3, 4, .infinity], count: 3, width: 2)
        }
    }
}
