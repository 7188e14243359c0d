/// The nearest training row in mutual reachability of a new row, hdbscan's
/// `_find_neighbor_and_lambda`, with one k-d tree search that stops at the row's core
/// neighbourhood instead of sorting all k = 2·minSamples neighbours.
///
/// **What hdbscan computes.** Among the k = min(2·minSamples, count) nearest training rows
/// q₀ … q₍ₖ₋₁₎ of x, ascending by (distance, tree position), with the row's core distance
/// c = d(x, q_s), s = min(minSamples, k − 1), the first q_j with the smallest
/// max(core(q_j), c, d(x, q_j)) (`HDBSCANModel.neighbourAndLambda`).
///
/// **Why the s + 1 nearest suffice.** Every q_j with j ≤ s has d(x, q_j) ≤ c, so its value is
/// max(core(q_j), c) ≥ c; every later q_j has d(x, q_j) ≥ c, so its value is ≥ c as well, and it
/// comes later in the order. So when some q_j with j ≤ s has core(q_j) ≤ c, the smallest value is
/// c itself and the first such q_j (smallest (distance, position)) is hdbscan's neighbour:
/// only the *set* of the s + 1 nearest rows and the value c are needed, no order. On the demo
/// rows this holds for every held-back row but one in 9,000; otherwise (no row of the core
/// neighbourhood as dense as x sees it) `neighbour(of:scratch:)` returns nil and the caller runs
/// the full sorted search. The results are the same doubles and rows as hdbscan's
/// definition on the sorted list, ties included (a tie at distance c is decided by position).
///
/// **The search.** Depth first, nearer child first, over the model's `KDTree` (the same tree,
/// so the same positions break ties); nodes of at most `scanSize` rows are scanned whole, four
/// rows at a time (`blocks`: the tree's rows feature-major in blocks of four, so the four
/// squared distances are summed feature by feature exactly as `RowMatrix.squaredDistance`
/// sums one). Rows within the current bound go unsorted into a candidate buffer; when it holds
/// 2(s + 1) rows the bound shrinks to the (s + 1)-th smallest distance (a 64-bucket histogram
/// selection) and farther candidates are dropped. A node is skipped when its box is farther than
/// the bound: the box distance is a lower bound of every row's distance in the same floating
/// point (same subtractions, squares and sums in feature order, each monotone), so no row within
/// the bound is ever skipped.
struct MutualReachabilityNeighbourSearch: Sendable {
    let tree: KDTree
    /// hdbscan's neighbour count k = min(2·minSamples, count) and s = min(minSamples, k − 1),
    /// the rank (from 0) of the neighbour whose distance is a new row's core distance.
    let neighbourCount: Int
    let coreRank: Int
    /// The tree's rows in blocks of four tree positions, feature-major inside a block:
    /// position p, feature f at `(p / 4)·4·width + 4·f + p % 4` (the last block zero padded).
    let blocks: [Double]
    /// The core distance of the row at each tree position.
    let coreByPosition: [Double]
    /// Nodes of at most this many rows are scanned whole instead of split further.
    let scanSize: Int
    /// The most rows one scan can add (the largest node scanned whole).
    let largestScan: Int

    /// Default `scanSize`: on the 71,100-row demo model, 64 needs 9 µs per row against 13 µs
    /// for the tree's own leaves (≤ 16 rows), fewer box tests for a few more distances.
    static let defaultScanSize = 64
    /// Buckets of the selection histogram.
    static let buckets = 64

    init(tree: KDTree, coreDistances: [Double], minSamples: Int, scanSize: Int = defaultScanSize) {
        let n = tree.count, d = tree.width
        self.tree = tree
        neighbourCount = min(2 * minSamples, n)
        coreRank = min(minSamples, neighbourCount - 1)
        self.scanSize = scanSize
        var blocks = [Double](repeating: 0, count: (n + 3) / 4 * 4 * d)
        var core = [Double](repeating: 0, count: n)
        for pos in 0..<n {
            for f in 0..<d { blocks[(pos >> 2) * 4 * d + 4 * f + (pos & 3)] = tree.points[pos * d + f] }
            core[pos] = coreDistances[Int(tree.index[pos])]
        }
        self.blocks = blocks
        coreByPosition = core
        var largest = 1
        for node in 0..<tree.nodeCount {
            let size = Int(tree.end[node] - tree.start[node])
            if tree.left[node] < 0 || size <= scanSize { largest = max(largest, size) }
        }
        largestScan = largest
    }

    /// Candidates at which the bound shrinks: twice the core neighbourhood.
    var shrinkAt: Int { 2 * (coreRank + 1) }

