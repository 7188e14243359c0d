/// A piecewise Hermite table of the radial factors `R_{nl}(r)` of ``SoapRadialBasis`` on
/// `[0, r_max]`, built from exact values and derivatives at the knots `r_i = i·h`:
/// quintic (values, first and second derivatives; C², error `≈ h⁶ |R⁽⁶⁾| / 46080`) or cubic
/// (values and first derivatives; C¹, error `≈ h⁴ |R⁽⁴⁾| / 384`).
/// The exponents satisfy `α′ < η`, so every `R_{nl}` is a sum of Gaussians no narrower than
/// the atoms' own, and the default (quintic, `h = 0.1 Å`) reproduces the exact functions to
/// about 1e-11 of their scale (tested), below the ~1e-10 at which dscribe's own Löwdin step
/// is reproducible and far below the 1e-8 agreement required.
///
/// Layout, built for the 8-lane kernel that sweeps one `l` at a time over distance-sorted
/// pairs: degree `l`, interval `i`, power `c`, lane `n` at
/// `[((l·(intervals+1) + i)·powers + c)·lanes + n]`, `lanes = 8·⌈n_max/8⌉` (padding lanes are
/// zero); one `l` plane is 37 KB for the defaults, about an L1 cache.
/// Within an interval `R_{nl}(r_i + t h) = Σ_c coef_c t^c`, `t ∈ [0, 1]`. One extra all-zero
/// interval at index ``zeroInterval`` serves the kernel's padding pairs.
struct SoapRadialTable: Sendable {
    static let defaultSpacing = 0.1
    static let defaultDegree = 5
    let spacing: Double
    let inverseSpacing: Double
    /// Intervals covering `0 … maximumRadius`; the zero interval comes after them.
    let intervalCount: Int
    let lCount: Int
    let lanes: Int
    /// Polynomial degree + 1 (6 quintic, 4 cubic).
    let powers: Int
    /// The coefficients (layout above), in memory owned by the table and never mutated, so
    /// kernels may hold the pointer for as long as they hold the table.
    let coefficients: Coefficients

    /// Immutable heap storage of the coefficients with a stable address.
    final class Coefficients: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Double>
        let count: Int

        init(_ values: [Double]) {
            count = values.count
            pointer = .allocate(capacity: max(1, count))
            values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: count) }
        }

        deinit { pointer.deallocate() }

        subscript(index: Int) -> Double { pointer[index] }
    }

    /// Index of the all-zero interval.
    var zeroInterval: Int { intervalCount }
    /// Doubles per interval.
    var intervalStride: Int { powers * lanes }
    /// Doubles per `l` plane (the zero interval included).
    var planeStride: Int { (intervalCount + 1) * powers * lanes }

    /// A table covering `0 … maximumRadius` (Å) with knot spacing `spacing` (Å) and piecewise
    /// polynomials of degree 3 or 5.
    init(basis: SoapRadialBasis, maximumRadius: Double, spacing: Double = Self.defaultSpacing, degree: Int = Self.defaultDegree) {
        precondition(degree == 3 || degree == 5, "Hermite table degree must be 3 or 5")
        let intervalCount = Int((maximumRadius / spacing).rounded(.up)) + 1
        let lCount = basis.lMax + 1
        let lanes = 8 * ((basis.nMax + 7) / 8)
        let powers = degree + 1
        self.spacing = spacing
        inverseSpacing = 1 / spacing
        self.intervalCount = intervalCount
        self.lCount = lCount
        self.lanes = lanes
        self.powers = powers
        let n = basis.nMax
        var knots = [Double](repeating: 0, count: (intervalCount + 1) * lCount * n * 3)
        for i in 0...intervalCount {
            let r = Double(i) * spacing
            for l in 0..<lCount {
                basis.radialDerivatives(l: l, r: r) { row, v, d1, d2 in
                    let base = ((i * lCount + l) * n + row) * 3
                    knots[base] = v
                    knots[base + 1] = d1 * spacing
                    knots[base + 2] = d2 * spacing * spacing
                }
            }
        }
        var coefficients = [Double](repeating: 0, count: (intervalCount + 1) * lCount * powers * lanes)
        for i in 0..<intervalCount {
            for l in 0..<lCount {
                for row in 0..<n {
                    let a = ((i * lCount + l) * n + row) * 3
                    let b = (((i + 1) * lCount + l) * n + row) * 3
                    let (y0, d0, s0) = (knots[a], knots[a + 1], knots[a + 2])
                    let (y1, d1, s1) = (knots[b], knots[b + 1], knots[b + 2])
                    let c: [Double]
                    if degree == 5 {
                        // p(1) = y1, p′(1) = d1, p″(1) = s1 for the three top coefficients.
                        let delta0 = y1 - y0 - d0 - 0.5 * s0
                        let delta1 = d1 - d0 - s0
                        let delta2 = s1 - s0
                        c = [
                            y0, d0, 0.5 * s0,
                            10 * delta0 - 4 * delta1 + 0.5 * delta2,
                            -15 * delta0 + 7 * delta1 - delta2,
                            6 * delta0 - 3 * delta1 + 0.5 * delta2,
                        ]
                    } else {
                        c = [y0, d0, 3 * (y1 - y0) - 2 * d0 - d1, 2 * (y0 - y1) + d0 + d1]
                    }
                    for power in 0..<powers { coefficients[((l * (intervalCount + 1) + i) * powers + power) * lanes + row] = c[power] }
                }
            }
        }
        self.coefficients = Coefficients(coefficients)
    }

    /// The interval holding `r` (clamped to the last one) and the local coordinate `t`.
    @inline(__always)
    func locate(_ r: Double) -> (interval: Int, t: Double) {
        let x = r * inverseSpacing
        let i = min(Int(x), intervalCount - 1)
        return (i, x - Double(i))
    }

    /// The table's estimate of `R_{nl}(r)` (for tests; the calculator runs the same Horner
    /// scheme on 8 lanes).
    func value(l: Int, n: Int, r: Double) -> Double {
        let (i, t) = locate(r)
        let base = ((l * (intervalCount + 1) + i) * powers) * lanes + n
        var v = coefficients[base + (powers - 1) * lanes]
        for power in stride(from: powers - 2, through: 0, by: -1) { v = v * t + coefficients[base + power * lanes] }
        return v
    }
}
