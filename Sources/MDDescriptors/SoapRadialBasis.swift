#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// dscribe's GTO radial basis (`get_basis_gto`) and the closed-form radial factors of the
/// expansion coefficients (`getAlphaBetaD`), in double precision.
///
/// * Widths `a_k = 1 + k (r_cut − 1)/(n_max − 1)`, `k = 0 … n_max−1` (`a_0 = 1` for n_max = 1).
/// * Exponents `α_{lk} = (ln 1000 + l ln a_k) / a_k²`, so `r^l exp(−α r²) = 10⁻³` at `r = a_k`.
/// * Overlap `S^{(l)}_{kk′} = ½ Γ(l + 3/2) (α_{lk} + α_{lk′})^{−(l+3/2)}` (weight r²) and the
///   Löwdin orthonormalisation `β^{(l)} = (S^{(l)})^{−1/2} = U diag(w^{−1/2}) Uᵀ` from a cyclic
///   Jacobi eigendecomposition. `S` is badly conditioned (6·10¹⁰ at l = 8, r_cut = 6); Jacobi
///   keeps the eigenvalues accurate to working precision relative to ‖S‖, and the spectra
///   agree with dscribe's `sqrtm(inv(S))` to about 1e-11 relative.
/// * Basis functions `g_{nl}(r) = Σ_k β^{(l)}_{nk} r^l exp(−α_{lk} r²)`, orthonormal on
///   `[0, ∞)` with weight r², not truncated at r_cut.
///
/// Expanding a Gaussian `exp(−η|r − r_j|²)` (`η = 1/2σ²`) on `g_{nl} Y_lm` gives, with
/// `q_{lk} = 1 + α_{lk}/η`,
///
///     c_{nlm} = R_{nl}(r_j) · r_j^l Y_lm(r̂_j),
///     R_{nl}(r) = Σ_k B_{l,nk} exp(−α′_{lk} r²),
///     B_{l,nk} = π^{3/2} η^{−3/2} β^{(l)}_{nk} q_{lk}^{−(l+3/2)},   α′_{lk} = α_{lk}/q_{lk}.
///
/// ``contraction`` holds `B` and ``reducedExponents`` holds `α′`; ``radial(l:r:into:)``
/// evaluates `R_{nl}` exactly (the calculator interpolates a table of it, ``SoapRadialTable``).
public struct SoapRadialBasis: Sendable {
    public let nMax: Int
    public let lMax: Int
    public let rCut: Double
    public let sigma: Double
    /// `α_{lk}` at `[l·n_max + k]`, Å⁻².
    public let alphas: [Double]
    /// `β^{(l)}_{nk}` at `[(l·n_max + n)·n_max + k]`, Å^{−(l+3/2)}-scaled so that `g_{nl}` is
    /// orthonormal.
    public let betas: [Double]
    /// `B_{l,nk}` at `[(l·n_max + n)·n_max + k]`.
    public let contraction: [Double]
    /// `α′_{lk} = α_{lk} / (1 + α_{lk}/η)` at `[l·n_max + k]`, Å⁻².
    public let reducedExponents: [Double]

    /// Builds the basis of `settings` (only n_max, l_max, r_cut and σ matter).
    public init(settings: SoapSettings) throws(SoapError) {
        try settings.validate()
        let n = settings.nMax
        let lCount = settings.lMax + 1
        nMax = n
        lMax = settings.lMax
        rCut = settings.rCut
        sigma = settings.sigma
        let eta = settings.eta
        let widths = (0..<n).map { k in n == 1 ? 1.0 : 1 + Double(k) * (settings.rCut - 1) / Double(n - 1) }
        var alphas = [Double](repeating: 0, count: lCount * n)
        var betas = [Double](repeating: 0, count: lCount * n * n)
        var contraction = [Double](repeating: 0, count: lCount * n * n)
        var reduced = [Double](repeating: 0, count: lCount * n)
        let piFactor = Double.pi * Double.pi.squareRoot() * pow(eta, -1.5)
        for l in 0..<lCount {
            let power = Double(l) + 1.5
            for k in 0..<n {
                alphas[l * n + k] = -log(SoapSettings.densityThreshold / pow(widths[k], Double(l))) / (widths[k] * widths[k])
            }
            var overlap = [Double](repeating: 0, count: n * n)
            let gammaHalf = 0.5 * tgamma(power)
            for i in 0..<n {
                for j in 0..<n {
                    overlap[i * n + j] = gammaHalf * pow(alphas[l * n + i] + alphas[l * n + j], -power)
                }
            }
            let (values, vectors) = Self.symmetricEigen(overlap, n)
            let smallest = values.min() ?? 0
            guard smallest > 0 else { throw .singularOverlap(l: l, smallestEigenvalue: smallest) }
            for i in 0..<n {
                for j in 0..<n {
                    var s = 0.0
                    for e in 0..<n { s += vectors[i * n + e] * vectors[j * n + e] / values[e].squareRoot() }
                    betas[(l * n + i) * n + j] = s
                }
            }
            for k in 0..<n {
                let alpha = alphas[l * n + k]
                let q = 1 + alpha / eta
                reduced[l * n + k] = alpha / q
                let scale = piFactor * pow(q, -power)
                for row in 0..<n { contraction[(l * n + row) * n + k] = betas[(l * n + row) * n + k] * scale }
            }
        }
        self.alphas = alphas
        self.betas = betas
        self.contraction = contraction
        self.reducedExponents = reduced
    }

    /// `R_{nl}(r)` for n = 0 … n_max−1 written to `out[0 ..< n_max]` (exact, no table).
    public func radial(l: Int, r: Double, into out: inout [Double]) {
        radialDerivatives(l: l, r: r) { n, value, _, _ in out[n] = value }
    }

    /// Calls `body(n, R, dR/dr, d²R/dr²)` for every n at radius `r`, Å.
    func radialDerivatives(l: Int, r: Double, _ body: (Int, Double, Double, Double) -> Void) {
        let r2 = r * r
        for row in 0..<nMax {
            var v = 0.0, d1 = 0.0, d2 = 0.0
            for k in 0..<nMax {
                let a = reducedExponents[l * nMax + k]
                let e = contraction[(l * nMax + row) * nMax + k] * exp(-a * r2)
                v += e
                d1 += -2 * a * r * e
                d2 += (4 * a * a * r2 - 2 * a) * e
            }
            body(row, v, d1, d2)
        }
    }

    /// Eigen-decomposition of the symmetric `n × n` matrix `m` (row-major) by cyclic Jacobi
    /// rotations; returns the eigenvalues and the eigenvectors as the columns of a row-major
    /// matrix. Converges quadratically; sweeps stop when no off-diagonal element is significant.
    static func symmetricEigen(_ m: [Double], _ n: Int) -> (values: [Double], vectors: [Double]) {
        var a = m
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += a[p * n + q] * a[p * n + q] } }
            if off == 0 { break }
            var rotated = false
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) {
                    let apq = a[p * n + q]
                    let app = a[p * n + p], aqq = a[q * n + q]
                    // Skip elements negligible against both diagonal entries.
                    if abs(apq) <= 1e-300 || abs(apq) < 1e-16 * (abs(app) * abs(aqq)).squareRoot() { continue }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
            if !rotated { break }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }
}
