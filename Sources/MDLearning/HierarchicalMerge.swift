/// Micro → macro merging of clusters from their transition probabilities (conventions §8):
///
/// 1. `d = scipy.spatial.distance.pdist(100·P, 'correlation')`: 1 − Pearson r between the rows
///    of the row-normalised micro matrix P (``correlationDistances(rows:count:width:)``);
///    NaN distances (a row with zero variance, e.g. an all-zero row) are set to **2**, so such
///    a row is never merged (a reference choice; SciPy's `linkage` rejects NaN).
/// 2. `Z = scipy.cluster.hierarchy.linkage(d, method='average')` (``averageLinkage(condensed:count:)``),
///    reproduced operation for operation: the nearest-neighbour-chain algorithm of SciPy's
///    `_hierarchy.nn_chain`, the stable sort of the merges by distance, and the union-find
///    relabelling, so rows, their order and the cluster numbering (leaves 0..<m, merge i → m + i)
///    are SciPy's, ties included.
/// 3. `fcluster(Z, t=1.0, criterion='distance')` (``flatClusters(linkage:count:cutoff:)``, SciPy's
///    `cluster_dist`: a subtree is one flat cluster when its largest merge distance is ≤ t).
/// 4. Macro ids renumbered in order of their smallest micro id (``microToMacro``).
public struct HierarchicalMerge: Sendable, Equatable {
    /// Number of micro clusters m.
    public let microCount: Int
    /// The condensed correlation distances (m(m−1)/2, SciPy order: (0,1), (0,2), …, (m−2,m−1)),
    /// NaN already replaced by 2.
    public let distances: [Double]
    /// How many distances were NaN (zero-variance rows) and were set to 2.
    public let undefinedDistanceCount: Int
    /// SciPy's linkage matrix, (m − 1) × 4 row-major: [cluster a, cluster b, distance, size].
    public let linkage: [Double]
    /// The cut distance t.
    public let cutoff: Double
    /// SciPy's `fcluster` labels, 1-based, SciPy's numbering (m values).
    public let flatClusters: [Int]
    /// Macro id of every micro cluster (m values), macro ids 0..<macroCount in order of their
    /// smallest micro id.
    public let microToMacro: [Int]
    /// Number of macro clusters.
    public var macroCount: Int { (microToMacro.max() ?? -1) + 1 }

    /// Merges the micro clusters of a row-normalised transition matrix `probabilities`
    /// (m × m row-major, as ``TransitionMatrix/probabilities``). Throws `.emptyInput` for m = 0,
    /// `.dimensionMismatch` if the array is not square, `.nonFiniteValue` for NaN/∞ entries.
    public init(probabilities: [Double], classCount m: Int, cutoff: Double = 1.0) throws(LearningError) {
        guard m > 0 else { throw .emptyInput("HierarchicalMerge: no micro clusters") }
        guard probabilities.count == m * m else {
            throw .dimensionMismatch(expected: m, got: probabilities.count / m, context: "HierarchicalMerge: \(probabilities.count) values for \(m) rows")
        }
        for index in probabilities.indices where !probabilities[index].isFinite {
            throw .nonFiniteValue(row: index / m, column: index % m)
        }
        let scaled = probabilities.map { 100 * $0 }
        var d = Self.correlationDistances(rows: scaled, count: m, width: m)
        var undefined = 0
        for i in d.indices where d[i].isNaN {
            d[i] = 2
            undefined += 1
        }
        let z = try Self.averageLinkage(condensed: d, count: m)
        let flat = Self.flatClusters(linkage: z, count: m, cutoff: cutoff)
        microCount = m
        distances = d
        undefinedDistanceCount = undefined
        linkage = z
        self.cutoff = cutoff
        flatClusters = flat
        microToMacro = Self.renumberedBySmallestMember(flat)
    }

    // MARK: - the steps, usable on their own

