import MDCore
import MDDescriptors
import MDGeometry
import Testing
import TestSupport

/// `NeighbourIDSets.append(searching:…)` (one streaming pass) against
/// `append(from: search.compute(…), …)` (list, then sets): identical rows for ascending and
/// shuffled ids, dense and sparse index ranges, periodic images, 1 and 3 workers.
@Suite struct NeighbourIDSetsSearchTests {
    func expectSame(
        positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32], ids: [Int64], cutoff: Double
    ) throws {
        let search = NeighbourSearch(cutoff: cutoff, orderedPairs: false)
        let list = try search.compute(positions: positions, cell: cell, centres: centres, environment: environment)
        var mask = [Bool](repeating: false, count: ids.count)
        for e in environment { mask[Int(e)] = true }
        var expected = NeighbourIDSets()
        expected.append(from: list, ids: ids, environment: mask, cutoff: cutoff)
        #expect(expected.ids.count > centres.count)
        for workers in [1, 3] {
            var sets = NeighbourIDSets()
            sets.appendToCurrentRow(-5)
            sets.finishRow()  // appends after existing rows
            try sets.append(
                searching: search, positions: positions, cell: cell, centres: centres, environment: environment,
                ids: ids, cutoff: cutoff, workers: workers)
            #expect(sets.centreCount == centres.count + 1)
            #expect(Array(sets.row(0)) == [-5])
            for k in centres.indices { #expect(sets.row(k + 1) == expected.row(k), "centre \(k), workers \(workers)") }
        }
    }

    @Test("small periodic cell: atoms seen through several images count once", arguments: [1, 2] as [UInt64])
    func smallCell(seed: UInt64) throws {
        var rng = SplitMix64(state: seed)
        let cell = Cell.orthogonal(SIMD3(5.1, 4.7, 6.3))
        let positions = (0..<30).flatMap { _ in [Double.random(in: -3..<8, using: &rng), .random(in: 0..<4.7, using: &rng), .random(in: 0..<6.3, using: &rng)] }
        let ascending = (0..<Int64(10)).map { 3 * $0 + 1 }
        try expectSame(positions: Array(positions[0..<30]), cell: cell, centres: [0, 2, 5, 9, 2], environment: [0, 1, 3, 4, 5, 6, 7, 8, 9], ids: ascending, cutoff: 6.0)
        // Shuffled (non-ascending) ids: rows must still come out sorted by id.
        let shuffled = ascending.shuffled(using: &rng)
        try expectSame(positions: Array(positions[0..<30]), cell: cell, centres: [0, 2, 5, 9], environment: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], ids: shuffled, cutoff: 6.0)
    }

    @Test("6000 atoms in random index order, few neighbours per centre (the sparse-range path)")
    func sparseRows() throws {
        var rng = SplitMix64(state: 9)
        let cell = Cell.orthogonal(SIMD3(50, 50, 50), periodicity: Periodicity(true, false, true))
        var positions: [Double] = []
        for _ in 0..<6000 { positions += [.random(in: 0..<50, using: &rng), .random(in: 0..<50, using: &rng), .random(in: 0..<50, using: &rng)] }
        let ids = (0..<Int64(6000)).map { 10 * $0 }
        let centres = (0..<Int32(6000)).filter { $0 % 6 == 0 }
        let environment = (0..<Int32(6000)).map { $0 }
        try expectSame(positions: positions, cell: cell, centres: centres, environment: environment, ids: ids, cutoff: 2.5)
        try expectSame(positions: positions, cell: cell, centres: centres, environment: environment, ids: ids.shuffled(using: &rng), cutoff: 2.5)
        // Dense rows (many neighbours) on the same atoms.
        try expectSame(positions: positions, cell: cell, centres: Array(centres.prefix(100)), environment: environment, ids: ids, cutoff: 9)
    }

    @Test("dynsight's rule: a neighbour lies at 0 < d < r_cut − 1e-6 Å, on every route")
    func cutoffMarginIsDynsights() throws {
        // Atom 0 at the origin; atoms at 6 − 2e-6 (in), 6 − 5e-7 (out: within 1e-6 of the cutoff),
        // 6 (out) and 0 (coincident: out), no cell.
        let positions: [Double] = [0, 0, 0, 6 - 2e-6, 0, 0, 0, 6 - 5e-7, 0, 0, 0, -6, 0, 0, 0]
        let ids: [Int64] = [1, 2, 3, 4, 5]
        let search = NeighbourSearch(cutoff: 6.5, orderedPairs: false)
        var streamed = NeighbourIDSets()
        try streamed.append(searching: search, positions: positions, cell: nil, centres: [0], environment: [0, 1, 2, 3, 4], ids: ids, cutoff: 6)
        #expect(Array(streamed.row(0)) == [2])
        var listed = NeighbourIDSets()
        let list = try search.compute(positions: positions, cell: nil, centres: [0], environment: [0, 1, 2, 3, 4])
        listed.append(from: list, ids: ids, environment: [Bool](repeating: true, count: 5), cutoff: 6)
        #expect(Array(listed.row(0)) == [2])
        #expect(Lens.neighbourLimit(6) == 6 - 1e-6)
    }

    @Test("errors leave the sets unchanged")
    func errors() throws {
        var sets = NeighbourIDSets()
        #expect(throws: GeometryError.duplicateEnvironmentIndex(1)) {
            try sets.append(
                searching: NeighbourSearch(cutoff: 2), positions: [0, 0, 0, 1, 0, 0], cell: nil, centres: [0],
                environment: [1, 1], ids: [1, 2], cutoff: 2)
        }
        #expect(sets == NeighbourIDSets())
    }
}
