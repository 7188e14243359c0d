/// A k-d tree over row-major float64 rows for Euclidean nearest-neighbour searches (the
/// HDBSCAN* core distances, the mutual-reachability spanning tree, and prediction).
///
/// Built as scikit-learn's `KDTree` is: a node splits at the median position of its points
/// along the dimension of largest spread, down to at most `leafSize` points per leaf. The
/// rows are stored permuted into tree order (`points`), so that a node holds the contiguous
/// positions `start[node] ..< end[node]` and a leaf scan walks memory linearly; `index[pos]`
/// is the original row of tree position `pos`.
///
/// Distances are compared squared ("rdist"), accumulated feature by feature in row order
/// as scikit-learn's euclidean `rdist`, and the square root is taken only when a distance is
/// reported, so the reported values are the same doubles scikit-learn computes.
struct KDTree: Sendable {
    let count: Int
    let width: Int
    /// The rows in tree order, `count × width`.
    let points: [Double]
    /// Original row of each tree position.
    let index: [Int32]
    /// First and one-past-last tree position of each node.
    let start: [Int32]
    let end: [Int32]
    /// Children of each node (−1 for a leaf); a parent is always stored before its children.
    let left: [Int32]
    let right: [Int32]
    /// Bounding box of each node, `nodes × width` each.
    let lower: [Double]
    let upper: [Double]

    var nodeCount: Int { start.count }

    /// Builds the tree over `count` rows of `width` numbers (`rows.count == count * width`).
    init(rows: UnsafeBufferPointer<Double>, count n: Int, width d: Int, leafSize: Int = 16) {
        precondition(n > 0 && d > 0 && rows.count == n * d && leafSize >= 1)
        count = n
        width = d
        var order = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i) }
            c = n
        }
        var start: [Int32] = [], end: [Int32] = [], left: [Int32] = [], right: [Int32] = []
        var lower: [Double] = [], upper: [Double] = []
        let expected = max(1, 2 * (n / max(1, leafSize / 2)) + 1)
        start.reserveCapacity(expected); end.reserveCapacity(expected)
        left.reserveCapacity(expected); right.reserveCapacity(expected)
        lower.reserveCapacity(expected * d); upper.reserveCapacity(expected * d)
        var keys = [Double](repeating: 0, count: n)
        // Pending nodes: (node, start, end); children are appended as they are created.
        var stack: [(Int, Int, Int)] = []
        order.withUnsafeMutableBufferPointer { ord in
            keys.withUnsafeMutableBufferPointer { key in
                func newNode(_ s: Int, _ e: Int) -> Int {
                    let node = start.count
                    start.append(Int32(s)); end.append(Int32(e)); left.append(-1); right.append(-1)
                    for f in 0..<d {
                        var lo = Double.infinity, hi = -Double.infinity
                        for i in s..<e {
                            let v = rows[Int(ord[i]) * d + f]
                            lo = min(lo, v); hi = max(hi, v)
                        }
                        lower.append(lo); upper.append(hi)
                    }
                    return node
                }
                stack.append((newNode(0, n), 0, n))
                while let (node, s, e) = stack.popLast() {
                    guard e - s > leafSize else { continue }
                    var axis = 0
                    var spread = -1.0
                    for f in 0..<d {
                        let w = upper[node * d + f] - lower[node * d + f]
                        if w > spread { spread = w; axis = f }
                    }
                    let mid = s + (e - s) / 2
                    for i in s..<e { key[i] = rows[Int(ord[i]) * d + axis] }
                    KDTree.select(keys: key.baseAddress!, order: ord.baseAddress!, from: s, to: e, nth: mid)
                    let l = newNode(s, mid)
                    let r = newNode(mid, e)
                    left[node] = Int32(l); right[node] = Int32(r)
                    stack.append((r, mid, e))
                    stack.append((l, s, mid))
                }
            }
        }
        var points = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            let o = Int(order[i])
            for f in 0..<d { points[i * d + f] = rows[o * d + f] }
        }
        self.points = points
        self.index = order
        self.start = start; self.end = end; self.left = left; self.right = right
        self.lower = lower; self.upper = upper
    }

    /// Rearranges `order[from..<to]` (with `keys` alongside) so that position `nth` holds
    /// the element of that rank, smaller-or-equal keys before it and larger-or-equal after
    /// (ties by original row, so the tree does not depend on the partition's path).
    static func select(keys: UnsafeMutablePointer<Double>, order: UnsafeMutablePointer<Int32>, from: Int, to: Int, nth: Int) {
        @inline(__always) func less(_ i: Int, _ j: Int) -> Bool {
            keys[i] < keys[j] || (keys[i] == keys[j] && order[i] < order[j])
        }
        @inline(__always) func swapAt(_ i: Int, _ j: Int) {
            let k = keys[i]; keys[i] = keys[j]; keys[j] = k
            let o = order[i]; order[i] = order[j]; order[j] = o
        }
        var lo = from, hi = to - 1
        while hi > lo {
            // Median of three as pivot, moved to `hi`.
            let m = lo + (hi - lo) / 2
            if less(m, lo) { swapAt(m, lo) }
            if less(hi, lo) { swapAt(hi, lo) }
            if less(m, hi) { swapAt(m, hi) }
            var store = lo
            for i in lo..<hi where less(i, hi) {
                swapAt(i, store)
                store += 1
            }
            swapAt(store, hi)
            if store == nth { return }
            if store < nth { lo = store + 1 } else { hi = store - 1 }
        }
    }


    /// Squared distance from a row to the bounding box of `node` (0 inside).
    @inline(__always)
    static func boxRdist(_ x: UnsafePointer<Double>, _ lower: UnsafePointer<Double>, _ upper: UnsafePointer<Double>, node: Int, _ d: Int) -> Double {
        var s = 0.0
        let o = node * d
        for f in 0..<d {
            let v = x[f]
            let below = lower[o + f] - v
            let above = v - upper[o + f]
            let t = max(below, above, 0)
            s += t * t
        }
        return s
    }
}
