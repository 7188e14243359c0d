#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Real solid harmonics `r^l Y_lm(r̂)` up to `l_max`, orthonormal on the sphere
/// (`∫ Y_lm² dΩ = 1`), as Cartesian polynomials of `(x, y, z)`: no division by r, exact zeros at
/// the origin for l > 0 (dscribe's `getCfactorsD` convention).
///
///     r^l Y_l0   = N_l0 · Π_l^0(z, r²)
///     r^l Y_l,±m = √2 N_lm · Π_l^m(z, r²) · { Re (x + i y)^m,  Im (x + i y)^m },  m > 0
///
/// with `N_lm = sqrt((2l+1)/(4π) · (l−m)!/(l+m)!)` and `Π_l^m = r^{l−m} P_l^m(cos θ)/sin^m θ`
/// from the recurrence `Π_m^m = (2m−1)!!`, `Π_{m+1}^m = (2m+1) z Π_m^m`,
/// `(l−m) Π_l^m = (2l−1) z Π_{l−1}^m − (l+m−1) r² Π_{l−2}^m`. The kernel runs the recurrence
/// on the normalised `Q_l^m = √2 N_lm Π_l^m` (`N_l0 Π_l^0` for m = 0), whose coefficients
/// absorb the normalisation: `Q_l = a_lm z Q_{l−1} + b_lm r² Q_{l−2}` (one FMA where the
/// target has it). The Condon–Shortley sign is omitted: SOAP only uses
/// `Σ_m c_{nlm} c_{n′lm}`, which is independent of the sign and order of the real basis.
/// Output index of `(l, m)`, `m = −l … l`: `l² + l + m`.
/// E.g. `Y_00 = 0.28209479`, `r Y_10 = 0.48860251 z`, `r² Y_22 = 0.54627422 (x² − y²)`.
public struct SoapSphericalHarmonics: Sendable {
    public let lMax: Int
    /// `(l_max+1)²` values: number of harmonics.
    public var count: Int { (lMax + 1) * (lMax + 1) }
    /// `Q_m^m` (a constant) and `Q_{m+1}^m / z` per m.
    let diagonal: [Double]
    let subdiagonal: [Double]
    /// `a_lm` and `b_lm` of the recurrence at `[l² + l + m]` for l ≥ m + 2.
    let zCoefficient: [Double]
    let rCoefficient: [Double]

    public init(lMax: Int) {
        self.lMax = lMax
        let count = (lMax + 1) * (lMax + 1)
        // √2 N_lm (N_l0 for m = 0) at [l² + l + m].
        var norm = [Double](repeating: 0, count: count)
        for l in 0...lMax {
            for m in 0...l {
                // (l−m)!/(l+m)! as a product.
                var ratio = 1.0
                if m > 0 { for k in (l - m + 1)...(l + m) { ratio /= Double(k) } }
                norm[l * l + l + m] = (Double(2 * l + 1) / (4 * Double.pi) * ratio).squareRoot() * (m > 0 ? 2.0.squareRoot() : 1)
            }
        }
        var diagonal = [Double](repeating: 0, count: lMax + 1)
        var subdiagonal = [Double](repeating: 0, count: lMax + 1)
        var zc = [Double](repeating: 0, count: count)
        var rc = [Double](repeating: 0, count: count)
        for m in 0...lMax {
            var doubleFactorial = 1.0
            if m > 0 { for k in stride(from: 2 * m - 1, through: 1, by: -2) { doubleFactorial *= Double(k) } }
            diagonal[m] = norm[m * m + 2 * m] * doubleFactorial
            if m < lMax {
                let l = m + 1
                subdiagonal[m] = norm[l * l + l + m] * doubleFactorial * Double(2 * m + 1)
            }
            if m + 2 <= lMax {
                for l in (m + 2)...lMax {
                    let lm = l * l + l + m
                    let n1 = norm[(l - 1) * (l - 1) + (l - 1) + m], n2 = norm[(l - 2) * (l - 2) + (l - 2) + m]
                    zc[lm] = Double(2 * l - 1) / Double(l - m) * norm[lm] / n1
                    rc[lm] = -Double(l + m - 1) / Double(l - m) * norm[lm] / n2
                }
            }
        }
        self.diagonal = diagonal
        self.subdiagonal = subdiagonal
        zCoefficient = zc
        rCoefficient = rc
    }

