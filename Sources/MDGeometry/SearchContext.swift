import Dispatch

/// Everything one search reads, shared read-only by the worker chunks.
struct SearchContext: Sendable {
    let grid: CellGrid
    let lattice: SearchLattice
    let fractional: [Double]
    let wrapped: [Double]
    let centres: [Int32]
    let cutoff: Double
    /// Half-width of the scanned slab per axis, in fractional units, slack included.
    let reach: [Double]
    /// `cutoff²` with a relative slack; the exact test is on the distance.
    let cutoffSquaredLoose: Double
    /// Sort keys of the pairs.
    let coding: PairKeyCoding
    /// Sort each centre's pairs (see ``NeighbourSearch/orderedPairs``).
    let orderedPairs: Bool

    init(
        grid: CellGrid, lattice: SearchLattice, fractional: [Double], wrapped: [Double],
        centres: [Int32], cutoff: Double, orderedPairs: Bool = true
    ) throws(GeometryError) {
        self.orderedPairs = orderedPairs
        self.grid = grid
        self.lattice = lattice
        self.fractional = fractional
        self.wrapped = wrapped
        self.centres = centres
        self.cutoff = cutoff
        cutoffSquaredLoose = cutoff * cutoff * (1 + 1e-12)
        let slack = NeighbourSearch.rangeSlack
        var reach = [0.0, 0.0, 0.0]
        var visits = [1.0, 1.0, 1.0]
        for k in 0..<3 {
            let exact = cutoff / lattice.unitWidth(k)
            let extent = grid.scale[k] > 0 ? Double(grid.counts[k]) / grid.scale[k] : 0
            reach[k] = exact * (1 + slack) + slack * (1 + abs(grid.lower[k]) + extent)
            visits[k] = lattice.periodic[k]
                ? (2 * reach[k] * grid.scale[k]).rounded(.up) + 2
                : Double(grid.counts[k])
        }
        self.reach = reach
        let worst = visits.firstIndex(of: visits.max()!)!
        let tooMany = GeometryError.tooManyImages(
            axis: worst, perpendicularWidth: lattice.unitWidth(worst), cutoff: cutoff)
        if visits[0] * visits[1] * visits[2] > Double(NeighbourSearch.maximumImageVisits) { throw tooMany }
        // Images reachable from s ∈ [0, 1) (see binRange), widened by one bin each side.
        var minimum = SIMD3<Int>.zero, maximum = SIMD3<Int>.zero
        for k in 0..<3 where lattice.periodic[k] {
            let n = grid.counts[k]
            let r = reach[k] + slack
            minimum[k] = Self.split(Int(((-r) * Double(n)).rounded(.down)) - 1, n).0
            maximum[k] = Self.split(Int(((1 + r) * Double(n)).rounded(.down)) + 1, n).0
        }
        guard let coding = PairKeyCoding(minimum: minimum, maximum: maximum) else { throw tooMany }
        self.coding = coding
    }

    /// Searches every centre in parallel chunks (sorted keys per chunk), then writes the
    /// output arrays in a second parallel pass over the chunks.
    func run() -> NeighbourList {
        // Many more chunks than cores balance the load (surface centres have fewer pairs);
        // at most ~256 chunks bound the merge overhead.
        let chunkSize = max(32, (centres.count + 255) / 256)
        let chunkCount = (centres.count + chunkSize - 1) / chunkSize
        let chunkRange = { @Sendable (c: Int) in (c * chunkSize) ..< min(centres.count, (c + 1) * chunkSize) }
        var chunks = [ChunkKeys](repeating: ChunkKeys(), count: chunkCount)
        chunks.withUnsafeMutableBufferPointer { buffer in
            let out = SharedSlots(base: buffer.baseAddress!)
            Self.forEach(chunkCount) { c in out.base[c] = search(chunkRange(c)) }
        }

        var offsets = [Int]()
        offsets.reserveCapacity(centres.count + 1)
        offsets.append(0)
        for chunk in chunks {
            for count in chunk.counts { offsets.append(offsets[offsets.count - 1] + count) }
        }
        let total = offsets[centres.count]
        let (keys, starts) = (chunks, offsets)
        var neighbours = [Int32]()
        var shifts = [Int32]()
        var displacements = [Double]()
        var distances = [Double]()
        if total > 0 {
            neighbours = [Int32](unsafeUninitializedCapacity: total) { n, count in
                shifts = [Int32](unsafeUninitializedCapacity: 3 * total) { s, count in
                    displacements = [Double](unsafeUninitializedCapacity: 3 * total) { d, count in
                        distances = [Double](unsafeUninitializedCapacity: total) { r, count in
                            let output = PairOutput(
                                neighbours: n.baseAddress!, shifts: s.baseAddress!,
                                displacements: d.baseAddress!, distances: r.baseAddress!)
                            Self.forEach(chunkCount) { c in
                                let range = chunkRange(c)
                                write(keys[c], centres: range, from: starts[range.lowerBound], into: output)
                            }
                            count = total
                        }
                        count = 3 * total
                    }
                    count = 3 * total
                }
                count = total
            }
        }
        return NeighbourList(
            centres: centres, offsets: offsets, neighbours: neighbours, shifts: shifts,
            displacements: displacements, distances: distances)
    }

