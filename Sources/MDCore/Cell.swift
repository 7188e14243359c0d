/// A simulation cell: three cell vectors (rows, Å), an origin (Å) and per-axis periodicity.
///
/// Triclinic by construction: an orthogonal box is the special case with zero off-diagonal
/// entries. LAMMPS's restricted triclinic convention is `a = (lx, 0, 0)`, `b = (xy, ly, 0)`,
/// `c = (xz, yz, lz)`; any other orientation is accepted too.
public struct Cell: Sendable, Hashable {
    /// Cell vector a, Å.
    public var a: SIMD3<Double>
    /// Cell vector b, Å.
    public var b: SIMD3<Double>
    /// Cell vector c, Å.
    public var c: SIMD3<Double>
    /// Lower corner of the cell, Å (LAMMPS `xlo ylo zlo`); positions are absolute.
    public var origin: SIMD3<Double>
    /// Which axes wrap around.
    public var periodicity: Periodicity

    public init(
        a: SIMD3<Double>, b: SIMD3<Double>, c: SIMD3<Double>,
        origin: SIMD3<Double> = .zero, periodicity: Periodicity = .all
    ) {
        self.a = a
        self.b = b
        self.c = c
        self.origin = origin
        self.periodicity = periodicity
    }

    /// An orthogonal box with edge lengths `lengths` (Å).
    public static func orthogonal(
        _ lengths: SIMD3<Double>, origin: SIMD3<Double> = .zero, periodicity: Periodicity = .all
    ) -> Cell {
        Cell(
            a: SIMD3(lengths.x, 0, 0), b: SIMD3(0, lengths.y, 0), c: SIMD3(0, 0, lengths.z),
            origin: origin, periodicity: periodicity)
    }

    /// Cell vector 0, 1 or 2.
    public func vector(_ axis: Int) -> SIMD3<Double> {
        switch axis {
        case 0: return a
        case 1: return b
        default: return c
        }
    }

    /// The 3×3 matrix with the cell vectors as rows, row-major, Å.
    public var rowMajor: [Double] { [a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z] }

    /// Builds a cell from a row-major 3×3 matrix whose rows are the cell vectors.
    public init(rowMajor m: [Double], origin: SIMD3<Double> = .zero, periodicity: Periodicity = .all) {
        precondition(m.count == 9, "a cell matrix has 9 entries")
        self.init(
            a: SIMD3(m[0], m[1], m[2]), b: SIMD3(m[3], m[4], m[5]), c: SIMD3(m[6], m[7], m[8]),
            origin: origin, periodicity: periodicity)
    }

    /// Signed volume a · (b × c), Å³.
    public var volume: Double { dot(a, cross(b, c)) }

    /// `true` when every off-diagonal entry is zero (an orthogonal, axis-aligned box).
    public var isOrthogonal: Bool {
        a.y == 0 && a.z == 0 && b.x == 0 && b.z == 0 && c.x == 0 && c.y == 0
    }

    /// `true` when every entry and the origin are finite.
    public var isFinite: Bool {
        rowMajor.allSatisfy(\.isFinite) && origin.x.isFinite && origin.y.isFinite && origin.z.isFinite
    }

    /// The smallest relative measure of how far the periodic cell vectors are from being
    /// linearly dependent: the square root of the Gram determinant of the periodic vectors
    /// (length, area or volume) divided by the product of their lengths. 1 for orthogonal
    /// vectors, 0 for a degenerate set (a zero-length vector, two parallel vectors, three
    /// coplanar ones). Returns 1 when no axis is periodic.
    public var periodicIndependence: Double {
        let vs = (0..<3).filter { periodicity[$0] }.map(vector)
        guard !vs.isEmpty else { return 1 }
        let lengths = vs.map { dot($0, $0).squareRoot() }
        if lengths.contains(where: { !($0 > 0) }) { return 0 }
        let gram: Double
        switch vs.count {
        case 1: gram = dot(vs[0], vs[0])
        case 2:
            let x = cross(vs[0], vs[1])
            gram = dot(x, x)
        default:
            let v = dot(vs[0], cross(vs[1], vs[2]))
            gram = v * v
        }
        return gram.squareRoot() / lengths.reduce(1, *)
    }

    /// The periodic part of the cell spans a proper lattice: no periodic vector is zero and
    /// the periodic vectors are linearly independent to within `tolerance` (relative).
    public func isDegenerate(tolerance: Double = 1e-9) -> Bool {
        !(periodicIndependence > tolerance)
    }
}

/// Dot product of two 3-vectors.
@inlinable
public func dot(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Double {
    (u * v).sum()
}

/// Cross product of two 3-vectors.
@inlinable
public func cross(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
}
