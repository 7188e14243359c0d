/// Everything the daemon reads of a frame's new rows against an HDBSCAN* model, from one
/// k-nearest-neighbour search per row (`HDBSCANModel.predict(rows:count:rule:)`). Each field
/// holds the same values as the model's separate call named with it.
public struct HDBSCANPrediction: Sendable {
    /// Number of rows predicted.
    public let count: Int
    /// Columns of `membership`: the model's clusters (0 when it has none).
    public let clusterCount: Int
    /// The soft label of each row (`count`), the rule of the model bundle (as the daemon's
    /// `MicroClusterModel.predict`): `.everyPoint`, the first largest column of the row's
    /// membership vector; `.noiseOnly`, the `approximatePredict` label, and the first largest
    /// membership column only where that is −1. Every label is 0 when the model has no cluster.
    public let labels: [Int32]
    /// `approximatePredict`'s probability of each row (`count`): min(λ, λ_max) / λ_max in the
    /// predicted cluster, 0 for a row predicted as noise (and for every row of a tree without
    /// clusters).
    public let probabilities: [Double]
    /// `membershipVectors(rows:count:)`: `count × clusterCount`, row-major (hdbscan's
    /// `membership_vector`; columns in the order of the labels). Empty when the model has no
    /// cluster.
    public let membership: [Double]
    /// `approximatePredictScores`' GLOSH outlier score of each row (`count`; hdbscan's
    /// `approximate_predict_scores`): 0 as dense as its cluster's core, towards 1 an outlier, not
    /// clipped; 1 for every row of a tree without clusters. The daemon's novelty.
    public let outlierScores: [Double]
}
