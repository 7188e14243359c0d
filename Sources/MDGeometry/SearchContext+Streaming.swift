import Dispatch

extension SearchContext {
    /// Centres per chunk of the streaming visit (chunks are dealt round-robin to workers).
    static let streamingChunk = 16

    /// Runs the search centre by centre, handing each centre's pairs to `body` (see
    /// ``NeighbourSearch/forEachCentre(positions:cell:centres:environment:workers:_:)``).
    func visit(workers: Int, _ body: @Sendable (Int, Int, NeighbourPairs) -> Void) {
        let chunk = Self.streamingChunk
        let chunkCount = (centres.count + chunk - 1) / chunk
        let workerCount = max(1, min(workers, chunkCount))
        withoutActuallyEscaping(body) { body in
            let work = { @Sendable (w: Int) in
                var buffer = PairBuffer(capacity: 256)
                defer { buffer.deallocate() }
                var c = w
                while c < chunkCount {
                    for k in (c * chunk) ..< min(centres.count, (c + 1) * chunk) {
                        scan(centre: k, into: &buffer)
                        body(w, k, buffer.pairs)
                    }
                    c += workerCount
                }
            }
            if workerCount == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workerCount, execute: work)
            }
        }
    }

    /// The pairs of centre `k` into `buffer` (emptied first), in grid-scan order, with the
    /// displacement and distance expressions of ``write(_:centres:from:into:)`` so that the
    /// bits equal the unordered list's.
    @inline(__always)
    func scan(centre k: Int, into buffer: inout PairBuffer) {
        buffer.count = 0
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
                        let t = Self.translation(SIMD3(m0, m1, m2), b0, b1, b2)
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
                            buffer.append(j, dx, dy, dz, d)
                        }
                    }
                }
            }
        }}}}}
    }
}
