/// The single-linkage dendrogram of a spanning tree, in SciPy's linkage layout as
/// hdbscan's `label()` builds it: row `k` merges the clusters `left[k]` and `right[k]`
/// (points are `0..<n`, the cluster created by row `k` is `n + k`) at `distance[k]`, giving
/// a cluster of `size[k]` points. The edges are taken in the order given (sorted by
/// distance); `left` is the current cluster of the edge's first end.
struct SingleLinkageTree {
    let pointCount: Int
    var left: [Int32]
    var right: [Int32]
    var distance: [Double]
    var size: [Int32]

    init(edges: [MutualReachabilitySpanningTree.Edge], pointCount n: Int) {
        precondition(edges.count == max(0, n - 1))
        pointCount = n
        let m = edges.count
        left = [Int32](repeating: 0, count: m)
        right = [Int32](repeating: 0, count: m)
        distance = [Double](repeating: 0, count: m)
        size = [Int32](repeating: 0, count: m)
        // Union-find whose roots are the current dendrogram clusters (path compression).
        var parent = [Int32](repeating: -1, count: 2 * n - 1)
        var clusterSize = [Int32](repeating: 1, count: 2 * n - 1)
        func find(_ x: Int) -> Int {
            var root = x
            while parent[root] != -1 { root = Int(parent[root]) }
            var p = x
            while p != root {
                let next = Int(parent[p])
                parent[p] = Int32(root)
                p = next
            }
            return root
        }
        for (k, e) in edges.enumerated() {
            let a = find(Int(e.a)), b = find(Int(e.b))
            let merged = n + k
            left[k] = Int32(a)
            right[k] = Int32(b)
            distance[k] = e.distance
            clusterSize[merged] = clusterSize[a] + clusterSize[b]
            size[k] = clusterSize[merged]
            parent[a] = Int32(merged)
            parent[b] = Int32(merged)
        }
    }
}
