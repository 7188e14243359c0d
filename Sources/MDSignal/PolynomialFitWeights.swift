/// Linear weights of a discrete least-squares polynomial fit.
///
/// Fitting a polynomial of order `p` by least squares to the samples `x_0 … x_{w-1}` at the
/// positions `t = 0 … w-1` and evaluating it at a point `t₀` is linear in the samples:
/// `ŷ(t₀) = Σ_j g_j(t₀) · x_j`. This type computes `g(t₀)` once per evaluation point.
///
/// Method: with the scaled abscissa `u = (t − m)/h`, `m = (w−1)/2`, `h = max(m, 1)` (so that
/// `|u| ≤ 1` and the Vandermonde matrix `A[i][k] = u_iᵏ` is well conditioned), take the thin QR
/// factorisation `A = Q R` by classical Gram–Schmidt with one re-orthogonalisation pass (CGS2,
/// orthogonal to working precision). The fitted coefficients are `β = R⁻¹ Qᵀ x`, so
/// `ŷ(t₀) = a(t₀)ᵀ β` with `a_k = u₀ᵏ`, and the weights are `g = Q z` where `Rᵀ z = a(t₀)`
/// (forward substitution). Requires `0 ≤ p < w` (then `A` has full column rank).
struct PolynomialFitWeights: Sendable {
    let window: Int
    let polyorder: Int
    /// Orthonormal columns, column-major: `q[k * window + i]`.
    private var q: [Double]
    /// Upper-triangular factor, row-major `(p+1) × (p+1)`: `r[row * (p+1) + col]`.
    private var r: [Double]
    private let centre: Double
    private let scale: Double

    init(window: Int, polyorder: Int) {
        precondition(window >= 1 && polyorder >= 0 && polyorder < window)
        self.window = window
        self.polyorder = polyorder
        let m = Double(window - 1) / 2
        centre = m
        scale = max(m, 1)
        let cols = polyorder + 1
        q = [Double](repeating: 0, count: cols * window)
        r = [Double](repeating: 0, count: cols * cols)
        var v = [Double](repeating: 0, count: window)
        for k in 0..<cols {
            for i in 0..<window {
                let u = (Double(i) - centre) / scale
                v[i] = Self.power(u, k)
            }
            // Two Gram–Schmidt passes against the previous columns.
            for _ in 0..<2 {
                for c in 0..<k {
                    var dot = 0.0
                    for i in 0..<window { dot += q[c * window + i] * v[i] }
                    r[c * cols + k] += dot
                    for i in 0..<window { v[i] -= dot * q[c * window + i] }
                }
            }
            var norm = 0.0
            for i in 0..<window { norm += v[i] * v[i] }
            norm = norm.squareRoot()
            r[k * cols + k] = norm
            for i in 0..<window { q[k * window + i] = v[i] / norm }
        }
    }

    /// The weights `g_j(t₀)`, `j = 0 … w-1`, of the fitted polynomial's value at `t₀` (in
    /// sample units from the first sample of the window; need not be an integer).
    func weights(at t0: Double) -> [Double] {
        let cols = polyorder + 1
        let u0 = (t0 - centre) / scale
        // Rᵀ z = a, with Rᵀ lower triangular.
        var z = [Double](repeating: 0, count: cols)
        for k in 0..<cols {
            var s = Self.power(u0, k)
            for c in 0..<k { s -= r[c * cols + k] * z[c] }
            z[k] = s / r[k * cols + k]
        }
        var g = [Double](repeating: 0, count: window)
        for k in 0..<cols {
            let zk = z[k]
            for i in 0..<window { g[i] += q[k * window + i] * zk }
        }
        return g
    }

    private static func power(_ u: Double, _ k: Int) -> Double {
        var p = 1.0
        for _ in 0..<k { p *= u }
        return p
    }
}