    /// Per-worker buffers: allocated once per call, reused for every row.
    final class Scratch {
        let capacity: Int
        let rdist: UnsafeMutablePointer<Double>
        let positions: UnsafeMutablePointer<Int32>
        let spare: UnsafeMutablePointer<Double>
        let histogram: UnsafeMutablePointer<Int32>
        let stackNodes: UnsafeMutablePointer<Int32>
        let stackBounds: UnsafeMutablePointer<Double>
        let query: UnsafeMutablePointer<SIMD4<Double>>
        /// The full sorted search of the rare rows that need it (k distances, positions, rows).
        let sortedRdist: UnsafeMutablePointer<Double>
        let sortedPositions: UnsafeMutablePointer<Int32>

        init(_ search: MutualReachabilityNeighbourSearch) {
            capacity = search.shrinkAt + search.largestScan + 4
            rdist = .allocate(capacity: capacity)
            positions = .allocate(capacity: capacity)
            spare = .allocate(capacity: capacity)
            histogram = .allocate(capacity: MutualReachabilityNeighbourSearch.buckets)
            stackNodes = .allocate(capacity: KDTreeView.stackCapacity)
            stackBounds = .allocate(capacity: KDTreeView.stackCapacity)
            query = .allocate(capacity: search.tree.width)
            sortedRdist = .allocate(capacity: search.neighbourCount)
            sortedPositions = .allocate(capacity: search.neighbourCount)
        }

        deinit {
            rdist.deallocate(); positions.deallocate(); spare.deallocate(); histogram.deallocate()
            stackNodes.deallocate(); stackBounds.deallocate(); query.deallocate()
            sortedRdist.deallocate(); sortedPositions.deallocate()
        }
    }

    /// hdbscan's neighbour of row `x` (original row index), its λ (1 / the mutual-reachability
    /// distance, `greatestFiniteMagnitude` for 0) and whether x lies on a training row
    /// (nearest distance 0); nil when the core neighbourhood does not decide (see the type).
    func neighbour(of x: UnsafePointer<Double>, scratch: Scratch) -> (row: Int, lambda: Double, onTrainingRow: Bool)? {
        let d = tree.width
        let s = coreRank
        let cr = scratch.rdist, cp = scratch.positions
        for f in 0..<d { scratch.query[f] = SIMD4(repeating: x[f]) }
        return tree.withView { v -> (row: Int, lambda: Double, onTrainingRow: Bool)? in
            blocks.withUnsafeBytes { raw -> (row: Int, lambda: Double, onTrainingRow: Bool)? in
                coreByPosition.withUnsafeBufferPointer { core -> (row: Int, lambda: Double, onTrainingRow: Bool)? in
                    var bound = Double.infinity
                    var largest = 0.0          // largest candidate distance (the histogram's range)
                    var m = 0
                    let lanes = SIMD4<Int64>(0, 1, 2, 3)
                    var top = 1
                    scratch.stackNodes[0] = 0
                    scratch.stackBounds[0] = 0
                    while top > 0 {
                        top -= 1
                        if scratch.stackBounds[top] > bound { continue }
                        let node = Int(scratch.stackNodes[top])
                        let l = Int(v.left[node])
                        let start = Int(v.start[node]), end = Int(v.end[node])
                        if l < 0 || end - start <= scanSize {
                            let bv = SIMD4<Double>(repeating: bound)
                            var block = start >> 2
                            while block << 2 < end {
                                let offset = block * 32 * d
                                var r = SIMD4<Double>(repeating: 0)
                                for f in 0..<d {
                                    let t = scratch.query[f] - raw.loadUnaligned(fromByteOffset: offset + 32 * f, as: SIMD4<Double>.self)
                                    r += t * t
                                }
                                var inside = r .<= bv
                                let first = block << 2
                                if first < start || first + 4 > end {
                                    let pos = SIMD4<Int64>(repeating: Int64(first)) &+ lanes
                                    inside = inside .& (pos .>= SIMD4(repeating: Int64(start))) .& (pos .< SIMD4(repeating: Int64(end)))
                                }
                                if any(inside) {
                                    for lane in 0..<4 where inside[lane] {
                                        cr[m] = r[lane]
                                        cp[m] = Int32(truncatingIfNeeded: first + lane)
                                        m += 1
                                        if r[lane] > largest { largest = r[lane] }
                                    }
                                }
                                block += 1
                            }
                            if m >= shrinkAt {
                                let kth = Self.smallest(rank: s, of: cr, count: m, upper: largest, scratch: scratch)
                                var kept = 0
                                for i in 0..<m {
                                    let r = cr[i], p = cp[i]
                                    cr[kept] = r
                                    cp[kept] = p
                                    kept += r <= kth ? 1 : 0
                                }
                                m = kept
                                bound = kth
                                largest = kth
                                // Ties at the bound that do not let the buffer shrink: leave it
                                // to the full search.
                                if m >= shrinkAt { return nil }
                            }
                            continue
                        }
                        let r = Int(v.right[node])
                        let bl = KDTree.boxRdist(x, v.lower, v.upper, node: l, d)
                        let br = KDTree.boxRdist(x, v.lower, v.upper, node: r, d)
                        precondition(top + 2 <= KDTreeView.stackCapacity, "KDTree: traversal stack overflow")
                        // The nearer child is popped first.
                        if bl <= br {
                            if br <= bound { scratch.stackNodes[top] = Int32(r); scratch.stackBounds[top] = br; top += 1 }
                            if bl <= bound { scratch.stackNodes[top] = Int32(l); scratch.stackBounds[top] = bl; top += 1 }
                        } else {
                            if bl <= bound { scratch.stackNodes[top] = Int32(l); scratch.stackBounds[top] = bl; top += 1 }
                            if br <= bound { scratch.stackNodes[top] = Int32(r); scratch.stackBounds[top] = br; top += 1 }
                        }
                    }
                    // The candidates hold every row within the (s + 1)-th smallest distance.
                    let rs = Self.smallest(rank: s, of: cr, count: m, upper: largest, scratch: scratch)
                    let c = rs.squareRoot()
                    var nearest = Double.infinity
                    var wr = Double.infinity, wp = Int32.max
                    for i in 0..<m {
                        let r = cr[i], p = cp[i]
                        if r < nearest { nearest = r }
                        if r <= rs && core[Int(p)] <= c && (r < wr || (r == wr && p < wp)) { wr = r; wp = p }
                    }
                    guard wp != Int32.max else { return nil }
                    if wr == rs {
                        // At distance c itself: within the s + 1 nearest only if its position
                        // ranks it there among the rows at that distance.
                        var rank = 0
                        for i in 0..<m where cr[i] < rs || (cr[i] == rs && cp[i] < wp) { rank += 1 }
                        guard rank <= s else { return nil }
                    }
                    return (Int(v.index[Int(wp)]), c > 0 ? 1.0 / c : Double.greatestFiniteMagnitude, nearest == 0)
                }
            }
        }
    }