    /// `scipy.spatial.distance.pdist(X, 'correlation')` for `count` rows of `width` numbers
    /// (row-major), bit for bit: each row is centred on its mean (NumPy's pairwise summation,
    /// as `X.mean(axis=1)`), then SciPy's C `pdist_cosine` (`_distance_wrap`):
    /// 1 − u·v / (|u|·|v|), the cosine clipped to [−1, 1]. The dot products and squared norms
    /// are summed the way SciPy's compiled wheel (1.17.1, x86-64) does: two interleaved
    /// partial sums (even and odd indices, the SSE2-vectorised loop), added, then the last
    /// element of an odd length; checked bit for bit against `pdist_cosine_double_wrap` for
    /// lengths 1–39, 64, 65, 101 and 577. A zero-variance row gives NaN, as in SciPy.
    public static func correlationDistances(rows: [Double], count: Int, width: Int) -> [Double] {
        precondition(rows.count == count * width, "rows must be count × width")
        var centred = rows
        var norms = [Double](repeating: 0, count: count)
        centred.withUnsafeMutableBufferPointer { x in
            for r in 0..<count {
                let row = UnsafeMutableBufferPointer(rebasing: x[(r * width)..<((r + 1) * width)])
                let mean = pairwiseSum(UnsafeBufferPointer(row)) / Double(width)
                for j in 0..<width { row[j] -= mean }
                norms[r] = twoLaneDot(UnsafeBufferPointer(row), UnsafeBufferPointer(row)).squareRoot()
            }
        }
        var out = [Double]()
        out.reserveCapacity(count * (count - 1) / 2)
        centred.withUnsafeBufferPointer { x in
            for i in 0..<count {
                let u = UnsafeBufferPointer(rebasing: x[(i * width)..<((i + 1) * width)])
                for j in (i + 1)..<max(i + 1, count) {
                    let v = UnsafeBufferPointer(rebasing: x[(j * width)..<((j + 1) * width)])
                    var cosine = twoLaneDot(u, v) / (norms[i] * norms[j])
                    if abs(cosine) > 1 { cosine = cosine > 0 ? 1 : -1 }
                    out.append(1 - cosine)
                }
            }
        }
        return out
    }

    /// Σ u[i]·v[i] in SciPy's (compiled) order: even and odd indices in two partial sums,
    /// then their sum, then the last product if the length is odd.
    static func twoLaneDot(_ u: UnsafeBufferPointer<Double>, _ v: UnsafeBufferPointer<Double>) -> Double {
        let n = u.count
        var even = 0.0, odd = 0.0
        var i = 0
        while i + 1 < n {
            even += u[i] * v[i]
            odd += u[i + 1] * v[i + 1]
            i += 2
        }
        var sum = even + odd
        if n % 2 == 1 { sum += u[n - 1] * v[n - 1] }
        return sum
    }

