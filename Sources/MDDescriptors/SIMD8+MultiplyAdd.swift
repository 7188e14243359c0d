import CTargetFeatures

extension SIMD8 where Scalar == Double {
    /// `self + a·b`, fused into one FMA instruction (one rounding) when the compile target
    /// has FMA — e.g. a build with `-Xswiftc -target-cpu -Xswiftc haswell`, or AArch64 —
    /// and as a multiply then an add (two roundings) otherwise.
    ///
    /// Swift never contracts `x + y * z` into an FMA on its own, and an explicit FMA on a
    /// target without the instruction becomes a libm call per lane, so the choice has to be
    /// made at compile time: `soaplens_target_has_fma()` is a constant of the target, and
    /// the branch folds away. Both forms agree to a few ulps per operation; the SOAP kernels
    /// use this helper everywhere, so every code path of one build rounds the same way.
    @inline(__always)
    func adding(_ a: Double, times b: SIMD8<Double>) -> SIMD8<Double> {
        soaplens_target_has_fma() != 0 ? addingProduct(a, b) : self + a * b
    }

    /// `self + a·b` (lane-wise), see ``adding(_:times:)-(Double,_)``.
    @inline(__always)
    func adding(_ a: SIMD8<Double>, times b: Double) -> SIMD8<Double> {
        soaplens_target_has_fma() != 0 ? addingProduct(a, b) : self + a * b
    }

    /// `self + a·b` (lane-wise), see ``adding(_:times:)-(Double,_)``.
    @inline(__always)
    func adding(_ a: SIMD8<Double>, times b: SIMD8<Double>) -> SIMD8<Double> {
        soaplens_target_has_fma() != 0 ? addingProduct(a, b) : self + a * b
    }
}