    /// The value of rank `rank` (from 0) among `values[0..<count]` (all in [0, upper]), without
    /// moving them: a histogram of `buckets` equal slices of [0, upper] finds the slice, whose
    /// few values are then selected exactly (the slice index ⌊v·buckets/upper⌋ never decreases
    /// with v, so every value of a lower slice is smaller).
    static func smallest(rank: Int, of values: UnsafePointer<Double>, count m: Int, upper: Double, scratch: Scratch) -> Double {
        precondition(rank < m)
        let spare = scratch.spare, histogram = scratch.histogram
        let scale = Double(buckets) / upper
        var n = 0, want = rank
        if scale.isFinite && scale > 0 {
            @inline(__always) func bucket(_ value: Double) -> Int {
                let y = value * scale
                return y < Double(buckets) ? Int(y) : buckets - 1
            }
            for b in 0..<buckets { histogram[b] = 0 }
            for i in 0..<m { histogram[bucket(values[i])] += 1 }
            var below = 0, chosen = 0
            while below + Int(histogram[chosen]) <= rank { below += Int(histogram[chosen]); chosen += 1 }
            for i in 0..<m {
                let value = values[i]
                spare[n] = value
                n += bucket(value) == chosen ? 1 : 0
            }
            want = rank - below
        } else {
            for i in 0..<m { spare[i] = values[i] }
            n = m
        }
        if n <= 32 {
            for i in 1..<max(n, 1) {
                let value = spare[i]
                var j = i
                while j > 0 && spare[j - 1] > value { spare[j] = spare[j - 1]; j -= 1 }
                spare[j] = value
            }
            return spare[want]
        }
        var lo = 0, hi = n
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if spare[mid] < spare[lo] { spare.swapAt(mid, lo) }
            if spare[hi - 1] < spare[lo] { spare.swapAt(hi - 1, lo) }
            if spare[mid] < spare[hi - 1] { spare.swapAt(mid, hi - 1) }
            let pivot = spare[hi - 1]
            var store = lo
            for i in lo..<(hi - 1) {
                let value = spare[i]
                spare[i] = spare[store]
                spare[store] = value
                store += value < pivot ? 1 : 0
            }
            spare[hi - 1] = spare[store]
            spare[store] = pivot
            if want == store { break }
            if want < store { hi = store } else { lo = store + 1 }
        }
        return spare[want]
    }

    /// The tree position where a descent towards `x` (into the nearer child box) reaches a
    /// node scanned whole: rows sorted by it are searched in a cache-friendly order.
    func descentKey(_ x: UnsafePointer<Double>) -> Int32 {
        tree.withView { v in
            var node = 0
            while v.left[node] >= 0 && Int(v.end[node] - v.start[node]) > scanSize {
                let l = Int(v.left[node]), r = Int(v.right[node])
                node = KDTree.boxRdist(x, v.lower, v.upper, node: l, v.width) <= KDTree.boxRdist(x, v.lower, v.upper, node: r, v.width) ? l : r
            }
            return v.start[node]
        }
    }
}

extension UnsafeMutablePointer where Pointee == Double {
    @inline(__always)
    fileprivate func swapAt(_ i: Int, _ j: Int) {
        let t = self[i]
        self[i] = self[j]
        self[j] = t
    }
}
