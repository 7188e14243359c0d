@testable import MDLearning
import Testing

/// Models restored from stored arrays (a model bundle) predict exactly as the fitted ones, and
/// damaged arrays are refused.
@Suite struct RestoredModelTests {
    /// Three well separated blobs in 3-D.
    static func rows() -> [Double] {
        var g = SeededGenerator(seed: 11)
        var out: [Double] = []
        for i in 0..<300 {
            let centre = Double(i % 3) * 5
            for f in 0..<3 { out.append(centre + Double(f) + Double.random(in: -1...1, using: &g)) }
        }
        return out
    }

    @Test func pcaRestoresBitForBit() throws {
        let rows = Self.rows()
        var acc = try PCAAccumulator(featureCount: 3)
        try acc.add(rows: rows, count: 300)
        let fitted = try acc.fit(rule: .count(2))
        let restored = try PCAModel(
            featureCount: 3, sampleCount: fitted.sampleCount, mean: fitted.mean, components: fitted.components,
            explainedVariance: fitted.explainedVariance, explainedVarianceRatio: fitted.explainedVarianceRatio,
            totalVariance: fitted.totalVariance)
        #expect(restored == fitted)
        #expect(try restored.project(rows, count: 300) == fitted.project(rows, count: 300))
        #expect(throws: LearningError.self) {
            try PCAModel(featureCount: 3, sampleCount: 1, mean: [0, 0], components: fitted.components,
                         explainedVariance: fitted.explainedVariance, explainedVarianceRatio: fitted.explainedVarianceRatio, totalVariance: 1)
        }
    }

    @Test func kmeansAndGaussianMixtureRestore() throws {
        let rows = Self.rows()
        let kmeans = try KMeans(clusters: 3, initCount: 2, seed: 1).fit(rows: rows, count: 300, width: 3)
        let k2 = try KMeansModel(centres: kmeans.centres, clusters: 3, width: 3, inertia: kmeans.inertia, iterations: kmeans.iterations)
        #expect(try k2.predict(rows: rows, count: 300) == kmeans.labels)
        #expect(throws: LearningError.self) { try KMeansModel(centres: [1, 2], clusters: 3, width: 3, inertia: 0, iterations: 0) }

        let gmm = try GaussianMixture(components: 3, tolerance: 1e-6, seed: 1).fit(rows: rows, count: 300, width: 3)
        let g2 = try GaussianMixtureModel(
            weights: gmm.weights, means: gmm.means, covariances: gmm.covariances, precisionsCholesky: gmm.precisionsCholesky,
            width: 3, converged: gmm.converged, iterations: gmm.iterations, lowerBound: gmm.lowerBound)
        #expect(try g2.predict(rows: rows, count: 300) == gmm.labels)
        #expect(try g2.scoreSamples(rows: rows, count: 300) == gmm.scoreSamples(rows: rows, count: 300))
        var broken = gmm.precisionsCholesky
        broken[0] = -1
        #expect(throws: LearningError.self) {
            try GaussianMixtureModel(weights: gmm.weights, means: gmm.means, covariances: gmm.covariances, precisionsCholesky: broken,
                                     width: 3, converged: true, iterations: 1, lowerBound: 0)
        }
    }

    @Test func lensClassesRestoreFromClusterMaxima() throws {
        let values = (0..<90).map { Double($0 % 30) / 30 + Double($0 / 30) }
        let kmeans = try KMeans(clusters: 3, initCount: 3, seed: 666).fit(rows: values, count: 90, width: 1)
        let fitted = try LensThresholdClassifier(values: values, labels: kmeans.labels, centres: kmeans.centres)
        let restored = try LensThresholdClassifier(clusterMaxima: fitted.thresholds)
        #expect(try restored.classify(values) == fitted.classify(values))
        #expect(throws: LearningError.self) { try LensThresholdClassifier(clusterMaxima: []) }
    }
}
