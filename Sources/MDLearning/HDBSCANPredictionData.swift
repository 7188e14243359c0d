/// What soft clustering and prediction read from a condensed tree, precomputed once (hdbscan's
/// `PredictionData` plus the per-point rows of the tree). Cluster arrays are indexed by
/// `id − pointCount` (0 is the root).
///
/// As in hdbscan (`CondensedTree._select_clusters`), the clusters used here are, for each
/// label, the smallest parent among the rows of the points with that label — the selected
/// cluster itself unless none of its points leaves it directly — sorted by id; membership
/// vector columns follow that order.
struct HDBSCANPredictionData: Sendable {
    /// The prediction clusters (indices), increasing.
    let clusters: [Int]
    /// Per cluster: its parent (−1 for the root), birth λ, and the largest λ of its own rows.
    let parent: [Int]
    let birth: [Double]
    let leafMaxLambda: [Double]
    /// Per cluster: the largest λ of any row in its subtree (hdbscan's `max_lambdas` of
    /// `approximate_predict_scores`).
    let subtreeMaxLambda: [Double]
    /// Per cluster: the label prediction gives it (a prediction cluster and everything below
    /// it share the label), −1 outside; and the λ_max of that prediction cluster.
    let predictedLabel: [Int32]
    let labelMaxLambda: [Double]
    /// Whether the tree has any cluster below the root (hdbscan's non-empty `cluster_tree`).
    var hasClusters: Bool { parent.count > 1 }
    /// Per point: the cluster it leaves (index) and its λ.
    let pointCluster: [Int]
    let pointLambda: [Double]
    /// Exemplar rows of each prediction cluster, concatenated (`width` numbers each), and
    /// the offsets (in rows) of each cluster's block; `exemplarOffsets.count == clusters.count + 1`.
    let exemplars: [Double]
    let exemplarOffsets: [Int]
    /// The same exemplars in blocks of four rows, feature-major inside a block (exemplar e of
    /// a block, feature f at `block·4·width + 4·f + e`), each cluster's rows padded to whole
    /// blocks; cluster j owns blocks `exemplarBlockOffsets[j] ..< exemplarBlockOffsets[j + 1]`.
    let exemplarBlocks: [Double]
    let exemplarBlockOffsets: [Int]

    init(tree: HDBSCANCondensedTree, labels: [Int32], rows: [Double], width d: Int) {
        let n = tree.pointCount
        let k = tree.clusterCount
        let (up, birth) = tree.clusterParents()
        let leafMax = tree.maxLambdas()
        let (pointCluster, pointLambda) = tree.pointRows()
        // Smallest parent per label.
        let labelCount = Int(labels.max() ?? -1) + 1
        var smallest = [Int](repeating: Int.max, count: labelCount)
        for i in 0..<n where labels[i] >= 0 {
            smallest[Int(labels[i])] = min(smallest[Int(labels[i])], pointCluster[i])
        }
        let clusters = smallest.filter { $0 != Int.max }.sorted()
        var children = [[Int]](repeating: [], count: k)
        for r in tree.child.indices where tree.childSize[r] > 1 {
            children[tree.parent[r] - n].append(tree.child[r] - n)
        }
        var predictedLabel = [Int32](repeating: -1, count: k)
        var labelMax = [Double](repeating: 0, count: k)
        var blocks: [Double] = []
        var offsets = [0]
        for (j, c) in clusters.enumerated() {
            var stack = [c]
            while let x = stack.popLast() {
                predictedLabel[x] = Int32(j)
                labelMax[x] = leafMax[c]
                stack.append(contentsOf: children[x])
            }
            // Leaves below c in depth-first order (children in row order), then each leaf's
            // points whose λ is the leaf's largest.
            var leaves: [Int] = []
            func collect(_ x: Int) {
                if children[x].isEmpty { leaves.append(x) } else { for ch in children[x] { collect(ch) } }
            }
            collect(c)
            var total = 0
            for leaf in leaves {
                for r in tree.child.indices where tree.parent[r] - n == leaf && tree.child[r] < n && tree.lambda[r] == leafMax[leaf] {
                    let p = tree.child[r]
                    blocks.append(contentsOf: rows[(p * d)..<(p * d + d)])
                    total += 1
                }
            }
            offsets.append(offsets.last! + total)
        }
        self.clusters = clusters
        self.parent = up
        self.birth = birth
        self.leafMaxLambda = leafMax
        // Children have larger ids than their parents: one pass from the deepest id up.
        var subtreeMax = leafMax
        for c in stride(from: k - 1, through: 1, by: -1) where up[c] >= 0 && subtreeMax[c] > subtreeMax[up[c]] {
            subtreeMax[up[c]] = subtreeMax[c]
        }
        self.subtreeMaxLambda = subtreeMax
        self.predictedLabel = predictedLabel
        self.labelMaxLambda = labelMax
        self.pointCluster = pointCluster
        self.pointLambda = pointLambda
        self.exemplars = blocks
        self.exemplarOffsets = offsets
        var transposed: [Double] = []
        var blockOffsets = [0]
        for j in clusters.indices {
            let count = offsets[j + 1] - offsets[j]
            let blockCount = (count + 3) / 4
            var block = [Double](repeating: 0, count: blockCount * 4 * d)
            for e in 0..<count {
                for f in 0..<d { block[(e >> 2) * 4 * d + 4 * f + (e & 3)] = blocks[(offsets[j] + e) * d + f] }
            }
            transposed += block
            blockOffsets.append(blockOffsets.last! + blockCount)
        }
        self.exemplarBlocks = transposed
        self.exemplarBlockOffsets = blockOffsets
    }

