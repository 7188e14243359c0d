/// Counts of transitions between cluster labels of the same atom in consecutive analysed
/// frames, and their row-normalised probabilities (conventions §7; SOAPify
/// `transitionMatrixFromSOAPClassification` and `normalizeMatrixByRow`).
///
/// `counts[a * classCount + b]` (row-major, classCount × classCount) is the number of
/// (atom i, analysed frame f) with label a at f and label b at f + 1. Every consecutive pair
/// of analysed frames is counted (stride 1), self-transitions included. The matrix is
/// streamable: ``add(previous:current:)`` takes one pair of label rows, so a daemon can update
/// it every frame, and ``merge(_:)`` adds another matrix's counts (shards, threads).
///
/// Labels must be in 0..<classCount. After the soft clustering of §6 every point has a label
/// ≥ 0, so a negative label (e.g. HDBSCAN's −1 noise) means the caller skipped that step and
/// is rejected with `LearningError.invalidParameter` rather than silently dropped.
public struct TransitionMatrix: Sendable, Equatable {
    /// Number of classes k (the matrix is k × k).
    public let classCount: Int
    /// Transition counts, k × k row-major.
    public private(set) var counts: [Int]

    /// An empty k × k matrix.
    public init(classCount: Int) throws(LearningError) {
        guard classCount > 0 else {
            throw .invalidParameter(name: "classCount", value: "\(classCount)", reason: "must be positive")
        }
        self.classCount = classCount
        counts = [Int](repeating: 0, count: classCount * classCount)
    }

    /// Builds the matrix from frame-major labels (`labels[f * atomCount + i]`, F frames) over
    /// all F − 1 consecutive pairs. `classCount` defaults to max label + 1 (SOAPify); pass it
    /// explicitly to keep empty classes (LENS: k × k even if a class never occurs).
    public init(frameMajorLabels labels: [Int32], atomCount: Int, classCount: Int? = nil) throws(LearningError) {
        guard atomCount > 0, labels.count % atomCount == 0 else {
            throw .dimensionMismatch(expected: atomCount, got: labels.count, context: "TransitionMatrix: labels must be frames × \(atomCount) atoms")
        }
        guard !labels.isEmpty else { throw .emptyInput("TransitionMatrix: no labels") }
        if let bad = labels.firstIndex(where: { $0 < 0 }) {
            throw Self.negativeLabel(labels[bad], frame: bad / atomCount, atom: bad % atomCount)
        }
        let k = classCount ?? (Int(labels.max()!) + 1)
        try self.init(classCount: k)
        let frames = labels.count / atomCount
        try labels.withUnsafeBufferPointer { (all) throws(LearningError) in
            for f in 1..<max(frames, 1) {
                try add(previous: UnsafeBufferPointer(rebasing: all[((f - 1) * atomCount)..<(f * atomCount)]),
                        current: UnsafeBufferPointer(rebasing: all[(f * atomCount)..<((f + 1) * atomCount)]))
            }
        }
    }

    /// A matrix with the given counts (k × k row-major, non-negative).
    public init(counts: [Int], classCount: Int) throws(LearningError) {
        try self.init(classCount: classCount)
        guard counts.count == classCount * classCount else {
            throw .dimensionMismatch(expected: classCount, got: counts.count / classCount, context: "TransitionMatrix(counts:): \(counts.count) values for \(classCount) rows")
        }
        if let bad = counts.firstIndex(where: { $0 < 0 }) {
            throw .invalidParameter(name: "counts[\(bad)]", value: "\(counts[bad])", reason: "counts cannot be negative")
        }
        self.counts = counts
    }

    /// Counts one pair of consecutive analysed frames: `previous[i] → current[i]` for every
    /// atom i. Throws (and counts nothing) on different lengths or a label outside
    /// 0..<classCount (the error's `frame` is 0 for `previous`, 1 for `current`).
    public mutating func add(previous: UnsafeBufferPointer<Int32>, current: UnsafeBufferPointer<Int32>) throws(LearningError) {
        guard previous.count == current.count else {
            throw .dimensionMismatch(expected: previous.count, got: current.count, context: "TransitionMatrix.add: label rows of different lengths")
        }
        let k = classCount
        for (frame, row) in [previous, current].enumerated() {
            for i in 0..<row.count where row[i] < 0 || Int(row[i]) >= k {
                if row[i] < 0 { throw Self.negativeLabel(row[i], frame: frame, atom: i) }
                throw .invalidParameter(name: "label", value: "\(row[i])", reason: "outside 0..<\(k) (frame \(frame) of the pair, atom \(i))")
            }
        }
        counts.withUnsafeMutableBufferPointer { c in
            for i in 0..<previous.count { c[Int(previous[i]) * k + Int(current[i])] += 1 }
        }
    }

    /// Array form of the buffer `add(previous:current:)`.
    public mutating func add(previous: [Int32], current: [Int32]) throws(LearningError) {
        var failure: LearningError?
        previous.withUnsafeBufferPointer { p in
            current.withUnsafeBufferPointer { c in
                do throws(LearningError) { try add(previous: p, current: c) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }

    /// Adds another matrix's counts (same class count).
    public mutating func merge(_ other: TransitionMatrix) throws(LearningError) {
        guard other.classCount == classCount else {
            throw .dimensionMismatch(expected: classCount, got: other.classCount, context: "TransitionMatrix.merge")
        }
        for i in counts.indices { counts[i] += other.counts[i] }
    }

    /// Total number of counted transitions.
    public var transitionCount: Int { counts.reduce(0, +) }

    /// Row-normalised probabilities P[a, b] = C[a, b] / Σ_b C[a, b], k × k row-major; rows
    /// with zero sum stay all zero (SOAPify `normalizeMatrixByRow`). The study's figures show
    /// 100·P.
    public var probabilities: [Double] {
        let k = classCount
        var p = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            var sum = 0
            for b in 0..<k { sum += counts[a * k + b] }
            guard sum > 0 else { continue }
            let total = Double(sum)
            for b in 0..<k { p[a * k + b] = Double(counts[a * k + b]) / total }
        }
        return p
    }

    /// The macro matrix: `microToMacro[a]` is the macro class of micro class a (k values in
    /// 0..<K, K = max + 1); macro counts are the block sums
    /// C_macro[A, B] = Σ_{a ∈ A, b ∈ B} C[a, b], which equal the counts of the mapped labels
    /// (conventions §8). Its ``probabilities`` are the macro probabilities.
    public func mapped(through microToMacro: [Int]) throws(LearningError) -> TransitionMatrix {
        guard microToMacro.count == classCount else {
            throw .dimensionMismatch(expected: classCount, got: microToMacro.count, context: "TransitionMatrix.mapped: micro → macro map")
        }
        if let bad = microToMacro.firstIndex(where: { $0 < 0 }) {
            throw .invalidParameter(name: "microToMacro[\(bad)]", value: "\(microToMacro[bad])", reason: "macro ids cannot be negative")
        }
        let big = microToMacro.max()! + 1
        var macro = try TransitionMatrix(classCount: big)
        let k = classCount
        for a in 0..<k {
            for b in 0..<k { macro.counts[microToMacro[a] * big + microToMacro[b]] += counts[a * k + b] }
        }
        return macro
    }

    private static func negativeLabel(_ label: Int32, frame: Int, atom: Int) -> LearningError {
        .invalidParameter(name: "label", value: "\(label)", reason: "negative label at frame \(frame), atom \(atom); transitions need a class for every point (soft clustering, conventions §6)")
    }
}
