import Foundation
@testable import MDLearning
import Testing

/// Outlier scores of new rows against the `hdbscan` package's `approximate_predict_scores`
/// (fixtures from scripts/reference/make_hdbscan_score_fixtures.py on the committed rows):
/// 1000 held-back rows, and 200 training rows (distance 0 to a training row, the package's
/// special case).
@Suite struct HDBSCANScoreTests {
    @Test(arguments: HDBSCANFixtureTests.cases)
    func scoresMatchThePackage(_ name: String, _ m: Int, _ selection: HDBSCANClusterSelection) throws {
        let (model, meta) = try HDBSCANFixtureTests.fitted(m, selection)
        let width = (meta["width"] as! NSNumber).intValue
        let held = try FixtureFolder.hdbscan.doubles("held.f64")
        let expected = try FixtureFolder.hdbscan.doubles("\(name)_predict_scores.f64")
        let scores = try model.approximatePredictScores(rows: held, count: held.count / width)
        #expect(scores.count == expected.count)
        // Up to the few rows whose neighbour sits in a sibling cluster joined in another order
        // (the same rows as the labels, see HDBSCANFixtureTests), the scores are the package's.
        let close = scores.indices.filter { abs(scores[$0] - expected[$0]) < 1e-9 }.count
        #expect(Double(close) >= 0.99 * Double(expected.count), "\(close) of \(expected.count)")

        let training = try FixtureFolder.hdbscan.doubles("rows.f64")
        let trainExpected = try FixtureFolder.hdbscan.doubles("\(name)_train_scores.f64")
        let trainScores = try model.approximatePredictScores(rows: Array(training.prefix(200 * width)), count: 200)
        let trainClose = trainScores.indices.filter { abs(trainScores[$0] - trainExpected[$0]) < 1e-9 }.count
        #expect(Double(trainClose) >= 0.99 * 200, "\(trainClose) of 200")
    }

    @Test func noClusterScoresEveryRowOne() throws {
        // Ten spread points and min_cluster_size 20: no cluster.
        let rows = (0..<10).flatMap { [Double($0) * 10, Double($0 % 3)] }
        let model = try HDBSCAN(minClusterSize: 20, minSamples: 2).fit(rows: rows, count: 10, width: 2)
        #expect(model.clusterCount == 0)
        #expect(try model.approximatePredictScores(rows: [1, 1], count: 1) == [1])
    }
}
