/// The flat clustering hdbscan's `get_clusters` and `outlier_scores` derive from a condensed
/// tree: selected clusters, labels, probabilities, cluster persistence and GLOSH scores.
///
/// What is matched (hdbscan 0.8.44, `_hdbscan_tree.pyx`, epsilon 0, no maximum size):
/// * EOM visits the clusters by decreasing id (children before parents), the root only with
///   `allowSingleCluster`; a cluster whose children's summed stability is larger than its own
///   is dropped and takes that sum as its stability, else its whole subtree is deselected.
///   The sum is accumulated in single precision (`cdef float subtree_stability`), so the
///   comparison and the stored sum are those of the package to the bit;
/// * leaf: the clusters without child clusters (the root alone when there are none);
/// * labels number the selected clusters by increasing id; a point takes the label of its
///   nearest selected ancestor, −1 (noise) without one. A selected root (single cluster)
///   labels only the points whose λ reaches the largest λ of the root's own rows;
/// * probability of a clustered point: min(λ, λ_max) / λ_max with λ_max the largest λ of the
///   selected cluster's own rows (1 when λ_max = 0 or λ = ∞), 0 for noise;
/// * persistence of selected cluster c: stability(c) / (size · max λ of the tree), 1 when
///   that maximum is 0 or ∞ or the cluster labels no point;
/// * GLOSH: (λ_max(subtree of the point's parent) − λ) / λ_max, 0 when λ_max = 0 or λ = ∞.
struct HDBSCANFlatClustering {
    /// The selected clusters' ids, increasing (label j is `selected[j]`).
    let selected: [Int]
    let labels: [Int32]
    let probabilities: [Double]
    let persistence: [Double]
    let outlierScores: [Double]

    init(tree: HDBSCANCondensedTree, selection: HDBSCANClusterSelection, allowSingleCluster: Bool) {
        let n = tree.pointCount
        let k = tree.clusterCount
        var stability = tree.stabilities()
        let (up, _) = tree.clusterParents()
        var children = [[Int]](repeating: [], count: k)
        for r in tree.child.indices where tree.childSize[r] > 1 {
            children[tree.parent[r] - n].append(tree.child[r] - n)
        }
        var isCluster = [Bool](repeating: false, count: k)
        // Marks every strict descendant of cluster `c` (by index) as not selected.
        func deselectBelow(_ c: Int) {
            var stack = children[c]
            while let x = stack.popLast() {
                isCluster[x] = false
                stack.append(contentsOf: children[x])
            }
        }
        let lowest = allowSingleCluster ? 0 : 1
        switch selection {
        case .eom:
            for c in stride(from: k - 1, through: lowest, by: -1) { isCluster[c] = true }
            for c in stride(from: k - 1, through: lowest, by: -1) {
                var subtree: Float = 0
                for ch in children[c] { subtree = Float(Double(subtree) + stability[ch]) }
                if Double(subtree) > stability[c] {
                    isCluster[c] = false
                    stability[c] = Double(subtree)
                } else {
                    deselectBelow(c)
                }
            }
        case .leaf:
            var anyLeaf = false
            for c in 1..<max(k, 1) where children[c].isEmpty {
                isCluster[c] = true
                anyLeaf = true
            }
            if !anyLeaf { isCluster[0] = true }
        }
        let selected = (0..<k).filter { isCluster[$0] }
        var labelOf = [Int32](repeating: -1, count: k)
        for (j, c) in selected.enumerated() { labelOf[c] = Int32(j) }
        // Nearest selected ancestor (or self) of every cluster; parents come first by id.
        var owner = [Int](repeating: -1, count: k)
        for c in 0..<k {
            if isCluster[c] { owner[c] = c } else if up[c] >= 0 { owner[c] = owner[up[c]] }
        }
        let deaths = tree.maxLambdas()
        var labels = [Int32](repeating: -1, count: n)
        var probabilities = [Double](repeating: 0, count: n)
        let rootAlone = selected == [0]
        for r in tree.child.indices where tree.child[r] < n {
            let point = tree.child[r]
            let c = owner[tree.parent[r] - n]
            guard c >= 0 else { continue }
            let l = tree.lambda[r]
            if c == 0 {
                guard rootAlone && allowSingleCluster && l >= deaths[0] else { continue }
            }
            labels[point] = labelOf[c]
            let maxLambda = deaths[c]
            probabilities[point] = (maxLambda == 0 || !l.isFinite) ? 1 : min(l, maxLambda) / maxLambda
        }
        var sizes = [Int](repeating: 0, count: selected.count)
        for l in labels where l >= 0 { sizes[Int(l)] += 1 }
        let treeMax = tree.lambda.max() ?? 0
        persistence = selected.enumerated().map { j, c in
            (treeMax.isInfinite || treeMax == 0 || sizes[j] == 0) ? 1 : stability[c] / (Double(sizes[j]) * treeMax)
        }
        // GLOSH: deaths propagated up from children (rows in reverse order).
        var subtreeDeath = deaths
        for r in stride(from: tree.child.count - 1, through: 0, by: -1) where tree.child[r] >= n {
            let c = tree.child[r] - n, p = tree.parent[r] - n
            if subtreeDeath[c] > subtreeDeath[p] { subtreeDeath[p] = subtreeDeath[c] }
        }
        var scores = [Double](repeating: 0, count: n)
        for r in tree.child.indices where tree.child[r] < n {
            let m = subtreeDeath[tree.parent[r] - n]
            let l = tree.lambda[r]
            scores[tree.child[r]] = (m == 0 || !l.isFinite) ? 0 : (m - l) / m
        }
        self.selected = selected.map { $0 + n }
        self.labels = labels
        self.probabilities = probabilities
        self.outlierScores = scores
    }
}