    /// Runs `body(0 ..< count)`, in parallel when there is more than one item.
    private static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count == 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: count, execute: body)
        }
    }

    /// The scanned bin indices `lo ... hi` along `axis` for a centre at fractional `s`:
    /// unbounded on a periodic axis (the image is `⌊b / n⌋`), clamped to the grid otherwise
    /// (empty when `lo > hi`).
    @inline(__always)
    func binRange(axis k: Int, s: Double) -> (Int, Int) {
        let n = grid.counts[k]
        let scale = grid.scale[k]
        let r = reach[k] + NeighbourSearch.rangeSlack * abs(s)
        let lo = ((s - r - grid.lower[k]) * scale).rounded(.down)
        let hi = ((s + r - grid.lower[k]) * scale).rounded(.down)
        if lattice.periodic[k] { return (Int(lo), Int(hi)) }
        if scale == 0 { return (0, 0) }
        // A centre outside the environment's extent may scan nothing (lo > hi).
        return (Int(min(max(lo, 0), Double(n))), Int(max(min(hi, Double(n - 1)), -1)))
    }

    /// The image translation `na·B_0 + nb·B_1 + nc·B_2`, always evaluated in this order so the
    /// search and the output pass produce the same bits.
    @inline(__always)
    static func translation(
        _ m: SIMD3<Int>, _ b0: SIMD3<Double>, _ b1: SIMD3<Double>, _ b2: SIMD3<Double>
    ) -> SIMD3<Double> {
        let t0 = Double(m.x) * b0
        let t01 = t0 + Double(m.y) * b1
        return t01 + Double(m.z) * b2
    }

    /// Every pair of centre `k` (position in `centres`) within the cutoff, in grid-scan
    /// order: `emit(j, image, dx, dy, dz, d)` with the neighbour's atom index, its lattice
    /// image, the displacement `r̃_j + image·B − r̃_i` (Å) and its length. The one scan both
    /// the list (``search(_:)``) and the streaming visit use, so their bits agree.
    @inline(__always)
    func scanPairs(centre k: Int, _ emit: (Int32, SIMD3<Int>, Double, Double, Double, Double) -> Void) {
        let n0 = grid.counts[0], n1 = grid.counts[1], n2 = grid.counts[2]
        let b0 = lattice.basis[0], b1 = lattice.basis[1], b2 = lattice.basis[2]
        let periodic0 = lattice.periodic[0], periodic1 = lattice.periodic[1], periodic2 = lattice.periodic[2]
        let rcLoose = cutoffSquaredLoose
        let rc = cutoff
        let i = Int(centres[k])
        let centre = Int32(i)
        let xi = wrapped[3 * i], yi = wrapped[3 * i + 1], zi = wrapped[3 * i + 2]
        let (lo0, hi0) = binRange(axis: 0, s: fractional[3 * i])
        let (lo1, hi1) = binRange(axis: 1, s: fractional[3 * i + 1])
        let (lo2, hi2) = binRange(axis: 2, s: fractional[3 * i + 2])
        grid.binStart.withUnsafeBufferPointer { start in
        grid.atom.withUnsafeBufferPointer { atom in
        grid.x.withUnsafeBufferPointer { gx in
        grid.y.withUnsafeBufferPointer { gy in
        grid.z.withUnsafeBufferPointer { gz in
            for p0 in stride(from: lo0, through: hi0, by: 1) {
                let (m0, c0) = periodic0 ? Self.split(p0, n0) : (0, p0)
                for p1 in stride(from: lo1, through: hi1, by: 1) {
                    let (m1, c1) = periodic1 ? Self.split(p1, n1) : (0, p1)
                    for p2 in stride(from: lo2, through: hi2, by: 1) {
                        let (m2, c2) = periodic2 ? Self.split(p2, n2) : (0, p2)
                        let image = SIMD3(m0, m1, m2)
                        let t = Self.translation(image, b0, b1, b2)
                        let zeroShift = m0 == 0 && m1 == 0 && m2 == 0
                        let bin = (c0 * n1 + c1) * n2 + c2
                        for slot in start[bin] ..< start[bin + 1] {
                            let dx = (gx[slot] - xi) + t.x
                            let dy = (gy[slot] - yi) + t.y
                            let dz = (gz[slot] - zi) + t.z
                            let d2 = dx * dx + dy * dy + dz * dz
                            if d2 > rcLoose { continue }
                            let j = atom[slot]
                            if zeroShift && j == centre { continue }
                            let d = d2.squareRoot()
                            if d > rc { continue }
                            emit(j, image, dx, dy, dz, d)
                        }
                    }
                }
            }
        }}}}}
    }

    /// Searches centres `range` (positions in `centres`): per centre, the sorted keys of its
    /// pairs.
    func search(_ range: Range<Int>) -> ChunkKeys {
        var out = ChunkKeys()
        out.counts.reserveCapacity(range.count)
        var scratch = [UInt64]()
        scratch.reserveCapacity(1024)
        let coding = coding
        for k in range {
            scratch.removeAll(keepingCapacity: true)
            scanPairs(centre: k) { j, image, _, _, _, _ in
                scratch.append(coding.encode(neighbour: j) | coding.encode(shift: image.x, image.y, image.z))
            }
            if orderedPairs { scratch.withUnsafeMutableBufferPointer { PairKeyCoding.sort($0) } }
            out.counts.append(scratch.count)
            out.keys.append(contentsOf: scratch)
        }
        return out
    }

    /// Decodes one chunk's keys into the output arrays from pair `first` on, recomputing
    /// each displacement exactly as the search did.
    func write(_ chunk: ChunkKeys, centres range: Range<Int>, from first: Int, into output: PairOutput) {
        let b0 = lattice.basis[0], b1 = lattice.basis[1], b2 = lattice.basis[2]
        let coding = coding
        var p = first
        var q = 0
        wrapped.withUnsafeBufferPointer { x in
        chunk.keys.withUnsafeBufferPointer { keys in
            for (k, count) in zip(range, chunk.counts) {
                let i = Int(centres[k])
                let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                for _ in 0..<count {
                    let key = keys[q]
                    let j = coding.neighbour(key)
                    let m = coding.shift(key)
                    let t = Self.translation(m, b0, b1, b2)
                    let jj = 3 * Int(j)
                    let dx = (x[jj] - xi) + t.x
                    let dy = (x[jj + 1] - yi) + t.y
                    let dz = (x[jj + 2] - zi) + t.z
                    output.neighbours[p] = j
                    output.shifts[3 * p] = Int32(m.x)
                    output.shifts[3 * p + 1] = Int32(m.y)
                    output.shifts[3 * p + 2] = Int32(m.z)
                    output.displacements[3 * p] = dx
                    output.displacements[3 * p + 1] = dy
                    output.displacements[3 * p + 2] = dz
                    output.distances[p] = (dx * dx + dy * dy + dz * dz).squareRoot()
                    p += 1
                    q += 1
                }
            }
        }}
    }

    /// Splits an unbounded bin index into (image, bin): `p = image · n + bin`, `0 ≤ bin < n`.
    @inline(__always)
    static func split(_ p: Int, _ n: Int) -> (Int, Int) {
        let image = p >= 0 ? p / n : -((-p - 1) / n) - 1
        return (image, p - image * n)
    }
}

/// The pairs of one chunk of centres: per centre its pair count, and the sorted keys.
struct ChunkKeys: Sendable {
    var counts: [Int] = []
    var keys: [UInt64] = []
}

/// Result slots written by parallel workers, each at its own index.
struct SharedSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// The output arrays being filled; each worker writes a disjoint range of pairs.
struct PairOutput: @unchecked Sendable {
    let neighbours: UnsafeMutablePointer<Int32>
    let shifts: UnsafeMutablePointer<Int32>
    let displacements: UnsafeMutablePointer<Double>
    let distances: UnsafeMutablePointer<Double>
}