    /// hdbscan's `merge_height`: for each prediction cluster, the λ at which the cluster of a
    /// point (`from`, index) and that cluster meet — the birth λ of the last cluster stepped
    /// out of when both walks moved up, else `pointLambda`. Walks move the larger id up.
    @inline(__always)
    func mergeHeight(from start: Int, pointLambda: Double, cluster target: Int) -> Double {
        var a = start, b = target
        var movedA = false, movedB = false
        var last = -1
        while a != b {
            if a > b {
                movedA = true; last = a; a = parent[a]
            } else {
                movedB = true; last = b; b = parent[b]
            }
        }
        return movedA && movedB ? birth[last] : pointLambda
    }

    /// Distance part of a membership vector: 1 / (distance to the nearest exemplar) of each
    /// cluster, normalised to sum 1 (a zero distance counts as DBL_MAX / clusters).
    ///
    /// The nearest exemplar's distance is the square root of the smallest squared distance
    /// (the square root is monotone and correctly rounded, so √(min r) = min √r), each squared
    /// distance summed feature by feature as `RowMatrix.squaredDistance`, four exemplars at a
    /// time: the same doubles as one square root per exemplar.
    func distanceMembership(row x: UnsafePointer<Double>, width d: Int, into out: UnsafeMutablePointer<Double>) {
        let k = clusters.count
        var sum = 0.0
        exemplarBlocks.withUnsafeBytes { raw in
            for j in 0..<k {
                let count = exemplarOffsets[j + 1] - exemplarOffsets[j]
                var nearest = SIMD4<Double>(repeating: .infinity)
                for (b, block) in (exemplarBlockOffsets[j]..<exemplarBlockOffsets[j + 1]).enumerated() {
                    var r = SIMD4<Double>(repeating: 0)
                    for f in 0..<d {
                        let t = SIMD4(repeating: x[f]) - raw.loadUnaligned(fromByteOffset: (block * 4 * d + 4 * f) * 8, as: SIMD4<Double>.self)
                        r += t * t
                    }
                    // Padding lanes of a cluster's last block.
                    if 4 * b + 4 > count { r.replace(with: .infinity, where: SIMD4<Int64>(0, 1, 2, 3) .>= SIMD4(repeating: Int64(count - 4 * b))) }
                    nearest.replace(with: r, where: r .< nearest)
                }
                let best = min(Double.greatestFiniteMagnitude, nearest.min().squareRoot())
                out[j] = best != 0 ? 1.0 / best : Double.greatestFiniteMagnitude / Double(k)
                sum += out[j]
            }
        }
        for j in 0..<k { out[j] /= sum }
    }
}
