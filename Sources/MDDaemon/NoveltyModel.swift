import MDArchive
import MDLearning

/// The online novelty score: how badly the fitted model explains an atom's environment, as
/// one number in [0, 1] (docs/online.md):
///
///     novelty = max( F_rec(e), F_clu(s) )
///
/// - e, the squared PCA reconstruction error of the atom's χ row (``MDLearning/PCAModel/reconstructionErrors(rows:reduced:count:)``):
///   large when the environment lies outside the subspace the fit found;
/// - s, the clustering's own score (``MicroClusterModel/assign(rows:count:)``): HDBSCAN*'s
///   outlier score, the squared distance to the KMeans centre, or −ln p(x) of the Gaussian mixture;
/// - F, the share of the fit's rows with a score at most this one (``MDLearning/EmpiricalDistribution``,
///   1001 quantiles stored in the model bundle). So 0.5 is a typical environment of the fit,
///   0.999 one explained worse than 99.9 % of the rows the model was fitted on, and 1 one
///   worse than every one of them.
///
/// Either part is skipped where the model has none (SOAP-only models keep both; LENS-only
/// models have neither, and the score is NaN). Stored as bundle section `novelty`:
/// `reconstruction_error_quantiles` and `cluster_score_quantiles` (1001 values each, levels
/// 0, 0.001, …, 1), attribute `cluster_score` naming the clustering score.
struct NoveltyModel: Sendable {
    var reconstruction: EmpiricalDistribution?
    var cluster: EmpiricalDistribution?
    /// What the cluster score is (``MicroClusterModel/scoreName``).
    var clusterScoreName: String?

    /// The raw parts and the score of one batch of rows.
    struct Scores: Sendable {
        /// Squared reconstruction errors (empty without PCA).
        var reconstruction: [Double]
        /// Cluster scores (empty when the method has none).
        var cluster: [Double]
        /// The novelty in [0, 1] (NaN when the model has neither part).
        var novelty: [Double]
    }

    /// Calibrates on the fit's rows: their reconstruction errors and cluster scores.
    init(reconstructionErrors: [Double]?, clusterScores: [Double]?, clusterScoreName: String?) throws {
        reconstruction = try reconstructionErrors.map { try EmpiricalDistribution(scores: $0) }
        cluster = try clusterScores.map { try EmpiricalDistribution(scores: $0) }
        self.clusterScoreName = clusterScores == nil ? nil : clusterScoreName
    }

    /// The scores of `count` rows from their raw parts (either may be nil).
    func scores(reconstruction e: [Double]?, cluster s: [Double]?, count: Int) -> Scores {
        var novelty = [Double](repeating: .nan, count: count)
        if reconstruction != nil || cluster != nil {
            for i in 0..<count {
                var v = 0.0
                if let r = reconstruction, let e { v = max(v, r.cumulativeShare(of: e[i])) }
                if let c = cluster, let s { v = max(v, c.cumulativeShare(of: s[i])) }
                novelty[i] = v
            }
        }
        return Scores(reconstruction: reconstruction == nil ? [] : (e ?? []), cluster: cluster == nil ? [] : (s ?? []), novelty: novelty)
    }

    /// The bundle section.
    var section: (arrays: [String: ModelArray], attributes: [String: String]) {
        var arrays: [String: ModelArray] = [:]
        if let reconstruction { arrays["reconstruction_error_quantiles"] = .vector(reconstruction.quantiles) }
        if let cluster { arrays["cluster_score_quantiles"] = .vector(cluster.quantiles) }
        var attributes = ["definition": "max of the fit's cumulative shares of the PCA reconstruction error and the cluster score (docs/online.md)"]
        if let clusterScoreName { attributes["cluster_score"] = clusterScoreName }
        return (arrays, attributes)
    }

    /// Restores the section (`arrays` empty: a model without novelty parts).
    init(arrays: [String: ModelArray], attributes: [String: String]) throws {
        do {
            reconstruction = try arrays["reconstruction_error_quantiles"].map { try EmpiricalDistribution(quantiles: $0.doubles) }
            cluster = try arrays["cluster_score_quantiles"].map { try EmpiricalDistribution(quantiles: $0.doubles) }
        } catch {
            throw StageError("model bundle: novelty: \(error)")
        }
        clusterScoreName = cluster == nil ? nil : attributes["cluster_score"]
    }
}
