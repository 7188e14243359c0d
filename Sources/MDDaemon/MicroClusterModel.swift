import MDArchive
import MDLearning

/// What assigns one analysed row to a micro cluster: HDBSCAN* with soft labels, KMeans or a
/// Gaussian mixture on the PCA-reduced χ rows, or the LENS classes of LENS-only mode
/// (conventions §6).
///
/// Stored in a model bundle as section `clustering`: attribute `method` (`hdbscan`, `kmeans`,
/// `gmm`, `lens_classes`) and the arrays prediction needs, in the reference packages' names
/// and layouts (row-major):
/// * `hdbscan` (hdbscan's `prediction_data`, no pickle): `rows` n × d (the training rows),
///   `core_distances` n, the condensed tree as `tree_parent`, `tree_child`, `tree_lambda`,
///   `tree_child_size`, `min_cluster_size`, `min_samples`; attributes `selection` (eom | leaf)
///   and `soft` (all | noise: which points take the argmax of their membership vector);
/// * `kmeans`: `cluster_centers` k × d, `inertia`, `n_iter`;
/// * `gmm`: `weights` k, `means` k × d, `covariances` and `precisions_cholesky` k × d × d,
///   `lower_bound`, `n_iter`, `converged`;
/// * `lens_classes`: `thresholds` and attribute `rule` (`cluster_maxima`: the notebook's
///   `classifying` on k cluster maxima; `manual`: label = thresholds ≤ x).
///
/// HDBSCAN* labels new rows with the same soft rule as the fit: `all`, the argmax of the
/// row's membership vector (hdbscan's `membership_vector`); `noise`, the `approximate_predict`
/// label, and the argmax only where that is noise. With no cluster found, every row is 0.
enum MicroClusterModel: Sendable {
    case hdbscan(HDBSCANModel, soft: HDBSCANSoftLabelRule)
    case kmeans(KMeansModel)
    case gaussianMixture(GaussianMixtureModel)
    case lensClasses(LensThresholdClassifier)

    /// Number of micro clusters.
    var classCount: Int {
        switch self {
        case .hdbscan(let m, _): max(m.clusterCount, 1)
        case .kmeans(let m): m.clusters
        case .gaussianMixture(let m): m.components
        case .lensClasses(let c): c.classCount
        }
    }

    /// The `method` attribute.
    var method: String {
        switch self {
        case .hdbscan: "hdbscan"
        case .kmeans: "kmeans"
        case .gaussianMixture: "gmm"
        case .lensClasses: "lens_classes"
        }
    }

    /// Width of the rows it assigns (PCA components, or 1 for a LENS value).
    var width: Int {
        switch self {
        case .hdbscan(let m, _): m.width
        case .kmeans(let m): m.width
        case .gaussianMixture(let m): m.width
        case .lensClasses: 1
        }
    }

    /// Labels of `count` rows of ``width`` numbers (row-major).
    func predict(rows: [Double], count: Int) throws -> [Int32] {
        try assign(rows: rows, count: count).labels
    }

    /// Labels and, where the method has one, the cluster part of the novelty score of
    /// `count` rows: how badly the clustering explains each row (larger is worse):
    /// HDBSCAN*, the outlier score of `approximate_predict_scores` (GLOSH of a new row);
    /// KMeans, the squared distance to the assigned centre; the Gaussian mixture, −ln p(x)
    /// (`-score_samples`). The LENS classes have none (nil).
    func assign(rows: [Double], count: Int) throws -> (labels: [Int32], scores: [Double]?) {
        switch self {
        case .hdbscan(let m, let soft):
            // One neighbour search per row for the soft label and the outlier score.
            let p = try m.predict(rows: rows, count: count, rule: soft)
            return (p.labels, p.outlierScores)
        case .kmeans(let m):
            let labels = try m.predict(rows: rows, count: count)
            return (labels, try m.squaredDistances(rows: rows, count: count, labels: labels))
        case .gaussianMixture(let m):
            let (labels, logLikelihoods) = try m.predictAndScore(rows: rows, count: count)
            return (labels, logLikelihoods.map { -$0 })
        case .lensClasses(let c):
            return (try c.classify(rows), nil)
        }
    }

    /// The cluster scores of the fit's own rows (for the novelty calibration): as ``assign``,
    /// except that HDBSCAN* gives its training rows' GLOSH scores (what `approximate_predict_scores`
    /// returns for a training row).
    func trainingScores(rows: [Double], count: Int, labels: [Int32]) throws -> [Double]? {
        switch self {
        case .hdbscan(let m, _): return m.outlierScores
        case .kmeans(let m): return try m.squaredDistances(rows: rows, count: count, labels: labels)
        case .gaussianMixture(let m): return try m.scoreSamples(rows: rows, count: count).map { -$0 }
        case .lensClasses: return nil
        }
    }

    /// What the cluster score is, for the bundle and the reports.
    var scoreName: String? {
        switch self {
        case .hdbscan: "hdbscan_outlier_score"
        case .kmeans: "kmeans_squared_distance"
        case .gaussianMixture: "gmm_negative_log_likelihood"
        case .lensClasses: nil
        }
    }