    /// NumPy's `pairwise_sum` for float64 (`numpy/_core/src/umath/loops_utils.h.src`): plain
    /// loop below 8 values, 8 interleaved partial sums up to 128, recursive halves above.
    static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var res = 0.0
            for i in 0..<n { res += a[i] }
            return res
        } else if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - (n % 8) {
                r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
                r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
                i += 8
            }
            var res = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n { res += a[i]; i += 1 }
            return res
        } else {
            var n2 = n / 2
            n2 -= n2 % 8
            return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<n2])) + pairwiseSum(UnsafeBufferPointer(rebasing: a[n2..<n]))
        }
    }

    /// `scipy.cluster.hierarchy.linkage(d, 'average')` on a condensed distance vector of
    /// `count` observations: (count − 1) × 4 row-major. Same algorithm as SciPy's
    /// `_hierarchy.nn_chain` (the chain prefers the previous element on ties and otherwise
    /// the lowest index; the merged cluster takes the larger index's slot; Lance–Williams
    /// average update `(nx·d_xi + ny·d_yi)/(nx + ny)`), then a stable sort by distance and the
    /// union-find relabelling of `_hierarchy.label`. Throws `.nonFiniteValue` (row = index in
    /// `condensed`, column 0) for NaN/∞ (SciPy raises too) and `.dimensionMismatch` for a
    /// wrong length.
    public static func averageLinkage(condensed: [Double], count n: Int) throws(LearningError) -> [Double] {
        guard n >= 1 else { throw .emptyInput("linkage: no observations") }
        guard condensed.count == n * (n - 1) / 2 else {
            throw .dimensionMismatch(expected: n * (n - 1) / 2, got: condensed.count, context: "linkage: condensed distances for \(n) observations")
        }
        for i in condensed.indices where !condensed[i].isFinite { throw .nonFiniteValue(row: i, column: 0) }
        if n == 1 { return [] }

        @inline(__always) func index(_ i: Int, _ j: Int) -> Int {
            i < j ? n * i - (i * (i + 1)) / 2 + (j - i - 1) : n * j - (j * (j + 1)) / 2 + (i - j - 1)
        }
        var dist = condensed
        var size = [Int](repeating: 1, count: n)
        var chain = [Int](repeating: 0, count: n)
        var chainLength = 0
        var merges = [(x: Int, y: Int, d: Double, size: Int)]()
        merges.reserveCapacity(n - 1)
        var y = 0
        for _ in 0..<(n - 1) {
            if chainLength == 0 {
                chainLength = 1
                chain[0] = size.firstIndex { $0 > 0 }!
            }
            var x = 0
            var currentMin = Double.infinity
            while true {
                x = chain[chainLength - 1]
                if chainLength > 1 {
                    y = chain[chainLength - 2]
                    currentMin = dist[index(x, y)]
                } else {
                    currentMin = .infinity
                }
                for i in 0..<n where size[i] > 0 && i != x {
                    let value = dist[index(x, i)]
                    if value < currentMin {
                        currentMin = value
                        y = i
                    }
                }
                if chainLength > 1 && y == chain[chainLength - 2] { break }
                chain[chainLength] = y
                chainLength += 1
            }
            chainLength -= 2
            if x > y { swap(&x, &y) }
            let nx = size[x], ny = size[y]
            merges.append((x, y, currentMin, nx + ny))
            size[x] = 0
            size[y] = nx + ny
            for i in 0..<n {
                let ni = size[i]
                if ni == 0 || i == y { continue }
                dist[index(i, y)] = (Double(nx) * dist[index(i, x)] + Double(ny) * dist[index(i, y)]) / Double(nx + ny)
            }
        }
        // Stable sort by distance (NumPy argsort kind='mergesort').
        let order = merges.indices.sorted { a, b in
            merges[a].d < merges[b].d || (merges[a].d == merges[b].d && a < b)
        }
        // _hierarchy.label: union-find over 2n − 1 nodes, new nodes n, n + 1, …
        var parent = Array(0..<(2 * n - 1))
        var nodeSize = [Int](repeating: 1, count: 2 * n - 1)
        var nextLabel = n
        func find(_ start: Int) -> Int {
            var x = start
            while parent[x] != x { x = parent[x] }
            var p = start
            while parent[p] != x {
                let next = parent[p]
                parent[p] = x
                p = next
            }
            return x
        }
        var z = [Double](repeating: 0, count: (n - 1) * 4)
        for (row, k) in order.enumerated() {
            let rx = find(merges[k].x), ry = find(merges[k].y)
            z[row * 4] = Double(min(rx, ry))
            z[row * 4 + 1] = Double(max(rx, ry))
            z[row * 4 + 2] = merges[k].d
            parent[rx] = nextLabel
            parent[ry] = nextLabel
            nodeSize[nextLabel] = nodeSize[rx] + nodeSize[ry]
            z[row * 4 + 3] = Double(nodeSize[nextLabel])
            nextLabel += 1
        }
        return z
    }

    /// `scipy.cluster.hierarchy.fcluster(Z, t=cutoff, criterion='distance')`: 1-based flat
    /// labels of the `count` leaves, numbered as SciPy's `cluster_monocrit` does (depth-first
    /// from the root, left child first; a node whose largest merge distance in its subtree is
    /// ≤ cutoff starts a cluster).
    public static func flatClusters(linkage z: [Double], count n: Int, cutoff: Double) -> [Int] {
        precondition(z.count == max(n - 1, 0) * 4, "linkage must be (count − 1) × 4")
        if n == 1 { return [1] }
        // Largest merge distance in each subtree (children are always earlier rows).
        var maxDist = [Double](repeating: 0, count: n - 1)
        for row in 0..<(n - 1) {
            var m = z[row * 4 + 2]
            for c in [Int(z[row * 4]), Int(z[row * 4 + 1])] where c >= n { m = max(m, maxDist[c - n]) }
            maxDist[row] = m
        }
        var labels = [Int](repeating: 0, count: n)
        var visited = [Bool](repeating: false, count: 2 * n - 1)
        var stack = [2 * n - 2]
        var clusterCount = 0
        var leader = -1
        while let top = stack.last {
            let root = top - n
            let left = Int(z[root * 4]), right = Int(z[root * 4 + 1])
            if leader == -1 && maxDist[root] <= cutoff {
                leader = root
                clusterCount += 1
            }
            if left >= n && !visited[left] {
                visited[left] = true
                stack.append(left)
                continue
            }
            if right >= n && !visited[right] {
                visited[right] = true
                stack.append(right)
                continue
            }
            if left < n {
                if leader == -1 { clusterCount += 1 }
                labels[left] = clusterCount
            }
            if right < n {
                if leader == -1 { clusterCount += 1 }
                labels[right] = clusterCount
            }
            if leader == root { leader = -1 }
            stack.removeLast()
        }
        return labels
    }

    /// Renumbers arbitrary labels 0, 1, … in order of first appearance, i.e. of their smallest
    /// member index (conventions §8).
    public static func renumberedBySmallestMember(_ labels: [Int]) -> [Int] {
        var seen: [Int: Int] = [:]
        return labels.map { label in
            if let id = seen[label] { return id }
            let id = seen.count
            seen[label] = id
            return id
        }
    }
}
