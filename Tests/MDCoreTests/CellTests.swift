import MDCore
import Testing

@Suite struct CellTests {
    @Test func orthogonalVolumeAndIndependence() {
        let c = Cell.orthogonal(SIMD3(10, 20, 30))
        #expect(abs(c.volume - 6000) < 1e-12)
        #expect(abs(c.periodicIndependence - 1) < 1e-12)
        #expect(c.isOrthogonal)
        #expect(!c.isDegenerate())
    }

    @Test func triclinicIsNotOrthogonal() {
        let c = Cell(a: SIMD3(10, 0, 0), b: SIMD3(3, 9, 0), c: SIMD3(1, 2, 8))
        #expect(!c.isOrthogonal)
        #expect(abs(c.volume - 720) < 1e-12)
        #expect(!c.isDegenerate())
    }

    @Test func zeroLengthPeriodicVectorIsDegenerate() {
        let c = Cell(a: SIMD3(10, 0, 0), b: .zero, c: SIMD3(0, 0, 5))
        #expect(c.isDegenerate())
    }

    @Test func zeroLengthNonPeriodicVectorIsFine() {
        // A slab periodic in a and b only: c may be anything.
        let c = Cell(a: SIMD3(10, 0, 0), b: SIMD3(0, 10, 0), c: .zero, periodicity: Periodicity(true, true, false))
        #expect(!c.isDegenerate())
    }

    @Test func parallelPeriodicVectorsAreDegenerate() {
        let c = Cell(a: SIMD3(10, 0, 0), b: SIMD3(5, 0, 0), c: SIMD3(0, 0, 5), periodicity: Periodicity(true, true, false))
        #expect(c.isDegenerate())
    }

    @Test func coplanarVectorsAreDegenerate() {
        let c = Cell(a: SIMD3(10, 0, 0), b: SIMD3(0, 10, 0), c: SIMD3(5, 5, 0))
        #expect(c.isDegenerate())
        #expect(c.periodicIndependence < 1e-12)
    }

    @Test func rowMajorRoundTrip() {
        let m: [Double] = [10, 0, 0, 1, 9, 0, 2, 3, 8]
        let c = Cell(rowMajor: m, origin: SIMD3(-1, -2, -3))
        #expect(c.rowMajor == m)
        #expect(c.origin == SIMD3(-1, -2, -3))
    }

    @Test func periodicityDescriptionAndSubscript() {
        var p = Periodicity(true, true, false)
        #expect(p.description == "T T F")
        #expect(p[2] == false)
        p[2] = true
        #expect(p == .all)
        #expect(!Periodicity.none.isAnyPeriodic)
    }
}
