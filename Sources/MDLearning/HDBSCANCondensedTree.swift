/// The condensed cluster tree of HDBSCAN*, in hdbscan's `condensed_tree_` layout: one row
/// per (parent cluster, child) with the λ = 1 / distance at which the child leaves the parent
/// and the child's size. Children are points (`0..<pointCount`, size 1) or clusters (ids from
/// `pointCount`, the root, upwards, size ≥ min_cluster_size).
///
/// Row order and cluster ids are those of hdbscan's `condense_tree`: the dendrogram is walked
/// breadth first from the root (left before right); a split into two children of at least
/// `minClusterSize` points creates two new clusters (left first), while a smaller side's
/// points leave the parent one row each, in breadth-first order of that side. So a parent
/// always comes before its children and cluster ids increase down the tree.
public struct HDBSCANCondensedTree: Sendable, Equatable {
    /// Number of clustered points; also the id of the root cluster.
    public let pointCount: Int
    public let parent: [Int]
    public let child: [Int]
    public let lambda: [Double]
    public let childSize: [Int]

    /// A tree from stored rows (all four arrays the same length); checked for the layout
    /// the model relies on: parents are clusters (≥ `pointCount`), every point is a child
    /// exactly once, every cluster but the root is a child exactly once and after its parent.
    public init(pointCount: Int, parent: [Int], child: [Int], lambda: [Double], childSize: [Int]) throws(LearningError) {
        let rows = parent.count
        guard child.count == rows, lambda.count == rows, childSize.count == rows else {
            throw .dimensionMismatch(expected: rows, got: min(child.count, lambda.count, childSize.count), context: "HDBSCAN condensed tree columns (parent, child, lambda, child size)")
        }
        guard pointCount >= 1 else { throw .emptyInput("HDBSCAN condensed tree points") }
        var seen = [Bool](repeating: false, count: pointCount)
        var clusterSeen: Set<Int> = [pointCount]
        for r in 0..<rows {
            guard parent[r] >= pointCount, clusterSeen.contains(parent[r]) else {
                throw .invalidParameter(name: "condensed tree row \(r) parent", value: "\(parent[r])", reason: "must be a cluster (≥ \(pointCount)) introduced by an earlier row")
            }
            guard !lambda[r].isNaN, lambda[r] >= 0 else {
                throw .invalidParameter(name: "condensed tree row \(r) lambda", value: "\(lambda[r])", reason: "must be ≥ 0")
            }
            if child[r] < pointCount {
                guard child[r] >= 0, !seen[child[r]], childSize[r] == 1 else {
                    throw .invalidParameter(name: "condensed tree row \(r) child", value: "\(child[r])", reason: "a point must appear once, with size 1")
                }
                seen[child[r]] = true
            } else {
                guard !clusterSeen.contains(child[r]), childSize[r] >= 2 else {
                    throw .invalidParameter(name: "condensed tree row \(r) child", value: "\(child[r])", reason: "a cluster must appear once as a child, with size ≥ 2")
                }
                clusterSeen.insert(child[r])
            }
        }
        if let missing = seen.firstIndex(of: false) {
            throw .invalidParameter(name: "condensed tree", value: "point \(missing)", reason: "every point must leave some cluster")
        }
        guard clusterSeen.max()! - pointCount + 1 == clusterSeen.count else {
            throw .invalidParameter(name: "condensed tree", value: "\(clusterSeen.count) clusters", reason: "cluster ids must be consecutive from the root")
        }
        self.init(unchecked: pointCount, parent: parent, child: child, lambda: lambda, childSize: childSize)
    }

    init(unchecked pointCount: Int, parent: [Int], child: [Int], lambda: [Double], childSize: [Int]) {
        self.pointCount = pointCount
        self.parent = parent
        self.child = child
        self.lambda = lambda
        self.childSize = childSize
    }

    /// Number of clusters (the root included).
    public var clusterCount: Int {
        var top = pointCount
        for c in child where c > top { top = c }
        return top - pointCount + 1
    }

