import MDCore
import MDGeometry
import Synchronization
import Testing
import TestSupport

/// `NeighbourSearch.forEachCentre` against the unordered `compute` list of the same search:
/// every centre visited once, the same pairs in the same order with bit-identical
/// displacements and distances, for 1 and several workers.
@Suite("NeighbourSearch.forEachCentre against compute")
struct NeighbourStreamingTests {
    /// What the streaming visit delivered: per centre, its pairs flattened
    /// `[neighbour, dx bits, dy bits, dz bits, d bits]`, and how often it was visited.
    final class Record: @unchecked Sendable {
        let lock = Mutex(())
        var rows: [[UInt64]]
        var visits: [Int]
        var workersSeen = Set<Int>()
        init(_ n: Int) {
            rows = Array(repeating: [], count: n)
            visits = Array(repeating: 0, count: n)
        }
    }

    func stream(
        _ search: NeighbourSearch, positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32], workers: Int
    ) throws -> Record {
        let record = Record(centres.count)
        try search.forEachCentre(
            positions: positions, cell: cell, centres: centres, environment: environment, workers: workers
        ) { worker, k, pairs in
            var row: [UInt64] = []
            for p in 0..<pairs.count {
                row += [UInt64(UInt32(bitPattern: pairs.neighbours[p])), pairs.dx[p].bitPattern,
                        pairs.dy[p].bitPattern, pairs.dz[p].bitPattern, pairs.distances[p].bitPattern]
                #expect(pairs.displacement(p) == SIMD3(pairs.dx[p], pairs.dy[p], pairs.dz[p]))
            }
            record.lock.withLock { _ in
                record.rows[k] = row
                record.visits[k] += 1
                record.workersSeen.insert(worker)
            }
        }
        return record
    }

    func expectSameAsList(
        positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32], cutoff: Double
    ) throws {
        let list = try NeighbourSearch(cutoff: cutoff, orderedPairs: false).compute(
            positions: positions, cell: cell, centres: centres, environment: environment)
        var expected: [[UInt64]] = []
        for k in centres.indices {
            var row: [UInt64] = []
            for p in list.pairs(ofCentre: k) {
                let d = list.displacement(p)
                row += [UInt64(UInt32(bitPattern: list.neighbours[p])), d.x.bitPattern, d.y.bitPattern,
                        d.z.bitPattern, list.distances[p].bitPattern]
            }
            expected.append(row)
        }
        // orderedPairs does not change what is streamed.
        for search in [NeighbourSearch(cutoff: cutoff), NeighbourSearch(cutoff: cutoff, orderedPairs: false)] {
            for workers in [1, 2, 3] {
                let record = try stream(search, positions: positions, cell: cell, centres: centres, environment: environment, workers: workers)
                #expect(record.visits == Array(repeating: 1, count: centres.count))
                #expect(record.rows == expected, "workers \(workers)")
                #expect(record.workersSeen.allSatisfy { (0..<workers).contains($0) })
                if centres.count > 3 * 16, workers > 1 { #expect(record.workersSeen.count == workers) }
            }
        }
    }

    @Test("random triclinic and orthogonal cells, slabs and clusters", arguments: [21, 22, 23, 24] as [UInt64])
    func randomSystems(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        let l = SIMD3(Double.random(in: 8...12, using: &g), Double.random(in: 8...12, using: &g), Double.random(in: 8...12, using: &g))
        let xy = Double.random(in: -0.4...0.4, using: &g) * l.x
        let periodicities = [Periodicity.all, Periodicity(true, true, false), Periodicity(false, true, false)]
        let cell = Cell(
            a: SIMD3(l.x, 0, 0), b: SIMD3(xy, l.y, 0), c: SIMD3(0.3, -0.2, l.z),
            origin: SIMD3(0.5, -1, 2), periodicity: periodicities[Int(seed) % 3])
        let positions = randomPositions(count: 150, cell: cell, fractional: -0.5...1.5, using: &g)
        let cutoff = Double.random(in: 3...7, using: &g)
        let centres = randomSubset(150, fraction: 0.6, using: &g)
        let environment = randomSubset(150, fraction: 0.8, using: &g)
        try expectSameAsList(positions: positions, cell: cell, centres: centres, environment: environment, cutoff: cutoff)
        // No cell at all: a cluster.
        try expectSameAsList(positions: positions, cell: nil, centres: centres, environment: environment, cutoff: cutoff)
    }

    @Test("a cell narrower than the cutoff: many images of the same atom, the centre's own included")
    func smallCell() throws {
        var g = SplitMix64(seed: 5)
        let cell = Cell.orthogonal(SIMD3(3.1, 3.4, 4.2))
        let positions = randomPositions(count: 6, cell: cell, fractional: 0...1, using: &g)
        try expectSameAsList(positions: positions, cell: cell, centres: [0, 3, 3, 5], environment: [0, 1, 2, 3, 4, 5], cutoff: 7.5)
    }

    @Test("empty environment or no centre: every centre visited with no pairs; errors as compute")
    func edgeCases() throws {
        let positions: [Double] = [0, 0, 0, 1, 0, 0, 0, 1, 0]
        let search = NeighbourSearch(cutoff: 2)
        let record = try stream(search, positions: positions, cell: nil, centres: [2, 0], environment: [], workers: 2)
        #expect(record.visits == [1, 1])
        #expect(record.rows == [[], []])
        let none = try stream(search, positions: positions, cell: nil, centres: [], environment: [0, 1], workers: 2)
        #expect(none.visits.isEmpty)
        #expect(throws: GeometryError.indexOutOfRange(list: .environment, position: 1, index: 7, atomCount: 3)) {
            try search.forEachCentre(positions: positions, cell: nil, centres: [0], environment: [0, 7]) { _, _, _ in
                Issue.record("no centre may be visited when the search throws")
            }
        }
        #expect(throws: GeometryError.invalidCutoff(-1)) {
            try NeighbourSearch(cutoff: -1).forEachCentre(positions: positions, cell: nil, centres: [0], environment: [0]) { _, _, _ in }
        }
    }

    @Test("Cu(211) frame, 900 surface centres, 9.717 Å: same as compute on 1 and 2 workers")
    func cuSlab() throws {
        let frame = try CuSlab.firstFrame()
        let centres = (0..<Int32(frame.atomCount)).filter { frame.positions[3 * Int($0) + 2] > 28.09 }
        let environment = (0..<Int32(frame.atomCount)).map { $0 }
        try expectSameAsList(positions: frame.positions, cell: frame.cell, centres: centres, environment: environment, cutoff: 9.717)
    }
}
