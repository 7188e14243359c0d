import Foundation

/// Helpers for the committed clustering reference (scripts/reference/make_clustering_fixtures.py:
/// scikit-learn KMeans and GaussianMixture on 4000 PCA-reduced χ rows of the bundled Cu(211)
/// run, in Tests/Fixtures/learning/, read with ``FixtureFolder``).
enum ClusteringFixtures {
    /// The 4000 × width reference rows shared by the k-means and mixture fixtures.
    static func rows() throws -> (rows: [Double], count: Int, width: Int) {
        let meta = try FixtureFolder.learning.jsonObject("kmeans.json")
        let count = (meta["subset_rows"] as! NSNumber).intValue
        let width = (meta["width"] as! NSNumber).intValue
        let rows = try FixtureFolder.learning.doubles("kmeans_rows.bin")
        precondition(rows.count == count * width, "kmeans_rows.bin: \(rows.count) numbers for \(count) × \(width)")
        return (rows, count, width)
    }

    /// max |a − b| / max(|b|, floor).
    static func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 1e-12) -> Double {
        precondition(a.count == b.count)
        var worst = 0.0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i]) / max(abs(b[i]), floor)) }
        return worst
    }

    static func maxAbsoluteDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        var worst = 0.0
        for i in a.indices { worst = max(worst, abs(a[i] - b[i])) }
        return worst
    }
}
