/// A fitted k-means clustering: the centres, the labels and inertia of the fitted rows, and
/// nearest-centre prediction for new rows.
///
/// Layouts are row-major: `centres[j * width + f]` is feature `f` of centre `j`. Labels are
/// `Int32` cluster indices in `0..<clusters` (scikit-learn's `labels_` dtype).
///
/// `predict` matches scikit-learn's `KMeans.predict`: the label is the argmin over `j` of
/// `‖c_j‖² − 2 x·c_j` (the row's own norm does not change the argmin), and ties go to the lowest
/// index (the first minimum, as sklearn's strict `<` scan).
public struct KMeansModel: Sendable {
    /// Number of clusters k.
    public let clusters: Int
    /// Number of features of a row.
    public let width: Int
    /// The cluster centres, k × width, row-major, in the coordinates of the fitted rows.
    public let centres: [Double]
    /// Sum over the fitted rows of the squared distance to the centre of their label
    /// (sklearn's `inertia_`).
    public let inertia: Double
    /// Lloyd iterations of the kept run (sklearn's `n_iter_`).
    public let iterations: Int
    /// The label of each fitted row, consistent with `centres` (a final E-step is run when the
    /// iterations stopped on the tolerance rather than on unchanged labels, as in sklearn).
    public let labels: [Int32]
    /// ‖c_j‖² for each centre, for prediction.
    let centreSquaredNorms: [Double]

    init(clusters: Int, width: Int, centres: [Double], inertia: Double, iterations: Int, labels: [Int32]) {
        self.clusters = clusters
        self.width = width
        self.centres = centres
        self.inertia = inertia
        self.iterations = iterations
        self.labels = labels
        centreSquaredNorms = (0..<clusters).map { j in
            var s = 0.0
            for f in 0..<width { s += centres[j * width + f] * centres[j * width + f] }
            return s
        }
    }

    /// A model restored from stored centres (`clusters × width`, row-major), for prediction;
    /// `labels` is empty (the fitted rows are not part of a stored model).
    public init(centres: [Double], clusters: Int, width: Int, inertia: Double, iterations: Int) throws(LearningError) {
        guard clusters >= 1, width >= 1 else {
            throw .invalidParameter(name: "clusters × width", value: "\(clusters) × \(width)", reason: "both must be ≥ 1")
        }
        guard centres.count == clusters * width else {
            throw .dimensionMismatch(expected: clusters * width, got: centres.count, context: "KMeans centres (clusters × width)")
        }
        if let bad = centres.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(row: bad / width, column: bad % width)
        }
        self.init(clusters: clusters, width: width, centres: centres, inertia: inertia, iterations: iterations, labels: [])
    }

    /// The nearest centre of one row of `width` numbers; allocation-free (for the online path).
    /// The caller guarantees `row.count == width`.
    public func predict(row: UnsafeBufferPointer<Double>) -> Int {
        precondition(row.count == width, "KMeansModel.predict: row of \(row.count) numbers, model width \(width)")
        return centres.withUnsafeBufferPointer { c in
            centreSquaredNorms.withUnsafeBufferPointer { cn in
                KMeansAssignment.nearest(row: row.baseAddress!, centres: c.baseAddress!, centreSquaredNorms: cn.baseAddress!, clusters: clusters, width: width)
            }
        }
    }

    /// The nearest centre of one row; throws when the row has the wrong width.
    public func predict(row: [Double]) throws(LearningError) -> Int {
        guard row.count == width else { throw .dimensionMismatch(expected: width, got: row.count, context: "KMeansModel.predict") }
        return row.withUnsafeBufferPointer { predict(row: $0) }
    }

    /// The nearest centre of each of `count` rows (`rows` row-major, `count × width`).
    public func predict(rows: [Double], count: Int) throws(LearningError) -> [Int32] {
        guard count >= 0, rows.count == count * width else {
            throw .dimensionMismatch(expected: width, got: count > 0 ? rows.count / count : rows.count, context: "KMeansModel.predict(rows:) with count \(count)")
        }
        var labels = [Int32](repeating: 0, count: count)
        let method = KMeansDistanceMethod.automatic.resolved(width: width)
        rows.withUnsafeBufferPointer { x in
            centres.withUnsafeBufferPointer { c in
                centreSquaredNorms.withUnsafeBufferPointer { cn in
                    labels.withUnsafeMutableBufferPointer { l in
                        var scratch = [Double](repeating: 0, count: KMeansAssignment.chunk * clusters)
                        scratch.withUnsafeMutableBufferPointer { s in
                            KMeansAssignment.assign(
                                rows: x.baseAddress, count: count, width: width, centres: c.baseAddress!, centreSquaredNorms: cn.baseAddress!,
                                clusters: clusters, labels: l.baseAddress!, scratch: s.baseAddress!, method: method)
                        }
                    }
                }
            }
        }
        return labels
    }

    /// Squared distance of each of `count` rows (`count × width`) to the centre of its label
    /// (`labels`, as ``predict(rows:count:)`` gives them): how far a row lies from its cluster,
    /// the KMeans part of the daemon's novelty score.
    public func squaredDistances(rows: [Double], count: Int, labels: [Int32]) throws(LearningError) -> [Double] {
        guard count >= 0, rows.count == count * width, labels.count == count else {
            throw .dimensionMismatch(expected: width, got: count > 0 ? rows.count / count : rows.count, context: "KMeansModel.squaredDistances with count \(count) and \(labels.count) labels")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= clusters }) {
            throw .invalidParameter(name: "labels[\(bad)]", value: "\(labels[bad])", reason: "outside 0..<\(clusters)")
        }
        return (0..<count).map { r in
            var sum = 0.0
            let c = Int(labels[r]) * width
            for j in 0..<width {
                let v = rows[r * width + j] - centres[c + j]
                sum += v * v
            }
            return sum
        }
    }
}
