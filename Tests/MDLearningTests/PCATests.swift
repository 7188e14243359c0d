import Foundation
@testable import MDLearning
import Testing

/// `pca_reference.json`: sklearn `PCA(svd_solver='covariance_eigh')` on 500 real χ rows.
struct PCAReference: Decodable {
    let row_indices: [Int]
    let total_variance_trace: Double
    let n_components_0_995: Int
    let n_components_0_99: Int

    enum CodingKeys: String, CodingKey {
        case row_indices, total_variance_trace
        case n_components_0_995 = "n_components_0.995"
        case n_components_0_99 = "n_components_0.99"
    }

    static let width = 577
    static let shared = Result { try load() }

    struct Data {
        let meta: PCAReference
        let rows: [Double]
        let mean: [Double]
        let components10: [Double]
        let explainedVariance: [Double]
        let ratio: [Double]
        let projection: [Double]
        var count: Int { rows.count / PCAReference.width }
    }

    static func load() throws -> Data {
        Data(
            meta: try FixtureFolder.learning.json("pca_reference.json"),
            rows: try FixtureFolder.learning.floatsAsDoubles("pca_rows.f32"),
            mean: try FixtureFolder.learning.doubles("pca_mean.f64"),
            components10: try FixtureFolder.learning.doubles("pca_components10.f64"),
            explainedVariance: try FixtureFolder.learning.doubles("pca_explained_variance.f64"),
            ratio: try FixtureFolder.learning.doubles("pca_explained_variance_ratio.f64"),
            projection: try FixtureFolder.learning.doubles("pca_projection20x10.f64"))
    }
}

@Suite struct PCATests {
    let ref: PCAReference.Data
    let d = PCAReference.width

    init() throws { ref = try PCAReference.shared.get() }

    func accumulator(batch: Int) throws -> PCAAccumulator {
        var acc = try PCAAccumulator(featureCount: d)
        var start = 0
        while start < ref.count {
            let b = min(batch, ref.count - start)
            try acc.add(rows: Array(ref.rows[(start * d)..<((start + b) * d)]), count: b)
            start += b
        }
        return acc
    }

    @Test func fixtureShape() {
        #expect(ref.count == 500)
        #expect(ref.mean.count == d)
        #expect(ref.components10.count == 10 * d)
        #expect(ref.ratio.count == 500)
    }

    @Test func matchesScikitLearnCovarianceEigh() throws {
        let acc = try accumulator(batch: 4096)
        let model = try acc.fit(rule: .count(500))
        #expect(model.sampleCount == 500 && model.featureCount == d)
        let meanError = zip(model.mean, ref.mean).map { abs($0 - $1) }.max()!
        #expect(meanError < 1e-14)
        // Ratios of all 500 components (absolute), variances (relative to the largest).
        let ratioError = zip(model.explainedVarianceRatio, ref.ratio).map { abs($0 - $1) }.max()!
        #expect(ratioError < 1e-8)
        let varianceError = zip(model.explainedVariance, ref.explainedVariance).map { abs($0 - $1) }.max()! / ref.explainedVariance[0]
        #expect(varianceError < 1e-10)
        #expect(abs(model.totalVariance - ref.meta.total_variance_trace) / ref.meta.total_variance_trace < 1e-10)
        // First 10 components, same signs (svd_flip), unit rows.
        var componentError = 0.0
        for r in 0..<10 {
            var norm = 0.0
            for j in 0..<d {
                componentError = max(componentError, abs(model.components[r * d + j] - ref.components10[r * d + j]))
                norm += model.components[r * d + j] * model.components[r * d + j]
            }
            #expect(abs(norm - 1) < 1e-12)
        }
        #expect(componentError < 1e-6)
        print("PCA vs sklearn: mean \(meanError), ratio \(ratioError), variance/λ0 \(varianceError), components(10) \(componentError)")
    }

    @Test func varianceFractionRuleCountsLikeScikitLearn() throws {
        let acc = try accumulator(batch: 4096)
        #expect(try acc.fit(rule: .varianceFraction(0.995)).componentCount == ref.meta.n_components_0_995)
        #expect(try acc.fit(rule: .varianceFraction(0.99)).componentCount == ref.meta.n_components_0_99)
        // The rule is "> v": at exactly a cumulative ratio the next component is needed.
        let model = try acc.fit(rule: .count(3))
        let cumulative3 = model.explainedVarianceRatio.reduce(0, +)
        #expect(try acc.fit(rule: .varianceFraction(cumulative3)).componentCount == 4)
        #expect(try acc.fit(rule: .varianceFraction(cumulative3 * (1 - 1e-12))).componentCount == 3)
    }

    @Test func projectionsMatchScikitLearn() throws {
        let model = try accumulator(batch: 4096).fit(rule: .count(10))
        let rows = Array(ref.rows[0..<(20 * d)])
        let projected = try model.project(rows, count: 20)
        #expect(projected.count == 200)
        var worst = 0.0
        var single = [Double](repeating: 0, count: 10)
        for r in 0..<20 {
            var norm = 0.0
            for j in 0..<d { norm += rows[r * d + j] * rows[r * d + j] }
            norm = norm.squareRoot()
            try rows[(r * d)..<((r + 1) * d)].withUnsafeBufferPointer { row in
                try single.withUnsafeMutableBufferPointer { try model.project(row: row, into: $0) }
            }
            for c in 0..<10 {
                worst = max(worst, abs(projected[r * 10 + c] - ref.projection[r * 10 + c]) / norm)
                #expect(abs(single[c] - projected[r * 10 + c]) < 1e-14)
            }
        }
        #expect(worst < 1e-6)
        print("PCA projection vs sklearn: max |Δ|/|x| = \(worst)")
    }

