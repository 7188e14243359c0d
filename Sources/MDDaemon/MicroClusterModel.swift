import MDArchive
import MDLearning

/// What assigns one analysed row to a micro cluster: KMeans or a Gaussian mixture on the
/// PCA-reduced χ rows, or the LENS classes of LENS-only mode (conventions §6). HDBSCAN* joins
/// with its own issue as another case, stored the same way.
///
/// Stored in a model bundle as section `clustering`: attribute `method` (`kmeans`, `gmm`,
/// `lens_classes`) and the arrays prediction needs, in scikit-learn's names and layouts
/// (row-major): `kmeans`: `cluster_centers` k × d, `inertia`, `n_iter`; `gmm`: `weights` k,
/// `means` k × d, `covariances` and `precisions_cholesky` k × d × d, `lower_bound`, `n_iter`,
/// `converged`; `lens_classes`: `thresholds` and attribute `rule` (`cluster_maxima`: the
/// notebook's `classifying` on k cluster maxima; `manual`: label = thresholds ≤ x).
enum MicroClusterModel: Sendable {
    case kmeans(KMeansModel)
    case gaussianMixture(GaussianMixtureModel)
    case lensClasses(LensThresholdClassifier)

    /// Number of micro clusters.
    var classCount: Int {
        switch self {
        case .kmeans(let m): m.clusters
        case .gaussianMixture(let m): m.components
        case .lensClasses(let c): c.classCount
        }
    }

    /// The `method` attribute.
    var method: String {
        switch self {
        case .kmeans: "kmeans"
        case .gaussianMixture: "gmm"
        case .lensClasses: "lens_classes"
        }
    }

    /// Width of the rows it assigns (PCA components, or 1 for a LENS value).
    var width: Int {
        switch self {
        case .kmeans(let m): m.width
        case .gaussianMixture(let m): m.width
        case .lensClasses: 1
        }
    }

    /// Labels of `count` rows of ``width`` numbers (row-major).
    func predict(rows: [Double], count: Int) throws -> [Int32] {
        switch self {
        case .kmeans(let m): try m.predict(rows: rows, count: count)
        case .gaussianMixture(let m): try m.predict(rows: rows, count: count)
        case .lensClasses(let c): try c.classify(rows)
        }
    }

    /// The bundle section: arrays and attributes.
    var section: (arrays: [String: ModelArray], attributes: [String: String]) {
        switch self {
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
        switch attributes["method"] {
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
            throw StageError("model bundle: unknown clustering method '\(other ?? "none")' (this soaplens knows kmeans, gmm, lens_classes)")
        }
    }
}