    /// The bundle section: arrays and attributes.
    var section: (arrays: [String: ModelArray], attributes: [String: String]) {
        switch self {
        case .hdbscan(let m, let soft):
            let t = m.condensedTree
            return ([
                "rows": .matrix(m.rows, rows: m.count, columns: m.width),
                "core_distances": .vector(m.coreDistances),
                "tree_parent": .integers(t.parent.map(Int64.init)),
                "tree_child": .integers(t.child.map(Int64.init)),
                "tree_lambda": .vector(t.lambda),
                "tree_child_size": .integers(t.childSize.map(Int64.init)),
                "min_cluster_size": .integers([Int64(m.minClusterSize)]),
                "min_samples": .integers([Int64(m.minSamples)]),
            ], [
                "method": method, "selection": m.selection.rawValue, "soft": soft == .everyPoint ? "all" : "noise",
                "allow_single_cluster": "\(m.allowSingleCluster)",
            ])
        case .kmeans(let m):
            return ([
                "cluster_centers": .matrix(m.centres, rows: m.clusters, columns: m.width),
                "inertia": .vector([m.inertia]),
                "n_iter": .integers([Int64(m.iterations)]),
            ], ["method": method])
        case .gaussianMixture(let m):
            let k = m.components, d = m.width
            return ([
                "weights": .vector(m.weights),
                "means": .matrix(m.means, rows: k, columns: d),
                "covariances": .float64(shape: [k, d, d], values: m.covariances),
                "precisions_cholesky": .float64(shape: [k, d, d], values: m.precisionsCholesky),
                "lower_bound": .vector([m.lowerBound]),
                "n_iter": .integers([Int64(m.iterations)]),
                "converged": .integers([m.converged ? 1 : 0]),
            ], ["method": method])
        case .lensClasses(let c):
            return (["thresholds": .vector(c.thresholds)],
                    ["method": method, "rule": c.rule == .manual ? "manual" : "cluster_maxima"])
        }
    }

    /// Restores the model from a bundle's `clustering` section.
    init(arrays: [String: ModelArray], attributes: [String: String]) throws {
        func array(_ name: String) throws -> ModelArray {
            guard let a = arrays[name] else { throw StageError("model bundle: clustering/\(name) is missing") }
            return a
        }
        func scalar(_ name: String) throws -> Double {
            let values = try array(name).doubles
            guard values.count == 1 else { throw StageError("model bundle: clustering/\(name) holds \(values.count) values, not 1") }
            return values[0]
        }
        func shape(_ name: String, rank: Int) throws -> [Int] {
            let s = try array(name).shape
            guard s.count == rank else { throw StageError("model bundle: clustering/\(name) has shape \(s), expected rank \(rank)") }
            return s
        }
        func integers(_ name: String) throws -> [Int] {
            guard let v = try array(name).integers else { throw StageError("model bundle: clustering/\(name) must be an integer array") }
            return v.map(Int.init)
        }
        switch attributes["method"] {
        case "hdbscan":
            let s = try shape("rows", rank: 2)
            guard let selection = HDBSCANClusterSelection(rawValue: attributes["selection"] ?? "") else {
                throw StageError("model bundle: unknown HDBSCAN* selection '\(attributes["selection"] ?? "none")'")
            }
            let soft: HDBSCANSoftLabelRule
            switch attributes["soft"] {
            case "all": soft = .everyPoint
            case "noise": soft = .noiseOnly
            case let other: throw StageError("model bundle: unknown HDBSCAN* soft rule '\(other ?? "none")'")
            }
            let tree = try HDBSCANCondensedTree(
                pointCount: s[0], parent: try integers("tree_parent"), child: try integers("tree_child"),
                lambda: try array("tree_lambda").doubles, childSize: try integers("tree_child_size"))
            let model = try HDBSCANModel(
                rows: try array("rows").doubles, count: s[0], width: s[1], condensedTree: tree,
                coreDistances: try array("core_distances").doubles, minClusterSize: Int(try scalar("min_cluster_size")),
                minSamples: Int(try scalar("min_samples")), selection: selection,
                allowSingleCluster: attributes["allow_single_cluster"] == "true")
            self = .hdbscan(model, soft: soft)
        case "kmeans":
            let s = try shape("cluster_centers", rank: 2)
            self = .kmeans(try KMeansModel(
                centres: try array("cluster_centers").doubles, clusters: s[0], width: s[1], inertia: try scalar("inertia"),
                iterations: Int(try scalar("n_iter"))))
        case "gmm":
            let s = try shape("means", rank: 2)
            self = .gaussianMixture(try GaussianMixtureModel(
                weights: try array("weights").doubles, means: try array("means").doubles,
                covariances: try array("covariances").doubles, precisionsCholesky: try array("precisions_cholesky").doubles,
                width: s[1], converged: try scalar("converged") != 0, iterations: Int(try scalar("n_iter")),
                lowerBound: try scalar("lower_bound")))
        case "lens_classes":
            let thresholds = try array("thresholds").doubles
            switch attributes["rule"] {
            case "manual": self = .lensClasses(try LensThresholdClassifier(manualThresholds: thresholds))
            case "cluster_maxima": self = .lensClasses(try LensThresholdClassifier(clusterMaxima: thresholds))
            case let other: throw StageError("model bundle: unknown LENS class rule '\(other ?? "none")'")
            }
        case let other:
            throw StageError("model bundle: unknown clustering method '\(other ?? "none")' (this soaplens knows hdbscan, kmeans, gmm, lens_classes)")
        }
    }
}
