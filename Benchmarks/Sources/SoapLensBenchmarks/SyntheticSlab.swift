import MDCore

/// Synthetic stand-in for the bundled Cu(211) trajectory when `data/cu211-900K.dump.gz` is
/// absent: an fcc Cu slab (a = 3.615 Å, (001) surfaces) of 10 × 10 × 6 cubic cells = 2400
/// atoms, periodic in x and y with 20 Å of vacuum along z, each frame with independent
/// Gaussian thermal displacements (σ = 0.1 Å per component, about Cu at 900 K).
enum SyntheticSlab {
    /// Lattice constant of Cu, Å.
    static let latticeConstant = 3.615
    /// Thermal displacement per Cartesian component, Å.
    static let sigma = 0.1

    /// Makes `count` frames (steps 0, 200, 400, …; time = step × 0.005 ps).
    static func frames(count: Int, seed: UInt64 = 211) -> [Frame] {
        let a = latticeConstant
        let (nx, ny, nz) = (10, 10, 6)
        let basis: [SIMD3<Double>] = [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]
        var lattice: [SIMD3<Double>] = []
        lattice.reserveCapacity(4 * nx * ny * nz)
        for i in 0..<nx {
            for j in 0..<ny {
                for k in 0..<nz {
                    for b in basis {
                        lattice.append((SIMD3(Double(i), Double(j), Double(k)) + b) * a)
                    }
                }
            }
        }
        let n = lattice.count
        let cell = Cell.orthogonal(
            SIMD3(Double(nx) * a, Double(ny) * a, Double(nz) * a + 20), periodicity: Periodicity(true, true, false))
        var rng = SplitMix64(seed: seed)
        var frames: [Frame] = []
        frames.reserveCapacity(count)
        for f in 0..<count {
            var positions = [Double](repeating: 0, count: 3 * n)
            for (i, r) in lattice.enumerated() {
                positions[3 * i] = r.x + sigma * rng.nextGaussian()
                positions[3 * i + 1] = r.y + sigma * rng.nextGaussian()
                positions[3 * i + 2] = r.z + 2 + sigma * rng.nextGaussian()
            }
            let step = Int64(200 * f)
            frames.append(
                Frame(
                    step: step, time: Double(step) * 0.005, cell: cell, species: ["Cu"],
                    ids: (1...Int64(n)).map { $0 }, types: [Int32](repeating: 0, count: n), positions: positions,
                    provenance: FrameProvenance(ids: .file, species: .mapped, time: .stepTimesDt, source: "synthetic-fcc-slab")))
        }
        return frames
    }
}
