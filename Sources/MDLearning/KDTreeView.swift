import Dispatch

/// Raw pointers into a `KDTree`'s arrays for the search loops, valid inside
/// `KDTree.withView` only; plus the k-nearest-neighbour search itself.
struct KDTreeView {
    let count: Int
    let width: Int
    let points: UnsafePointer<Double>
    let index: UnsafePointer<Int32>
    let start: UnsafePointer<Int32>
    let end: UnsafePointer<Int32>
    let left: UnsafePointer<Int32>
    let right: UnsafePointer<Int32>
    let lower: UnsafePointer<Double>
    let upper: UnsafePointer<Double>

    /// Deepest traversal stack a search needs: two entries per level, and a median-split
    /// tree has about log2(count) levels.
    static let stackCapacity = 256

    /// The `k` nearest tree positions of row `x` with their squared distances, ascending by
    /// (distance, position), written to `rdist[0..<k]` and `positions[0..<k]`; `stack` holds
    /// `stackCapacity` (node, bound) pairs. Needs `k ≤ count`; allocation-free.
    func nearest(
        to x: UnsafePointer<Double>, k: Int, rdist: UnsafeMutablePointer<Double>, positions: UnsafeMutablePointer<Int32>,
        stackNodes: UnsafeMutablePointer<Int32>, stackBounds: UnsafeMutablePointer<Double>
    ) {
        precondition(k >= 1 && k <= count)
        let d = width
        // Max-heap on (rdist, position) of the best k so far.
        var size = 0
        @inline(__always) func greater(_ a: Double, _ pa: Int32, _ b: Double, _ pb: Int32) -> Bool {
            a > b || (a == b && pa > pb)
        }
        /// Puts (r, p) at the root of the heap `0..<heapSize` and sifts it down.
        @inline(__always) func siftDown(_ r: Double, _ p: Int32, heapSize: Int) {
            var i = 0
            while true {
                let l = 2 * i + 1
                if l >= heapSize { break }
                var c = l
                if l + 1 < heapSize && greater(rdist[l + 1], positions[l + 1], rdist[l], positions[l]) { c = l + 1 }
                guard greater(rdist[c], positions[c], r, p) else { break }
                rdist[i] = rdist[c]; positions[i] = positions[c]
                i = c
            }
            rdist[i] = r; positions[i] = p
        }
        func push(_ r: Double, _ p: Int32) {
            if size < k {
                var i = size
                size += 1
                while i > 0 {
                    let parent = (i - 1) / 2
                    guard greater(r, p, rdist[parent], positions[parent]) else { break }
                    rdist[i] = rdist[parent]; positions[i] = positions[parent]
                    i = parent
                }
                rdist[i] = r; positions[i] = p
            } else {
                guard greater(rdist[0], positions[0], r, p) else { return }
                siftDown(r, p, heapSize: k)
            }
        }
        var top = 0
        stackNodes[0] = 0
        stackBounds[0] = 0
        top = 1
        while top > 0 {
            top -= 1
            let node = Int(stackNodes[top])
            let bound = stackBounds[top]
            if size == k && bound > rdist[0] { continue }
            let l = Int(left[node])
            if l < 0 {
                for pos in Int(start[node])..<Int(end[node]) {
                    let r = RowMatrix.squaredDistance(x, points + pos * d, d)
                    if size < k || r <= rdist[0] { push(r, Int32(pos)) }
                }
                continue
            }
            let rr = Int(right[node])
            let bl = KDTree.boxRdist(x, lower, upper, node: l, d)
            let br = KDTree.boxRdist(x, lower, upper, node: rr, d)
            precondition(top + 2 <= KDTreeView.stackCapacity, "KDTree: traversal stack overflow")
            // The nearer child is popped first.
            if bl <= br {
                stackNodes[top] = Int32(rr); stackBounds[top] = br
                stackNodes[top + 1] = Int32(l); stackBounds[top + 1] = bl
            } else {
                stackNodes[top] = Int32(l); stackBounds[top] = bl
                stackNodes[top + 1] = Int32(rr); stackBounds[top + 1] = br
            }
            top += 2
        }
        // Heap → ascending order (heap sort in place).
        var n = size
        while n > 1 {
            n -= 1
            let r = rdist[n], p = positions[n]
            rdist[n] = rdist[0]; positions[n] = positions[0]
            siftDown(r, p, heapSize: n)
        }
    }
}

extension KDTree {
    /// Runs `body` with raw pointers into the tree's arrays.
    func withView<R>(_ body: (KDTreeView) throws -> R) rethrows -> R {
        try points.withUnsafeBufferPointer { p in
            try index.withUnsafeBufferPointer { ix in
                try start.withUnsafeBufferPointer { s in
                    try end.withUnsafeBufferPointer { e in
                        try left.withUnsafeBufferPointer { l in
                            try right.withUnsafeBufferPointer { r in
                                try lower.withUnsafeBufferPointer { lo in
                                    try upper.withUnsafeBufferPointer { up in
                                        try body(KDTreeView(
                                            count: count, width: width, points: p.baseAddress!, index: ix.baseAddress!,
                                            start: s.baseAddress!, end: e.baseAddress!, left: l.baseAddress!, right: r.baseAddress!,
                                            lower: lo.baseAddress!, upper: up.baseAddress!))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The `k` nearest training rows of each of `queryCount` rows (row-major, `width` wide):
    /// squared distances ascending (`queryCount × k`) and original row indices, in parallel
    /// over the queries.
    func nearest(queries: UnsafeBufferPointer<Double>, queryCount: Int, k: Int) -> (rdist: [Double], rows: [Int32]) {
        precondition(queries.count == queryCount * width && k >= 1 && k <= count)
        var rd = [Double](repeating: 0, count: queryCount * k)
        var rows = [Int32](repeating: 0, count: queryCount * k)
        let workers = queryCount >= 2048 ? max(1, ProcessInfoCores.active) : 1
        withView { view in
            rd.withUnsafeMutableBufferPointer { rdb in
                rows.withUnsafeMutableBufferPointer { rb in
                    let out = SendablePointer(rdb.baseAddress!)
                    let outRows = SendablePointer(rb.baseAddress!)
                    let q = SendablePointer(UnsafeMutablePointer(mutating: queries.baseAddress!))
                    let v = UnsafeSendableView(view: view)
                    let chunk = (queryCount + workers - 1) / workers
                    KDTree.parallel(workers) { w in
                        let nodes = UnsafeMutablePointer<Int32>.allocate(capacity: KDTreeView.stackCapacity)
                        let bounds = UnsafeMutablePointer<Double>.allocate(capacity: KDTreeView.stackCapacity)
                        defer { nodes.deallocate(); bounds.deallocate() }
                        let lo = w * chunk, hi = min(queryCount, lo + chunk)
                        guard lo < hi else { return }
                        for i in lo..<hi {
                            v.view.nearest(
                                to: q.base + i * v.view.width, k: k, rdist: out.base + i * k, positions: outRows.base + i * k,
                                stackNodes: nodes, stackBounds: bounds)
                            for j in 0..<k { outRows[i * k + j] = v.view.index[Int(outRows[i * k + j])] }
                        }
                    }
                }
            }
        }
        return (rd, rows)
    }

    /// Runs `body(0 ..< workers)`, in parallel when more than one.
    static func parallel(_ workers: Int, _ body: @Sendable (Int) -> Void) {
        if workers <= 1 { body(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: body) }
    }
}

/// A `KDTreeView` passed to parallel workers (read-only pointers into arrays kept alive by
/// the caller).
struct UnsafeSendableView: @unchecked Sendable {
    let view: KDTreeView
}
