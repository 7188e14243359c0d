import MDCore

/// The coordinate frame a neighbour search works in: three basis rows `B_k` (Å), their
/// reciprocal vectors `B*_k` (`B_k · B*_l = δ_kl`), the origin and the periodic axes.
///
/// Fractional coordinates are `s_k = (r − origin) · B*_k`, so `r = origin + Σ s_k B_k`.
/// Periodic axes use the cell vectors. A non-periodic axis keeps its cell vector when the
/// three vectors are well conditioned (a LAMMPS `p p f` box); otherwise (no cell, a zero or
/// dependent non-periodic vector) the non-periodic rows are replaced by unit vectors
/// orthogonal to the periodic ones, which leaves every periodic image unchanged.
///
/// The perpendicular width of one unit of `s_k`, i.e. the distance between the planes
/// `s_k = 0` and `s_k = 1`, is `1 / |B*_k|` (for a cell: volume / |b × c| and so on). A point
/// within `r` of another differs from it by at most `r · |B*_k|` in `s_k`.
struct SearchLattice: Sendable {
    /// Basis rows, Å.
    var basis: [SIMD3<Double>]
    /// Reciprocal vectors, 1/Å (no 2π).
    var reciprocal: [SIMD3<Double>]
    /// Origin of the fractional coordinates, Å.
    var origin: SIMD3<Double>
    /// Which axes wrap.
    var periodic: [Bool]

    /// The relative independence below which a full cell is not used as the basis of its
    /// non-periodic axes.
    static let conditioningThreshold = 1e-6

    /// Builds the frame for `cell` (`nil`, or a cell with no periodic axis: a cluster in
    /// Cartesian coordinates).
    init(cell: Cell?) throws(GeometryError) {
        guard let cell, cell.periodicity.isAnyPeriodic else {
            basis = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
            reciprocal = basis
            origin = .zero
            periodic = [false, false, false]
            return
        }
        guard cell.isFinite else { throw .nonFiniteCell }
        guard !cell.isDegenerate() else {
            throw .degenerateCell(independence: cell.periodicIndependence, periodicity: cell.periodicity)
        }
        periodic = cell.periodicity.array
        origin = cell.origin
        var rows = [cell.a, cell.b, cell.c]
        let lengthProduct = rows.reduce(1.0) { $0 * dot($1, $1).squareRoot() }
        let independence = abs(cell.volume) / lengthProduct
        if !(independence > Self.conditioningThreshold) {
            Self.complete(&rows, periodic: periodic)
        }
        basis = rows
        let volume = dot(rows[0], cross(rows[1], rows[2]))
        reciprocal = (0..<3).map { k in cross(rows[(k + 1) % 3], rows[(k + 2) % 3]) / volume }
    }

    /// Replaces the non-periodic rows by unit vectors orthogonal to the periodic rows (and to
    /// each other). The periodic rows are independent (checked by the caller).
    private static func complete(_ rows: inout [SIMD3<Double>], periodic: [Bool]) {
        let p = (0..<3).filter { periodic[$0] }
        let free = (0..<3).filter { !periodic[$0] }
        switch p.count {
        case 2:
            let n = cross(rows[p[0]], rows[p[1]])
            rows[free[0]] = n / dot(n, n).squareRoot()
        case 1:
            let u = rows[p[0]] / dot(rows[p[0]], rows[p[0]]).squareRoot()
            // The Cartesian axis least aligned with u gives a well-conditioned first normal.
            let magnitudes = [abs(u.x), abs(u.y), abs(u.z)]
            let axis = magnitudes.firstIndex(of: magnitudes.min()!)!
            var e = SIMD3<Double>.zero
            e[axis] = 1
            let v = e - dot(e, u) * u
            let v1 = v / dot(v, v).squareRoot()
            rows[free[0]] = v1
            rows[free[1]] = cross(u, v1)
        default:
            break
        }
    }

    /// Distance between the planes `s_k = 0` and `s_k = 1`, Å.
    func unitWidth(_ axis: Int) -> Double {
        1 / dot(reciprocal[axis], reciprocal[axis]).squareRoot()
    }
}
