import MDCore
import MDGeometry
import Testing

@Suite("NeighbourSearch rejects bad input with typed errors")
struct GeometryErrorTests {
    let cell = Cell.orthogonal(SIMD3(5, 5, 5))
    let positions: [Double] = [0, 0, 0, 1, 1, 1, 2, 2, 2]

    func error(
        cutoff: Double = 3, positions: [Double]? = nil, cell: Cell?? = nil,
        centres: [Int32] = [0, 1, 2], environment: [Int32] = [0, 1, 2]
    ) -> GeometryError? {
        do {
            _ = try NeighbourSearch(cutoff: cutoff).compute(
                positions: positions ?? self.positions, cell: cell ?? self.cell,
                centres: centres, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test("cutoff must be positive and finite")
    func cutoff() {
        for bad in [0.0, -1.0, .nan, .infinity] {
            let e = error(cutoff: bad)
            #expect(e?.code == "invalid-cutoff", "\(bad)")
        }
    }

    @Test("positions: length, finiteness of the atoms used")
    func positionsChecks() {
        #expect(error(positions: [0, 0, 0, 1]) == .positionCount(4))
        var p = positions
        p[4] = .nan
        #expect(error(positions: p) == .nonFinitePosition(atomIndex: 1))
        // An atom in neither list is not read.
        #expect(error(positions: p, centres: [0], environment: [0, 2]) == nil)
        p[4] = 1
        p[8] = -.infinity
        #expect(error(positions: p, centres: [2], environment: [0]) == .nonFinitePosition(atomIndex: 2))
    }

    @Test("indices: range and duplicates")
    func indices() {
        #expect(error(centres: [0, 3]) == .indexOutOfRange(list: .centres, position: 1, index: 3, atomCount: 3))
        #expect(error(environment: [-1]) == .indexOutOfRange(list: .environment, position: 0, index: -1, atomCount: 3))
        #expect(error(environment: [0, 2, 0]) == .duplicateEnvironmentIndex(0))
        #expect(error(centres: [1, 1]) == nil)
    }

    @Test("cells: non-finite, degenerate along periodic axes, far too thin for the cutoff")
    func cells() {
        var nonFinite = cell
        nonFinite.b.x = .nan
        #expect(error(cell: .some(nonFinite)) == .nonFiniteCell)
        let flat = Cell(a: SIMD3(4, 0, 0), b: SIMD3(8, 0, 0), c: SIMD3(0, 0, 5))
        #expect(error(cell: .some(flat))?.code == "degenerate-cell")
        let zero = Cell(a: SIMD3(4, 0, 0), b: SIMD3(0, 4, 0), c: .zero)
        #expect(error(cell: .some(zero))?.code == "degenerate-cell")
        // Non-periodic axes may be zero or dependent.
        var slab = zero
        slab.periodicity = Periodicity(true, true, false)
        #expect(error(cell: .some(slab)) == nil)
        let thin = Cell.orthogonal(SIMD3(1e-4, 1e-4, 1e-4))
        #expect(error(cutoff: 3, cell: .some(thin))?.code == "too-many-images")
        #expect(GeometryError.tooManyImages(axis: 0, perpendicularWidth: 1e-4, cutoff: 3).description.contains("too thin"))
    }
}