    /// hdbscan's `condense_tree(single_linkage_tree, min_cluster_size)`.
    init(linkage: SingleLinkageTree, minClusterSize m: Int) {
        let n = linkage.pointCount
        var parent: [Int] = [], child: [Int] = [], lambda: [Double] = [], size: [Int] = []
        parent.reserveCapacity(n + 16); child.reserveCapacity(n + 16); lambda.reserveCapacity(n + 16); size.reserveCapacity(n + 16)
        guard n >= 2 else {
            if n == 1 { parent = [1]; child = [0]; lambda = [.infinity]; size = [1] }
            self.init(unchecked: n, parent: parent, child: child, lambda: lambda, childSize: size)
            return
        }
        let root = 2 * n - 2
        var relabel = [Int](repeating: 0, count: 2 * n - 1)
        relabel[root] = n
        var nextLabel = n + 1
        @inline(__always) func count(_ node: Int) -> Int { node >= n ? Int(linkage.size[node - n]) : 1 }
        var queue: [Int] = [root]
        var head = 0
        var sub: [Int] = []
        sub.reserveCapacity(n)
        // The points under `node` in breadth-first order, each leaving `cluster` at `λ`.
        func emitPoints(_ node: Int, cluster: Int, _ l: Double) {
            sub.removeAll(keepingCapacity: true)
            sub.append(node)
            var h = 0
            while h < sub.count {
                let x = sub[h]
                h += 1
                if x < n {
                    parent.append(cluster); child.append(x); lambda.append(l); size.append(1)
                } else {
                    sub.append(Int(linkage.left[x - n]))
                    sub.append(Int(linkage.right[x - n]))
                }
            }
        }
        while head < queue.count {
            let node = queue[head]
            head += 1
            let k = node - n
            let l = Int(linkage.left[k]), r = Int(linkage.right[k])
            let dist = linkage.distance[k]
            let lam = dist > 0 ? 1.0 / dist : Double.infinity
            let lc = count(l), rc = count(r)
            let here = relabel[node]
            if lc >= m && rc >= m {
                relabel[l] = nextLabel; nextLabel += 1
                parent.append(here); child.append(relabel[l]); lambda.append(lam); size.append(lc)
                relabel[r] = nextLabel; nextLabel += 1
                parent.append(here); child.append(relabel[r]); lambda.append(lam); size.append(rc)
                queue.append(l)
                queue.append(r)
            } else if lc < m && rc < m {
                emitPoints(l, cluster: here, lam)
                emitPoints(r, cluster: here, lam)
            } else if lc < m {
                relabel[r] = here
                emitPoints(l, cluster: here, lam)
                queue.append(r)
            } else {
                relabel[l] = here
                emitPoints(r, cluster: here, lam)
                queue.append(l)
            }
        }
        self.init(unchecked: n, parent: parent, child: child, lambda: lambda, childSize: size)
    }

    /// hdbscan's `compute_stability`: for each cluster (index `id − pointCount`),
    /// Σ over its rows of (λ − λ_birth) · child size, summed in row order; λ_birth is the λ of
    /// the row where the cluster is a child (0 for the root).
    func stabilities() -> [Double] {
        let k = clusterCount
        var birth = [Double](repeating: 0, count: k)
        for r in child.indices where child[r] >= pointCount { birth[child[r] - pointCount] = lambda[r] }
        var result = [Double](repeating: 0, count: k)
        for r in parent.indices {
            let c = parent[r] - pointCount
            result[c] += (lambda[r] - birth[c]) * Double(childSize[r])
        }
        return result
    }

    /// The largest λ among each cluster's own rows (hdbscan's `max_lambdas`; 0 for none).
    func maxLambdas() -> [Double] {
        var result = [Double](repeating: 0, count: clusterCount)
        for r in parent.indices {
            let c = parent[r] - pointCount
            if lambda[r] > result[c] { result[c] = lambda[r] }
        }
        return result
    }

    /// Parent cluster (index, −1 for the root) and birth λ of each cluster (by index).
    func clusterParents() -> (parent: [Int], birth: [Double]) {
        let k = clusterCount
        var up = [Int](repeating: -1, count: k)
        var birth = [Double](repeating: 0, count: k)
        for r in child.indices where child[r] >= pointCount {
            up[child[r] - pointCount] = parent[r] - pointCount
            birth[child[r] - pointCount] = lambda[r]
        }
        return (up, birth)
    }

    /// Each point's row: the cluster (index) it leaves and at which λ.
    func pointRows() -> (cluster: [Int], lambda: [Double]) {
        var cluster = [Int](repeating: 0, count: pointCount)
        var lam = [Double](repeating: 0, count: pointCount)
        for r in child.indices where child[r] < pointCount {
            cluster[child[r]] = parent[r] - pointCount
            lam[child[r]] = lambda[r]
        }
        return (cluster, lam)
    }
}
