/// The minimum spanning tree of the mutual-reachability graph, without the n² graph:
/// Borůvka's algorithm with one k-d tree search per point and round.
///
/// Mutual reachability (HDBSCAN*): `mr(p, q) = max(d(p, q), core(p), core(q))`. Every
/// quantity is compared squared (the package's "rdist"): `max(d², core(p)², core(q)²)` with
/// `core²` computed as `core · core` from the reported core distance, and the edge weight is
/// the square root of that maximum — the same doubles as `hdbscan`'s Borůvka.
///
/// Each round, every component takes its lightest edge to another component; edges are
/// ordered totally by (weight, smaller end, larger end) in tree positions, so ties are broken
/// the same way in every round and by every worker and the result is an exact minimum
/// spanning tree (hdbscan's default `approx_min_span_tree=True` may keep slightly heavier
/// edges; on the study's data the clusterings agree).
///
/// A point's search prunes k-d nodes that lie wholly inside its component, nodes whose box
/// distance or smallest core distance already exceeds the best known edge of its component,
/// and skips points whose own core distance exceeds it. A point's nearest outside neighbour
/// stays valid until that neighbour joins its component (components only grow), so it is
/// cached across rounds. Points are processed component by component in parallel slices.
enum MutualReachabilitySpanningTree {
    /// One spanning-tree edge between original rows `a` (the point whose search found it)
    /// and `b`, with its mutual-reachability distance.
    struct Edge: Sendable, Equatable {
        var a: Int32
        var b: Int32
        var distance: Double
    }

