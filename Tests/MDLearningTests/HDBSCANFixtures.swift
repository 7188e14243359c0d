import Foundation

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
