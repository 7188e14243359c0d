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
/// `(l−m) Π_l^m = (2l−1) z Π_{l−1}^m − (l+m−1) r² Π_{l−2}^m`. The Condon–Shortley sign is
/// omitted: SOAP only uses `Σ_m c_{nlm} c_{n′lm}`, which is independent of the sign and order
/// of the real basis. Output index of `(l, m)`, `m = −l … l`: `l² + l + m`.
/// E.g. `Y_00 = 0.28209479`, `r Y_10 = 0.48860251 z`, `r² Y_22 = 0.54627422 (x² − y²)`.
public struct SoapSphericalHarmonics: Sendable {
    public let lMax: Int
    /// `(l_max+1)²` values: number of harmonics.
    public var count: Int { (lMax + 1) * (lMax + 1) }
    /// `N_lm (2m−1)!! (√2 if m > 0)` at `[l² + l + m]`, m ≥ 0; the recurrence uses Π/(2m−1)!!.
    let scale: [Double]
    /// `(2l−1)/(l−m)` and `(l+m−1)/(l−m)` at `[l² + l + m]` for l ≥ m + 2.
    let zCoefficient: [Double]
    let rCoefficient: [Double]

    public init(lMax: Int) {
        self.lMax = lMax
        let count = (lMax + 1) * (lMax + 1)
        var scale = [Double](repeating: 0, count: count)
        var zc = [Double](repeating: 0, count: count)
        var rc = [Double](repeating: 0, count: count)
        for l in 0...lMax {
            for m in 0...l {
                // (l−m)!/(l+m)! as a product, then (2m−1)!!.
                var ratio = 1.0
                if m > 0 { for k in (l - m + 1)...(l + m) { ratio /= Double(k) } }
                var doubleFactorial = 1.0
                if m > 0 { for k in stride(from: 2 * m - 1, through: 1, by: -2) { doubleFactorial *= Double(k) } }
                let n = (Double(2 * l + 1) / (4 * Double.pi) * ratio).squareRoot()
                scale[l * l + l + m] = n * doubleFactorial * (m > 0 ? 2.0.squareRoot() : 1)
                if l >= m + 2 {
                    zc[l * l + l + m] = Double(2 * l - 1) / Double(l - m)
                    rc[l * l + l + m] = Double(l + m - 1) / Double(l - m)
                }
            }
        }
        self.scale = scale
        zCoefficient = zc
        rCoefficient = rc
    }

    /// `r^l Y_lm` at the point `(x, y, z)`, Å^l, index `l² + l + m`.
    public func evaluate(_ point: SIMD3<Double>) -> [Double] {
        var out = [Double](repeating: 0, count: count * 4)
        out.withUnsafeMutableBufferPointer { buffer in
            evaluate(
                x: SIMD4(repeating: point.x), y: SIMD4(repeating: point.y), z: SIMD4(repeating: point.z),
                into: buffer.baseAddress!, stride: 4)
        }
        return (0..<count).map { out[4 * $0] }
    }

    /// Four points at once (one per lane): harmonic `i` of the lanes is stored at
    /// `out[i·stride ..< i·stride + 4]`.
    @inline(__always)
    func evaluate(
        x: SIMD4<Double>, y: SIMD4<Double>, z: SIMD4<Double>,
        into out: UnsafeMutablePointer<Double>, stride: Int
    ) {
        let r2 = x * x + y * y + z * z
        // (x + i y)^m, built up as m grows.
        var re = SIMD4<Double>(repeating: 1)
        var im = SIMD4<Double>(repeating: 0)
        scale.withUnsafeBufferPointer { scale in
            zCoefficient.withUnsafeBufferPointer { zc in
                rCoefficient.withUnsafeBufferPointer { rc in
                    for m in 0...lMax {
                        if m > 0 {
                            let nextRe = x * re - y * im
                            im = x * im + y * re
                            re = nextRe
                        }
                        var previous = SIMD4<Double>(repeating: 0)  // Π_{l−2}^m / (2m−1)!!
                        var current = SIMD4<Double>(repeating: 1)   // Π_{l−1}^m / (2m−1)!!
                        for l in m...lMax {
                            let lm = l * l + l
                            let pi: SIMD4<Double>
                            if l == m {
                                pi = current
                            } else if l == m + 1 {
                                pi = Double(2 * m + 1) * z * current
                            } else {
                                pi = zc[lm + m] * z * current - rc[lm + m] * r2 * previous
                            }
                            if l > m {
                                previous = current
                                current = pi
                            }
                            let s = scale[lm + m] * pi
                            if m == 0 {
                                (out + lm * stride).storeSIMD(s)
                            } else {
                                (out + (lm + m) * stride).storeSIMD(s * re)
                                (out + (lm - m) * stride).storeSIMD(s * im)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    /// Stores the four lanes at `self[0 ..< 4]` (no alignment required).
    @inline(__always)
    func storeSIMD(_ v: SIMD4<Double>) {
        UnsafeMutableRawPointer(self).storeBytes(of: v, as: SIMD4<Double>.self)
    }
}
