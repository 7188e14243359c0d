import Foundation
import MDLearning
import Testing

/// The daemon's monitoring helpers against the field's tools (scripts/reference/make_online_fixtures.py):
/// principal angles as `scipy.linalg.subspace_angles`, variance shares from `np.cov`, quantiles as
/// `numpy.quantile`; and the bounded label ring.
@Suite struct SubspaceDriftTests {
    struct Reference: Decodable {
        struct Drift: Decodable {
            struct Case: Decodable {
                var live_rows: Int
                var angles_degrees: [Double]
                var fitted_share: Double
                var live_share: Double
            }
            var rows: Int
            var width: Int
            var components: Int
            var cases: [String: Case]
        }
        struct Quantiles: Decodable {
            var count: Int
            var levels: Int
            var probes: [Double]
            var shares: [Double]
        }
        var drift: Drift
        var quantiles: Quantiles
    }

    static let reference: Reference = try! FixtureFolder.online.json("online_reference.json")

    @Test(arguments: ["same", "turned", "far"])
    func anglesAndSharesMatchSciPy(_ name: String) throws {
        let r = Self.reference.drift
        let expected = try #require(r.cases[name])
        var fitRows = try PCAAccumulator(featureCount: r.width)
        try fitRows.add(rows: try FixtureFolder.online.doubles("drift_fitted_rows.bin"), count: r.rows)
        let fitted = try fitRows.fit(rule: .count(r.components))
        // The live rows arrive frame by frame (blocks of 50), as in the daemon.
        let live = try FixtureFolder.online.doubles("drift_\(name)_live_rows.bin")
        var accumulator = try PCAAccumulator(featureCount: r.width)
        for start in stride(from: 0, to: expected.live_rows, by: 50) {
            let end = min(start + 50, expected.live_rows)
            try accumulator.add(rows: Array(live[(start * r.width)..<(end * r.width)]), count: end - start)
        }
        let drift = try SubspaceDrift(fitted: fitted, live: accumulator)
        #expect(drift.rows == expected.live_rows)
        #expect(drift.anglesDegrees.count == r.components)
        for (a, b) in zip(drift.anglesDegrees, expected.angles_degrees) {
            #expect(abs(a - b) < 1e-9, "\(name): angles \(drift.anglesDegrees) vs SciPy \(expected.angles_degrees)")
        }
        #expect(abs(drift.fittedShare - expected.fitted_share) < 1e-12)
        #expect(abs(drift.liveShare - expected.live_share) < 1e-12)
        #expect(drift.fittedShare <= drift.liveShare + 1e-12)
    }

    @Test func tooFewLiveRowsAndAnotherWidthAreRefused() throws {
        let r = Self.reference.drift
        var fitRows = try PCAAccumulator(featureCount: r.width)
        try fitRows.add(rows: try FixtureFolder.online.doubles("drift_fitted_rows.bin"), count: r.rows)
        let fitted = try fitRows.fit(rule: .count(r.components))
        var few = try PCAAccumulator(featureCount: r.width)
        try few.add(rows: [Double](repeating: 1, count: 3 * r.width), count: 3)
        #expect(throws: LearningError.self) { try SubspaceDrift(fitted: fitted, live: few) }
        #expect(throws: LearningError.self) { try SubspaceDrift(fitted: fitted, live: try PCAAccumulator(featureCount: r.width + 1)) }
    }
}

@Suite struct EmpiricalDistributionTests {
    @Test func quantilesMatchNumPyAndTheShareInvertsThem() throws {
        let r = SubspaceDriftTests.reference.quantiles
        let scores = try FixtureFolder.online.doubles("quantiles_scores.bin")
        #expect(scores.count == r.count)
        let expected = try FixtureFolder.online.doubles("quantiles_values.bin")
        let distribution = try EmpiricalDistribution(scores: scores, levels: r.levels)
        #expect(distribution.quantiles.count == expected.count)
        for (a, b) in zip(distribution.quantiles, expected) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
        for (probe, share) in zip(r.probes, r.shares) {
            #expect(abs(distribution.cumulativeShare(of: probe) - share) < 1e-12, "share of \(probe)")
        }
        // Restoring from the stored quantiles gives the same shares.
        let restored = try EmpiricalDistribution(quantiles: distribution.quantiles)
        #expect(restored == distribution)
        #expect(restored.cumulativeShare(of: .nan).isNaN)
    }

    @Test func badInputIsRefused() {
        #expect(throws: LearningError.self) { try EmpiricalDistribution(scores: []) }
        #expect(throws: LearningError.self) { try EmpiricalDistribution(scores: [1, .nan]) }
        #expect(throws: LearningError.self) { try EmpiricalDistribution(quantiles: [2, 1]) }
        #expect(throws: LearningError.self) { try EmpiricalDistribution(scores: [1, 2], levels: 1) }
    }
}

@Suite struct LabelHistoryTests {
    @Test func theRingKeepsTheNewestFramesAndCountsPersistence() throws {
        var h = try LabelHistory(depth: 3, atomCount: 2)
        #expect(h.entry(atom: 0, back: 0) == nil)
        for (f, macro) in [[0, 1], [1, 1], [1, 0], [1, 0]].enumerated() {
            try h.append(
                step: Int64(100 * f), micro: macro.map { Int32($0 + 10) }, macro: macro.map(Int32.init),
                lens: [0.1 * Double(f), 0], novelty: [.nan, 0.5])
        }
        #expect(h.count == 3)
        #expect(h.entries(atom: 0).map(\.step) == [300, 200, 100])  // frame 0 overwritten
        let newest = try #require(h.entry(atom: 0, back: 0))
        #expect(newest.step == 300 && newest.micro == 11 && newest.macro == 1 && abs(newest.lens - 0.3) < 1e-15 && newest.novelty.isNaN)
        #expect(h.entry(atom: 1, back: 2)?.macro == 1 && h.entry(atom: 1, back: 2)?.novelty == 0.5)
        #expect(h.macroRun(atom: 0, label: 1) == 3)
        #expect(h.macroRun(atom: 1, label: 0) == 2)
        #expect(h.macroRun(atom: 1, label: 1) == 0)
        #expect(h.entry(atom: 0, back: 3) == nil && h.entry(atom: 2, back: 0) == nil)
        h.clear()
        #expect(h.count == 0 && h.entries(atom: 0).isEmpty)
        #expect(throws: LearningError.self) { try h.append(step: 0, micro: [0], macro: [0, 0], lens: [0, 0], novelty: [0, 0]) }
    }
}