    @Test func mergeOfSplitsEqualsOneAccumulator() throws {
        let whole = try accumulator(batch: 4096)
        var a = try PCAAccumulator(featureCount: d)
        var b = try PCAAccumulator(featureCount: d)
        let split = 173
        try a.add(rows: Array(ref.rows[0..<(split * d)]), count: split)
        try b.add(rows: Array(ref.rows[(split * d)...]), count: ref.count - split)
        try a.merge(b)
        #expect(a.count == whole.count)
        let meanError = zip(a.mean, whole.mean).map { abs($0 - $1) }.max()!
        #expect(meanError < 1e-15)
        let scale = whole.comoment[0..<(d * d)].map(abs).max()!
        var m2Error = 0.0
        for i in 0..<d { for j in i..<d { m2Error = max(m2Error, abs(a.comoment[i * d + j] - whole.comoment[i * d + j])) } }
        #expect(m2Error / scale < 1e-12)
        // Merging into an empty accumulator copies; merging an empty one changes nothing.
        var empty = try PCAAccumulator(featureCount: d)
        try empty.merge(whole)
        #expect(empty == whole)
        var copy = whole
        try copy.merge(PCAAccumulator(featureCount: d))
        #expect(copy == whole)
    }

    @Test func batchSizesGiveTheSameModel() throws {
        let reference = try accumulator(batch: 4096).fit(rule: .count(5))
        for batch in [1, 7, 100, 499] {
            let model = try accumulator(batch: batch).fit(rule: .count(5))
            let ratio = zip(model.explainedVarianceRatio, reference.explainedVarianceRatio).map { abs($0 - $1) }.max()!
            let comps = zip(model.components, reference.components).map { abs($0 - $1) }.max()!
            #expect(ratio < 1e-12, "batch \(batch)")
            #expect(comps < 1e-9, "batch \(batch)")
        }
    }

    @Test func blocksLargerThanOneBLASBlockAreSplit() throws {
        // 2500 rows (> blockRows) of a small synthetic width: equals the two-pass statistics.
        let n = 2500, w = 3
        var rows = [Double](repeating: 0, count: n * w)
        for r in 0..<n {
            let t = Double(r)
            rows[r * w] = sin(t * 0.37) + 5
            rows[r * w + 1] = cos(t * 0.11) * 2 - 1
            rows[r * w + 2] = 0.5 * rows[r * w] + Double(r % 7)
        }
        var acc = try PCAAccumulator(featureCount: w)
        try acc.add(rows: rows, count: n)
        var mean = [Double](repeating: 0, count: w)
        for r in 0..<n { for j in 0..<w { mean[j] += rows[r * w + j] / Double(n) } }
        for i in 0..<w {
            #expect(abs(acc.mean[i] - mean[i]) < 1e-12)
            for j in i..<w {
                var m2 = 0.0
                for r in 0..<n { m2 += (rows[r * w + i] - mean[i]) * (rows[r * w + j] - mean[j]) }
                #expect(abs(acc.comoment[i * w + j] - m2) < 1e-9 * max(1, abs(m2)))
            }
        }
    }

    @Test func errors() throws {
        var acc = try PCAAccumulator(featureCount: 3)
        #expect(throws: LearningError.dimensionMismatch(expected: 3, got: 2, context: "PCAAccumulator.add: 4 values for 2 rows")) {
            try acc.add(rows: [1, 2, 3, 4], count: 2)
        }
        #expect(throws: LearningError.nonFiniteValue(row: 1, column: 2)) {
            try acc.add(rows: [1, 2, 3, 4, 5, .nan], count: 2)
        }
        #expect(throws: LearningError.nonFiniteValue(row: 0, column: 0)) {
            try acc.add(rows: [-.infinity, 2, 3], count: 1)
        }
        #expect(acc.count == 0, "a failed add leaves the accumulator unchanged")
        #expect(throws: LearningError.self) { try acc.merge(PCAAccumulator(featureCount: 4)) }
        #expect(throws: LearningError.self) { try PCAAccumulator(featureCount: 0) }
        try acc.add(rows: [1, 2, 3], count: 1)
        #expect(throws: LearningError.self) { try acc.fit(rule: .count(1)) } // one row
        try acc.add(rows: [2, 2, 5, 0, 1, 1], count: 2)
        #expect(throws: LearningError.self) { try acc.fit(rule: .count(0)) }
        #expect(throws: LearningError.self) { try acc.fit(rule: .count(4)) }
        #expect(throws: LearningError.self) { try acc.fit(rule: .varianceFraction(1)) }
        #expect(throws: LearningError.self) { try acc.fit(rule: .varianceFraction(0)) }
        let model = try acc.fit(rule: .count(2))
        #expect(throws: LearningError.dimensionMismatch(expected: 3, got: 2, context: "PCAModel.project: 2 values for 1 rows")) {
            try model.project([1, 2], count: 1)
        }
        #expect(throws: LearningError.nonFiniteValue(row: 0, column: 1)) { try model.project([1, .nan, 2], count: 1) }
        var same = try PCAAccumulator(featureCount: 2)
        try same.add(rows: [1, 1, 1, 1], count: 2)
        #expect(throws: LearningError.self) { try same.fit(rule: .count(1)) } // zero variance
    }
}
