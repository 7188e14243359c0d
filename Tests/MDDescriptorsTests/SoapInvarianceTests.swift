import MDCore
import MDDescriptors
import Testing
import TestSupport

/// Rotation, translation, permutation, cell re-expression and thread-count invariance of the
/// normalised full-layout spectra (all to 1e-10 relative).
@Suite struct SoapInvarianceTests {
    /// A random two-species cluster (Cu, O) of `count` atoms at least ~1.6 Å apart.
    static func cluster(_ count: Int, rng: inout SplitMix64) -> ([SIMD3<Double>], [String]) {
        var points: [SIMD3<Double>] = []
        while points.count < count {
            let p = SIMD3<Double>(.random(in: -5...5, using: &rng), .random(in: -5...5, using: &rng), .random(in: -5...5, using: &rng))
            if points.allSatisfy({ let d = $0 - p; return (d * d).sum() > 2.5 }) { points.append(p) }
        }
        return (points, (0..<count).map { $0 % 3 == 0 ? "O" : "Cu" })
    }

    /// A random orthogonal matrix (columns by Gram–Schmidt), with a reflection when `reflect`.
    static func orthogonal(rng: inout SplitMix64, reflect: Bool) -> (SIMD3<Double>) -> SIMD3<Double> {
        func random() -> SIMD3<Double> { SIMD3(.random(in: -1...1, using: &rng), .random(in: -1...1, using: &rng), .random(in: -1...1, using: &rng)) }
        let u = random()
        let e0 = u / dot(u, u).squareRoot()
        var v = random()
        v -= dot(v, e0) * e0
        let e1 = v / dot(v, v).squareRoot()
        let e2 = cross(e0, e1) * (reflect ? -1 : 1)
        return { p in p.x * e0 + p.y * e1 + p.z * e2 }
    }

    static let settings = try! SoapSettings(rCut: 5, symbols: ["Cu", "O"])

    func spectra(_ positions: [SIMD3<Double>], _ symbols: [String], cell: Cell? = nil, threads: Int = 1) throws -> SoapSpectra {
        try SoapCalculator(settings: Self.settings, threads: threads).compute(frame: soapClusterFrame(positions, symbols: symbols, cell: cell))
    }

    func expectClose(_ a: SoapSpectra, _ b: SoapSpectra, rowMap: (Int) -> Int = { $0 }, tolerance: Double = 1e-10) {
        var worst = 0.0
        for i in 0..<a.rowCount { worst = max(worst, soapMaxDifference(a.row(i), b.row(rowMap(i)))) }
        #expect(worst <= tolerance, "max difference \(worst)")
    }

    @Test(arguments: [false, true])
    func rotationAndReflection(reflect: Bool) throws {
        var rng = SplitMix64(state: reflect ? 7 : 3)
        let (points, symbols) = Self.cluster(40, rng: &rng)
        let rotate = Self.orthogonal(rng: &rng, reflect: reflect)
        let a = try spectra(points, symbols)
        let b = try spectra(points.map(rotate), symbols)
        #expect(a.featureCount == 1728)
        expectClose(a, b)
    }

    @Test func translationAndPermutation() throws {
        var rng = SplitMix64(state: 11)
        let (points, symbols) = Self.cluster(40, rng: &rng)
        let a = try spectra(points, symbols)
        let shift = SIMD3<Double>(13.7, -4.2, 100.5)
        expectClose(a, try spectra(points.map { $0 + shift }, symbols))
        var order = Array(0..<points.count)
        order.shuffle(using: &rng)
        let b = try spectra(order.map { points[$0] }, order.map { symbols[$0] })
        // Row i of b is atom order[i] of a.
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, o) in order.enumerated() { inverse[o] = i }
        expectClose(a, b, rowMap: { inverse[$0] })
    }

    /// The same periodic crystal in two unimodular cell bases (and translated, with atoms
    /// outside the cell) gives the same spectra; cells thinner than the search radius (9 Å)
    /// exercise every-image counting.
    @Test func periodicCellReexpression() throws {
        let a = SIMD3<Double>(3.7, 0, 0), b = SIMD3<Double>(0.85, 3.45, 0), c = SIMD3<Double>(-0.6, 0.95, 3.55)
        let fractional: [SIMD3<Double>] = [SIMD3(0.1, 0.2, 0.3), SIMD3(0.6, 0.1, 0.8), SIMD3(0.35, 0.7, 0.45), SIMD3(0.9, 0.55, 0.05)]
        let points = fractional.map { $0.x * a + $0.y * b + $0.z * c }
        let symbols = ["Cu", "O", "Cu", "Cu"]
        let reference = try spectra(points, symbols, cell: Cell(a: a, b: b, c: c))
        // a′ = a + b, b′ = b − 2c, c′ = c + a′ (determinant 1), atoms shifted by lattice vectors.
        let a2 = a + b, b2 = b - 2 * c, c2 = c + a2
        let moved = points.enumerated().map { i, p in p + Double(i) * a - 2 * c }
        let other = try spectra(moved, symbols, cell: Cell(a: a2, b: b2, c: c2, origin: SIMD3(1.3, -0.4, 2.2)))
        expectClose(reference, other)
        // A rigid translation of the whole crystal.
        expectClose(reference, try spectra(points.map { $0 + SIMD3(0.37, 5.1, -2.9) }, symbols, cell: Cell(a: a, b: b, c: c)))
    }

    @Test func threadCountDoesNotChangeBits() throws {
        var rng = SplitMix64(state: 5)
        let (points, symbols) = Self.cluster(60, rng: &rng)
        let one = try spectra(points, symbols, threads: 1)
        let three = try spectra(points, symbols, threads: 3)
        #expect(one == three)
    }
}
