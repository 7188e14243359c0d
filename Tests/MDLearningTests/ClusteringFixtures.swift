import Foundation

/// Reads the committed clustering reference (scripts/reference/make_clustering_fixtures.py:
/// scikit-learn KMeans and GaussianMixture on 4000 PCA-reduced χ rows of the bundled Cu(211)
/// run) from Tests/Fixtures/learning/, relative to this file. Arrays are little-endian, C order.
enum ClusteringFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/learning")

    /// float64 array from `name`.
    static func doubles(_ name: String) throws -> [Double] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 8)).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    /// int32 array from `name`.
    static func int32s(_ name: String) throws -> [Int32] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return data.withUnsafeBytes { raw in
            (0..<(data.count / 4)).map { Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        }
    }

    /// The JSON metadata file `name` (kmeans.json, gmm.json).
    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(name))) as! [String: Any]
    }

    /// The 4000 × width reference rows shared by the k-means and mixture fixtures.
    static func rows() throws -> (rows: [Double], count: Int, width: Int) {
        let meta = try json("kmeans.json")
        let count = (meta["subset_rows"] as! NSNumber).intValue
        let width = (meta["width"] as! NSNumber).intValue
        let rows = try doubles("kmeans_rows.bin")
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