    /// The n − 1 edges, sorted by distance (ties by tree position of the ends).
    /// `coreRdist[pos]` is core² of tree position `pos`.
    static func build(tree: KDTree, coreRdist: [Double], workers requested: Int = ProcessInfoCores.active) -> [Edge] {
        let n = tree.count
        guard n > 1 else { return [] }
        let nodes = tree.nodeCount
        // Smallest core² under each node (children are stored after their parent).
        var nodeMinCore = [Double](repeating: .infinity, count: nodes)
        for node in stride(from: nodes - 1, through: 0, by: -1) {
            let l = Int(tree.left[node])
            if l < 0 {
                var m = Double.infinity
                for pos in Int(tree.start[node])..<Int(tree.end[node]) { m = min(m, coreRdist[pos]) }
                nodeMinCore[node] = m
            } else {
                nodeMinCore[node] = min(nodeMinCore[l], nodeMinCore[Int(tree.right[node])])
            }
        }
        // Union-find over tree positions (path halving, union by size).
        var parent = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(i) }
            c = n
        }
        var setSize = [Int32](repeating: 1, count: n)
        func find(_ x: Int) -> Int {
            var x = x
            while Int(parent[x]) != x {
                let g = parent[Int(parent[x])]
                parent[x] = g
                x = Int(g)
            }
            return x
        }
        let workers = n >= 4096 ? max(1, requested) : 1
        // Scratch, allocated once: components of points and nodes, the per-point cached
        // edge (−1: unknown), the points grouped by component, each worker's best known edge
        // weight per component (indexed by root), each component's lightest edge.
        let component = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let nodeComponent = UnsafeMutablePointer<Int32>.allocate(capacity: nodes)
        let minCore = UnsafeMutablePointer<Double>.allocate(capacity: nodes)
        let core = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let cacheQ = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let cacheW = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let order = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let bucket = UnsafeMutablePointer<Int32>.allocate(capacity: n + 1)
        let bound = UnsafeMutablePointer<Double>.allocate(capacity: workers * n)
        let bestW = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let bestA = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let bestB = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        defer {
            component.deallocate(); nodeComponent.deallocate(); minCore.deallocate(); core.deallocate()
            cacheQ.deallocate(); cacheW.deallocate(); order.deallocate(); bucket.deallocate(); bound.deallocate()
            bestW.deallocate(); bestA.deallocate(); bestB.deallocate()
        }
        for node in 0..<nodes { minCore[node] = nodeMinCore[node] }
        for pos in 0..<n { core[pos] = coreRdist[pos]; cacheQ[pos] = -1; cacheW[pos] = .infinity }
        var edges: [Edge] = []
        edges.reserveCapacity(n - 1)
        var components = n

        tree.withView { view in
            while components > 1 {
                // Components of points and of nodes.
                for pos in 0..<n { component[pos] = Int32(find(pos)) }
                for node in stride(from: nodes - 1, through: 0, by: -1) {
                    let l = Int(view.left[node])
                    if l < 0 {
                        let s = Int(view.start[node]), e = Int(view.end[node])
                        let c = component[s]
                        var same = true
                        for pos in (s + 1)..<e where component[pos] != c { same = false; break }
                        nodeComponent[node] = same ? c : -1
                    } else {
                        let a = nodeComponent[l], b = nodeComponent[Int(view.right[node])]
                        nodeComponent[node] = a == b ? a : -1
                    }
                }
                // Cached edges still leaving their component bound each component's search.
                for c in 0..<n { bound[c] = .infinity }
                for pos in 0..<n {
                    let q = cacheQ[pos]
                    if q >= 0 && component[Int(q)] != component[pos] {
                        let c = Int(component[pos])
                        bound[c] = min(bound[c], cacheW[pos])
                    } else {
                        cacheQ[pos] = -1
                    }
                }
                for w in 1..<max(workers, 1) { (bound + w * n).update(from: bound, count: n) }
                // Points grouped by component (counting sort on the root), then sliced.
                for c in 0...n { bucket[c] = 0 }
                for pos in 0..<n { bucket[Int(component[pos]) + 1] += 1 }
                for c in 0..<n { bucket[c + 1] += bucket[c] }
                for pos in 0..<n {
                    let c = Int(component[pos])
                    order[Int(bucket[c])] = Int32(pos)
                    bucket[c] += 1
                }
                let chunk = (n + workers - 1) / workers
                let v = UnsafeSendableView(view: view)
                let comp = SendablePointer(component), nodeComp = SendablePointer(nodeComponent)
                let mc = SendablePointer(minCore), cr = SendablePointer(core)
                let cq = SendablePointer(cacheQ), cw = SendablePointer(cacheW)
                let ord = SendablePointer(order), bnd = SendablePointer(bound)
                KDTree.parallel(workers) { w in
                    let stackNodes = UnsafeMutablePointer<Int32>.allocate(capacity: KDTreeView.stackCapacity)
                    let stackBounds = UnsafeMutablePointer<Double>.allocate(capacity: KDTreeView.stackCapacity)
                    defer { stackNodes.deallocate(); stackBounds.deallocate() }
                    let lo = w * chunk, hi = min(n, lo + chunk)
                    guard lo < hi else { return }
                    let myBound = bnd.base + w * n
                    for i in lo..<hi {
                        let p = Int(ord[i])
                        if cq[p] >= 0 { continue }
                        let c = comp[p]
                        let limit = myBound[Int(c)]
                        if cr[p] > limit { continue }
                        let (q, wq) = nearestOutside(
                            p: p, component: c, limit: limit, view: v.view, componentOf: comp.base, nodeComponent: nodeComp.base,
                            nodeMinCore: mc.base, coreRdist: cr.base, stackNodes: stackNodes, stackBounds: stackBounds)
                        if q >= 0 {
                            cq[p] = Int32(q)
                            cw[p] = wq
                            if wq < myBound[Int(c)] { myBound[Int(c)] = wq }
                        }
                    }
                }
                // Lightest edge of each component, by (weight, smaller end, larger end).
                for c in 0..<n { bestW[c] = .infinity; bestA[c] = -1; bestB[c] = -1 }
                for pos in 0..<n {
                    let q = cacheQ[pos]
                    guard q >= 0 else { continue }
                    let c = Int(component[pos])
                    let w = cacheW[pos]
                    if w < bestW[c] || (w == bestW[c] && lessPair(pos, Int(q), Int(bestA[c]), Int(bestB[c]))) {
                        bestW[c] = w; bestA[c] = Int32(pos); bestB[c] = q
                    }
                }
                var added = 0
                for c in 0..<n where bestA[c] >= 0 {
                    let ra = find(Int(bestA[c])), rb = find(Int(bestB[c]))
                    if ra == rb { continue }
                    edges.append(Edge(a: bestA[c], b: bestB[c], distance: bestW[c]))
                    if setSize[ra] < setSize[rb] {
                        parent[ra] = Int32(rb); setSize[rb] += setSize[ra]
                    } else {
                        parent[rb] = Int32(ra); setSize[ra] += setSize[rb]
                    }
                    added += 1
                }
                precondition(added > 0, "MutualReachabilitySpanningTree: a round joined no components")
                components -= added
            }
        }
        // Sort by (squared weight, smaller end, larger end), then report in original rows.
        edges.sort { x, y in
            if x.distance != y.distance { return x.distance < y.distance }
            return lessPair(Int(x.a), Int(x.b), Int(y.a), Int(y.b))
        }
        return edges.map { e in
            Edge(a: tree.index[Int(e.a)], b: tree.index[Int(e.b)], distance: e.distance.squareRoot())
        }
    }

    /// Whether edge (a, b) comes before (c, d) by (smaller end, larger end); (−1, −1) last.
    @inline(__always)
    static func lessPair(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        if c < 0 { return true }
        let x0 = min(a, b), x1 = max(a, b), y0 = min(c, d), y1 = max(c, d)
        return x0 < y0 || (x0 == y0 && x1 < y1)
    }

    /// The lightest mutual-reachability edge (squared weight, then smallest position) from
    /// tree position `p` to a point outside `component` with squared weight ≤ `limit`, or
    /// (−1, ∞) when there is none.
    static func nearestOutside(
        p: Int, component c: Int32, limit: Double, view: KDTreeView, componentOf: UnsafeMutablePointer<Int32>,
        nodeComponent: UnsafeMutablePointer<Int32>, nodeMinCore: UnsafeMutablePointer<Double>, coreRdist: UnsafeMutablePointer<Double>,
        stackNodes: UnsafeMutablePointer<Int32>, stackBounds: UnsafeMutablePointer<Double>
    ) -> (Int, Double) {
        let d = view.width
        let x = view.points + p * d
        let coreP = coreRdist[p]
        var bestW = limit
        var bestQ = Int.max
        var top = 1
        stackNodes[0] = 0
        stackBounds[0] = max(coreP, nodeMinCore[0])
        while top > 0 {
            top -= 1
            let node = Int(stackNodes[top])
            let lb = stackBounds[top]
            if lb > bestW || (lb == bestW && Int(view.start[node]) > bestQ) { continue }
            if nodeComponent[node] == c { continue }
            let l = Int(view.left[node])
            if l < 0 {
                for q in Int(view.start[node])..<Int(view.end[node]) {
                    let cq = coreRdist[q]
                    if cq > bestW { continue }
                    if componentOf[q] == c { continue }
                    let r = RowMatrix.squaredDistance(x, view.points + q * d, d)
                    let w = max(r, coreP, cq)
                    if w < bestW || (w == bestW && q < bestQ) {
                        bestW = w
                        bestQ = q
                    }
                }
                continue
            }
            let r = Int(view.right[node])
            let bl = max(KDTree.boxRdist(x, view.lower, view.upper, node: l, d), coreP, nodeMinCore[l])
            let br = max(KDTree.boxRdist(x, view.lower, view.upper, node: r, d), coreP, nodeMinCore[r])
            precondition(top + 2 <= KDTreeView.stackCapacity, "MutualReachabilitySpanningTree: traversal stack overflow")
            // Pop the lighter bound first; on a tie the left (smaller positions) first.
            if bl <= br {
                stackNodes[top] = Int32(r); stackBounds[top] = br
                stackNodes[top + 1] = Int32(l); stackBounds[top + 1] = bl
            } else {
                stackNodes[top] = Int32(l); stackBounds[top] = bl
                stackNodes[top + 1] = Int32(r); stackBounds[top + 1] = br
            }
            top += 2
        }
        return bestQ == Int.max ? (-1, .infinity) : (bestQ, bestW)
    }
}
