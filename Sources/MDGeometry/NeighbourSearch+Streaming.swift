import MDCore

extension NeighbourSearch {
    /// Visits every centre's pairs without building a ``NeighbourList``: for each position `k`
    /// in `centres`, `body(worker, k, pairs)` is called exactly once with the pairs of
    /// `centres[k]` (see ``NeighbourPairs``: the same pairs, order and bits as the unordered
    /// ``compute(positions:cell:centres:environment:)`` list of centre k). Same inputs,
    /// checks and errors as `compute`; nothing is called when it throws.
    ///
    /// Centres are split into chunks of 16 dealt round-robin to `workers` workers
    /// (`DispatchQueue.concurrentPerform` when more than one); `worker ∈ 0 ..< workers`
    /// identifies the calling worker, so the body can use per-worker scratch without locks.
    /// Calls from one worker are sequential and in increasing `k`; calls from different
    /// workers run concurrently, so the body must only write state owned by its worker or by
    /// centre `k`. What a centre receives does not depend on `workers`.
    ///
    /// Memory: one pair buffer per worker (grown to the largest centre's pair count), instead
    /// of the list's 48 bytes per pair. A centre with no pair (or an empty environment) is
    /// visited with an empty `pairs`.
    public func forEachCentre(
        positions: [Double], cell: Cell?, centres: [Int32], environment: [Int32], workers: Int = 1,
        _ body: @Sendable (_ worker: Int, _ centre: Int, _ pairs: NeighbourPairs) -> Void
    ) throws(GeometryError) {
        guard let context = try prepare(positions: positions, cell: cell, centres: centres, environment: environment) else {
            let empty = PairBuffer(capacity: 16)
            defer { empty.deallocate() }
            for k in centres.indices { body(0, k, empty.pairs) }
            return
        }
        context.visit(workers: max(1, workers), body)
    }
}
