/// The environment atoms sorted into a grid of bins in fractional coordinates (a cell list).
///
/// Along axis `k` the grid has `n_k` bins. A periodic axis covers `s_k ∈ [0, 1)` (wrapped);
/// a non-periodic axis covers the environment's extent `[min s_k, max s_k]`. The bin of a
/// coordinate is `⌊(s_k − lower_k) · scale_k⌋`, clamped to `0 ..< n_k`. Bins are about
/// `cutoff / subdivisions` wide (perpendicular), but never more than ~2 per environment atom
/// in total, so memory stays linear in the number of atoms whatever the cutoff.
///
/// Positions are stored in bin order (structure of arrays) so the search reads them
/// contiguously.
struct CellGrid: Sendable {
    /// Bins per axis.
    var counts: [Int]
    /// Fractional coordinate of the lower edge of bin 0, per axis.
    var lower: [Double]
    /// Bins per unit of fractional coordinate, per axis (0 on a non-periodic axis whose
    /// extent is zero: every atom in bin 0).
    var scale: [Double]
    /// `binStart[b] ..< binStart[b + 1]` are the slots of bin `b = (i·n_1 + j)·n_2 + k`.
    var binStart: [Int]
    /// Atom index of each slot.
    var atom: [Int32]
    /// Wrapped Cartesian x, y, z of each slot, Å.
    var x: [Double]
    var y: [Double]
    var z: [Double]

    /// Bin edges per cutoff: bins of `cutoff / 2` scan about `(2.5 r)³` per centre instead of
    /// `(3 r)³`.
    static let subdivisions = 2.0
    /// Upper bound on bins per axis, before the total cap applies.
    static let maximumBinsPerAxis = 1 << 20

    /// Bins `environment`. `fractional` holds wrapped `s` (periodic axes in `[0, 1]`) and
    /// `wrapped` the wrapped Cartesian positions, both `3 × N`.
    init(
        environment: [Int32], fractional: [Double], wrapped: [Double],
        lattice: SearchLattice, cutoff: Double
    ) {
        var counts = [1, 1, 1]
        var lower = [0.0, 0.0, 0.0]
        var extent = [1.0, 1.0, 1.0]
        for k in 0..<3 {
            if !lattice.periodic[k] {
                var lo = Double.infinity
                var hi = -Double.infinity
                for e in environment {
                    let s = fractional[3 * Int(e) + k]
                    lo = min(lo, s)
                    hi = max(hi, s)
                }
                if environment.isEmpty { lo = 0; hi = 0 }
                lower[k] = lo
                extent[k] = hi - lo
            }
            let width = extent[k] * lattice.unitWidth(k)
            let n = (width * Self.subdivisions / cutoff).rounded(.down)
            counts[k] = Int(max(1, min(n, Double(Self.maximumBinsPerAxis))))
        }
        let maximumBins = max(64, 2 * environment.count)
        while counts[0] * counts[1] * counts[2] > maximumBins {
            let k = counts.firstIndex(of: counts.max()!)!
            counts[k] = max(1, counts[k] / 2)
        }
        self.counts = counts
        self.lower = lower
        scale = (0..<3).map { k in extent[k] > 0 ? Double(counts[k]) / extent[k] : 0 }

        let binCount = counts[0] * counts[1] * counts[2]
        var binOf = [Int](repeating: 0, count: environment.count)
        var start = [Int](repeating: 0, count: binCount + 1)
        for (slot, e) in environment.enumerated() {
            let i = 3 * Int(e)
            var b = 0
            for k in 0..<3 {
                b = b * counts[k] + Self.clampedBin(fractional[i + k], lower[k], scale[k], counts[k])
            }
            binOf[slot] = b
            start[b + 1] += 1
        }
        for b in 0..<binCount { start[b + 1] += start[b] }
        var fill = start
        var atom = [Int32](repeating: 0, count: environment.count)
        var x = [Double](repeating: 0, count: environment.count)
        var y = x
        var z = x
        for (slot, e) in environment.enumerated() {
            let p = fill[binOf[slot]]
            fill[binOf[slot]] += 1
            let i = 3 * Int(e)
            atom[p] = e
            x[p] = wrapped[i]
            y[p] = wrapped[i + 1]
            z[p] = wrapped[i + 2]
        }
        binStart = start
        self.atom = atom
        self.x = x
        self.y = y
        self.z = z
    }

    /// `⌊(s − lower) · scale⌋` clamped to `0 ..< n`.
    @inline(__always)
    static func clampedBin(_ s: Double, _ lower: Double, _ scale: Double, _ n: Int) -> Int {
        let t = ((s - lower) * scale).rounded(.down)
        if !(t > 0) { return 0 }
        if t >= Double(n - 1) { return n - 1 }
        return Int(t)
    }
}