    /// `r^l Y_lm` at the point `(x, y, z)`, Å^l, index `l² + l + m`.
    public func evaluate(_ point: SIMD3<Double>) -> [Double] {
        var out = [Double](repeating: 0, count: count * 8)
        out.withUnsafeMutableBufferPointer { buffer in
            evaluate(
                x: SIMD8(repeating: point.x), y: SIMD8(repeating: point.y), z: SIMD8(repeating: point.z),
                into: buffer.baseAddress!, stride: 8)
        }
        return (0..<count).map { out[8 * $0] }
    }

    /// Eight points at once (one per lane): harmonic `i` of the lanes is stored at
    /// `out[i·stride ..< i·stride + 8]`.
    @inline(__always)
    func evaluate(
        x: SIMD8<Double>, y: SIMD8<Double>, z: SIMD8<Double>,
        into out: UnsafeMutablePointer<Double>, stride: Int
    ) {
        let r2 = x * x + y * y + z * z
        let lMax = self.lMax
        // (x + i y)^m, built up as m grows.
        var re = SIMD8<Double>(repeating: 1)
        var im = SIMD8<Double>(repeating: 0)
        diagonal.withUnsafeBufferPointer { diagonal in
            subdiagonal.withUnsafeBufferPointer { subdiagonal in
                zCoefficient.withUnsafeBufferPointer { zc in
                    rCoefficient.withUnsafeBufferPointer { rc in
                        // m = 0: Q_l^0 itself.
                        var previous = SIMD8<Double>(repeating: diagonal[0])
                        out.storeSIMD(previous)
                        if lMax > 0 {
                            var current = subdiagonal[0] * z
                            (out + 2 * stride).storeSIMD(current)
                            var l = 2
                            while l <= lMax {
                                let lm = l * l + l
                                let q = (rc[lm] * r2 * previous).adding(zc[lm] * z, times: current)
                                previous = current
                                current = q
                                (out + lm * stride).storeSIMD(q)
                                l += 1
                            }
                        }
                        // m > 0: Q_l^m times Re and Im (x + i y)^m.
                        var m = 1
                        while m <= lMax {
                            let nextRe = x * re - y * im
                            im = x * im + y * re
                            re = nextRe
                            var lm = m * m + m
                            var previous = SIMD8<Double>(repeating: diagonal[m])
                            (out + (lm + m) * stride).storeSIMD(previous * re)
                            (out + (lm - m) * stride).storeSIMD(previous * im)
                            if m < lMax {
                                lm = (m + 1) * (m + 1) + m + 1
                                var current = subdiagonal[m] * z
                                (out + (lm + m) * stride).storeSIMD(current * re)
                                (out + (lm - m) * stride).storeSIMD(current * im)
                                var l = m + 2
                                while l <= lMax {
                                    lm = l * l + l
                                    let q = (rc[lm + m] * r2 * previous).adding(zc[lm + m] * z, times: current)
                                    previous = current
                                    current = q
                                    (out + (lm + m) * stride).storeSIMD(q * re)
                                    (out + (lm - m) * stride).storeSIMD(q * im)
                                    l += 1
                                }
                            }
                            m += 1
                        }
                    }
                }
            }
        }
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    /// Stores the eight lanes at `self[0 ..< 8]` (no alignment required).
    @inline(__always)
    func storeSIMD(_ v: SIMD8<Double>) {
        UnsafeMutableRawPointer(self).storeBytes(of: v, as: SIMD8<Double>.self)
    }
}
