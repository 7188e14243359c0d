/// A fitted HDBSCAN* clustering: the condensed tree and what it gives (labels, probabilities,
/// persistence, GLOSH outlier scores), plus what soft clustering and prediction need — the
/// training rows, their core distances and the exemplars.
///
/// Everything derived is recomputed from the stored arrays (rows, condensed tree, core
/// distances, settings), so a model restored with `init(rows:count:width:condensedTree:
/// coreDistances:minClusterSize:minSamples:selection:allowSingleCluster:)` predicts exactly
/// as the fitted one.
///
/// Labels are `Int32` in `0..<clusterCount`, −1 for noise, numbered by increasing condensed
/// tree id as hdbscan's `labels_`.
public struct HDBSCANModel: Sendable {
    /// Number of training rows and features per row.
    public let count: Int
    public let width: Int
    /// The training rows, `count × width`, row-major (needed for prediction and exemplars).
    public let rows: [Double]
    public let minClusterSize: Int
    public let minSamples: Int
    public let selection: HDBSCANClusterSelection
    public let allowSingleCluster: Bool
    public let condensedTree: HDBSCANCondensedTree
    /// Each training row's distance to its `minSamples`-th nearest training row counting
    /// itself — hdbscan's `prediction_data_.core_distances` (the fit's mutual reachability
    /// uses the next neighbour, `minSamples` others, as the package's Borůvka does).
    public let coreDistances: [Double]
    /// The selected clusters' condensed-tree ids, increasing (label j is `selectedClusters[j]`).
    public let selectedClusters: [Int]
    public let labels: [Int32]
    public let probabilities: [Double]
    /// hdbscan's `cluster_persistence_`, one per cluster.
    public let clusterPersistence: [Double]
    /// GLOSH outlier score of each training row (hdbscan's `outlier_scores_`).
    public let outlierScores: [Double]
    let prediction: HDBSCANPredictionData
    let searchTree: KDTree
    /// The mutual-reachability neighbour search of new rows (over `searchTree`).
    let neighbourSearch: MutualReachabilityNeighbourSearch

    public var clusterCount: Int { selectedClusters.count }

    /// A model restored from stored arrays: the training rows (`count × width`), the
    /// condensed tree, the core distances (`count`, see `coreDistances`) and the settings.
    public init(
        rows: [Double], count: Int, width: Int, condensedTree: HDBSCANCondensedTree, coreDistances: [Double],
        minClusterSize: Int, minSamples: Int, selection: HDBSCANClusterSelection = .eom, allowSingleCluster: Bool = false
    ) throws(LearningError) {
        guard count >= 1, width >= 1 else { throw .emptyInput("HDBSCAN model rows") }
        guard rows.count == count * width else {
            throw .dimensionMismatch(expected: count * width, got: rows.count, context: "HDBSCAN model rows (count × width numbers)")
        }
        guard coreDistances.count == count else {
            throw .dimensionMismatch(expected: count, got: coreDistances.count, context: "HDBSCAN core distances (one per row)")
        }
        guard condensedTree.pointCount == count else {
            throw .dimensionMismatch(expected: count, got: condensedTree.pointCount, context: "HDBSCAN condensed tree points")
        }
        guard minClusterSize >= 2 else { throw .invalidParameter(name: "minClusterSize", value: "\(minClusterSize)", reason: "must be at least 2") }
        guard minSamples >= 1 else { throw .invalidParameter(name: "minSamples", value: "\(minSamples)", reason: "must be at least 1") }
        if let bad = rows.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
        if let bad = coreDistances.firstIndex(where: { !($0 >= 0) }) {
            throw .invalidParameter(name: "coreDistances[\(bad)]", value: "\(coreDistances[bad])", reason: "must be ≥ 0")
        }
        self.init(
            unchecked: rows, count: count, width: width, condensedTree: condensedTree, coreDistances: coreDistances,
            minClusterSize: minClusterSize, minSamples: minSamples, selection: selection, allowSingleCluster: allowSingleCluster, searchTree: nil)
    }

    init(
        unchecked rows: [Double], count: Int, width: Int, condensedTree: HDBSCANCondensedTree, coreDistances: [Double],
        minClusterSize: Int, minSamples: Int, selection: HDBSCANClusterSelection, allowSingleCluster: Bool, searchTree: KDTree?
    ) {
        self.count = count
        self.width = width
        self.rows = rows
        self.minClusterSize = minClusterSize
        self.minSamples = minSamples
        self.selection = selection
        self.allowSingleCluster = allowSingleCluster
        self.condensedTree = condensedTree
        self.coreDistances = coreDistances
        let flat = HDBSCANFlatClustering(tree: condensedTree, selection: selection, allowSingleCluster: allowSingleCluster)
        selectedClusters = flat.selected
        labels = flat.labels
        probabilities = flat.probabilities
        clusterPersistence = flat.persistence
        outlierScores = flat.outlierScores
        prediction = HDBSCANPredictionData(tree: condensedTree, labels: flat.labels, rows: rows, width: width)
        let tree = searchTree ?? rows.withUnsafeBufferPointer { KDTree(rows: $0, count: count, width: width) }
        self.searchTree = tree
        neighbourSearch = MutualReachabilityNeighbourSearch(tree: tree, coreDistances: coreDistances, minSamples: minSamples)
    }
}
