/// The LENS-only classification of conventions §6: 1-D smoothed LENS values are put into
/// classes by thresholds, so labels can be reproduced (and assigned online) without KMeans.
///
/// Two forms:
/// * **From KMeans** (``init(values:labels:centres:)``, the authors' notebook): given the
///   values KMeans was fitted on (`KMeans(n_clusters=k, random_state=666, n_init=10)`, run by
///   the caller), its labels and centres, clusters are renumbered by increasing centre and
///   ``thresholds`` holds each renumbered cluster's largest value (`cluster_max`). A value x is
///   classified as the notebook's `classifying`: the cluster with the smallest max such that
///   x < max; x ≥ every max → the last (highest-centre) cluster. This equals the renumbered
///   KMeans labels except for values equal to a cluster maximum, which move up one class.
/// * **Manual thresholds** (``init(manualThresholds:)``): label = number of thresholds ≤ x
///   (k − 1 non-decreasing thresholds give k classes).
public struct LensThresholdClassifier: Sendable, Equatable {
    /// Which rule ``classify(_:)`` applies.
    public enum Rule: Sendable, Equatable {
        /// Notebook `classifying` on cluster maxima (k thresholds for k classes).
        case clusterMaxima
        /// Count of thresholds ≤ x (k − 1 thresholds for k classes).
        case manual
    }

    public let rule: Rule
    /// `cluster_max` of each renumbered cluster (rule `.clusterMaxima`, k values) or the manual
    /// thresholds (rule `.manual`, k − 1 non-decreasing values).
    public let thresholds: [Double]
    /// Renumbered class of each input KMeans label (`renumbering[kmeansLabel]`); the identity
    /// for manual thresholds.
    public let renumbering: [Int]
    /// Number of classes k.
    public let classCount: Int

    /// Builds the notebook's classifier from KMeans' output on `values`: `labels[i]` in
    /// 0..<centres.count for every value, `centres` KMeans' `cluster_centers_` (1-D). Ties
    /// between equal centres keep the lower KMeans label first. Throws for different lengths,
    /// non-finite values or centres, labels out of range, or a cluster without values.
    public init(values: [Double], labels: [Int32], centres: [Double]) throws(LearningError) {
        let k = centres.count
        guard k > 0 else { throw .emptyInput("LensThresholdClassifier: no centres") }
        guard !values.isEmpty else { throw .emptyInput("LensThresholdClassifier: no values") }
        guard labels.count == values.count else {
            throw .dimensionMismatch(expected: values.count, got: labels.count, context: "LensThresholdClassifier: one label per value")
        }
        if let bad = centres.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad, column: 0) }
        let order = centres.indices.sorted { centres[$0] < centres[$1] || (centres[$0] == centres[$1] && $0 < $1) }
        var renumbering = [Int](repeating: 0, count: k)
        for (rank, old) in order.enumerated() { renumbering[old] = rank }
        var maxima = [Double](repeating: -.infinity, count: k)
        var seen = [Bool](repeating: false, count: k)
        for i in values.indices {
            let x = values[i], label = Int(labels[i])
            guard x.isFinite else { throw .nonFiniteValue(row: i, column: 0) }
            guard label >= 0, label < k else {
                throw .invalidParameter(name: "labels[\(i)]", value: "\(label)", reason: "outside 0..<\(k)")
            }
            let c = renumbering[label]
            seen[c] = true
            if x > maxima[c] { maxima[c] = x }
        }
        if let empty = seen.firstIndex(of: false) {
            throw .invalidParameter(name: "labels", value: "cluster \(order[empty])", reason: "a KMeans cluster has no values; its maximum is undefined")
        }
        rule = .clusterMaxima
        thresholds = maxima
        self.renumbering = renumbering
        classCount = k
    }

    /// A classifier with hand-set thresholds (non-decreasing, finite): label = number of
    /// thresholds ≤ x, so `thresholds.count + 1` classes.
    public init(manualThresholds: [Double]) throws(LearningError) {
        if let bad = manualThresholds.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad, column: 0) }
        for i in manualThresholds.indices.dropFirst() where manualThresholds[i] < manualThresholds[i - 1] {
            throw .invalidParameter(name: "thresholds[\(i)]", value: "\(manualThresholds[i])", reason: "thresholds must be non-decreasing")
        }
        rule = .manual
        thresholds = manualThresholds
        renumbering = Array(0...manualThresholds.count)
        classCount = manualThresholds.count + 1
    }

    /// The notebook's classifier restored from stored cluster maxima (already in renumbered
    /// order, k values for k classes), e.g. from a model bundle; ``renumbering`` is the identity.
    public init(clusterMaxima: [Double]) throws(LearningError) {
        guard !clusterMaxima.isEmpty else { throw .emptyInput("LensThresholdClassifier: no cluster maxima") }
        if let bad = clusterMaxima.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad, column: 0) }
        rule = .clusterMaxima
        thresholds = clusterMaxima
        renumbering = Array(clusterMaxima.indices)
        classCount = clusterMaxima.count
    }

    /// The class of one value (0..<classCount). Throws `.nonFiniteValue(row: 0, column: 0)`
    /// for NaN (±∞ are ordered and classified normally).
    @inline(__always)
    public func classify(_ x: Double) throws(LearningError) -> Int {
        guard !x.isNaN else { throw .nonFiniteValue(row: 0, column: 0) }
        switch rule {
        case .manual:
            var label = 0
            for t in thresholds where t <= x { label += 1 }
            return label
        case .clusterMaxima:
            var best = -1
            for c in thresholds.indices where x < thresholds[c] && (best < 0 || thresholds[c] < thresholds[best]) {
                best = c
            }
            return best >= 0 ? best : classCount - 1
        }
    }

    /// Classes of many values (e.g. one frame's smoothed LENS); throws
    /// `.nonFiniteValue(row: index, column: 0)` for a NaN.
    public func classify(_ values: [Double]) throws(LearningError) -> [Int32] {
        var out = [Int32](repeating: 0, count: values.count)
        for i in values.indices {
            guard !values[i].isNaN else { throw .nonFiniteValue(row: i, column: 0) }
            out[i] = Int32(try classify(values[i]))
        }
        return out
    }
}
