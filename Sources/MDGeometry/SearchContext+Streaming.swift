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

    /// The pairs of centre `k` into `buffer` (emptied first), in grid-scan order, from the
    /// same scan as the list path (``scanPairs(centre:_:)``), so the bits equal the unordered
    /// list's.
    @inline(__always)
    func scan(centre k: Int, into buffer: inout PairBuffer) {
        buffer.count = 0
        scanPairs(centre: k) { j, _, dx, dy, dz, d in buffer.append(j, dx, dy, dz, d) }
    }
}
