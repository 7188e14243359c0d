import CLinAlg

/// Exact, mergeable sufficient statistics for PCA over rows of a fixed width d: the row count
/// n, the mean (d) and the centred co-moment matrix M2 = Σ (x − mean)(x − mean)ᵀ (d × d), all
/// in Float64.
///
/// Rows are added in batches: each block of at most ``blockRows`` rows is copied once into a
/// scratch buffer, centred on its own mean, and its co-moment is computed with BLAS
/// (`cblas_dsyrk`, upper triangle) straight into M2 together with Chan, Golub & LeVeque's
/// parallel update
///
///     n = na + nb,  δ = mean_b − mean_a,  mean = mean_a + δ·nb/n,
///     M2 = M2_a + M2_b + δδᵀ · na·nb/n      (the rank-1 term with `cblas_dsyr`).
///
/// ``merge(_:)`` combines two accumulators (threads, shards, files) with the same formula, so
/// the result does not depend on how rows were split. Because the data are centred before the
/// products are formed, this is more accurate than scikit-learn's `XᵀX − n·meanᵀmean` (same
/// quantity, no cancellation). ``fit(rule:)`` turns the statistics into a ``PCAModel``.
///
/// Only the **upper triangle** of M2 (row-major, `m2[i*d + j]` with i ≤ j) is maintained; the
/// lower triangle is unspecified. Memory: d² Float64 (2.7 MB for d = 577).
public struct PCAAccumulator: Sendable, Equatable {
    /// Rows per BLAS block in ``add(rows:count:)``: bounds the scratch buffer to
    /// `blockRows × d` values whatever the batch size.
    public static let blockRows = 1024

    /// Row width d.
    public let featureCount: Int
    /// Number of rows added so far.
    public private(set) var count: Int = 0
    /// Mean of the rows added so far (d values; zeros while `count == 0`).
    public private(set) var mean: [Double]
    /// Centred co-moment matrix Σ (x − mean)(x − mean)ᵀ, d × d row-major; **upper triangle
    /// only** is meaningful.
    public private(set) var comoment: [Double]

    /// An empty accumulator for rows of `featureCount` numbers.
    public init(featureCount: Int) throws(LearningError) {
        guard featureCount > 0 else {
            throw .invalidParameter(name: "featureCount", value: "\(featureCount)", reason: "must be positive")
        }
        self.featureCount = featureCount
        mean = [Double](repeating: 0, count: featureCount)
        comoment = [Double](repeating: 0, count: featureCount * featureCount)
    }

    /// Adds `count` rows given row-major (`rows.count == count × featureCount`).
    /// Throws `.dimensionMismatch` for another width and `.nonFiniteValue(row:column:)` (row
    /// index within this batch) for NaN or ±∞; on error nothing is added.
    public mutating func add(rows: [Double], count rowCount: Int) throws(LearningError) {
        var failure: LearningError?
        rows.withUnsafeBufferPointer { buffer in
            do throws(LearningError) { try add(rows: buffer, count: rowCount) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Adds `count` rows given row-major in `rows` (the same as the array form).
    public mutating func add(rows: UnsafeBufferPointer<Double>, count rowCount: Int) throws(LearningError) {
        let d = featureCount
        guard rowCount >= 0, rows.count == rowCount * d else {
            throw .dimensionMismatch(
                expected: d, got: rowCount > 0 ? rows.count / rowCount : rows.count,
                context: "PCAAccumulator.add: \(rows.count) values for \(rowCount) rows")
        }
        guard rowCount > 0, let base = rows.baseAddress else { return }
        // Validate everything first so that an error leaves the accumulator unchanged.
        for index in 0..<(rowCount * d) where !base[index].isFinite {
            throw .nonFiniteValue(row: index / d, column: index % d)
        }
        let block = min(rowCount, Self.blockRows)
        var scratch = [Double](repeating: 0, count: block * d)
        var blockMean = [Double](repeating: 0, count: d)
        var start = 0
        while start < rowCount {
            let b = min(block, rowCount - start)
            scratch.withUnsafeMutableBufferPointer { s in
                blockMean.withUnsafeMutableBufferPointer { bm in
                    let src = base + start * d
                    // Column sums in row order, then the block mean.
                    for j in 0..<d { bm[j] = 0 }
                    for r in 0..<b {
                        let row = src + r * d
                        for j in 0..<d { bm[j] += row[j] }
                    }
                    let inv = 1.0 / Double(b)
                    for j in 0..<d { bm[j] *= inv }
                    for r in 0..<b {
                        let row = src + r * d
                        let out = s.baseAddress! + r * d
                        for j in 0..<d { out[j] = row[j] - bm[j] }
                    }
                    combine(blockCount: b, blockMean: UnsafeBufferPointer(bm)) { m2 in
                        // M2 += Xcᵀ Xc (upper triangle), Xc = b × d row-major.
                        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(d), Int32(b),
                                    1.0, s.baseAddress, Int32(d), 1.0, m2, Int32(d))
                    }
                }
            }
            start += b
        }
    }

    /// Merges another accumulator's rows into this one (Chan et al.'s pairwise formula).
    /// Throws `.dimensionMismatch` if the widths differ.
    public mutating func merge(_ other: PCAAccumulator) throws(LearningError) {
        guard other.featureCount == featureCount else {
            throw .dimensionMismatch(expected: featureCount, got: other.featureCount, context: "PCAAccumulator.merge")
        }
        guard other.count > 0 else { return }
        let d = featureCount
        other.mean.withUnsafeBufferPointer { om in
            other.comoment.withUnsafeBufferPointer { oc in
                combine(blockCount: other.count, blockMean: om) { m2 in
                    // Upper triangles only: add row i from column i on.
                    for i in 0..<d {
                        let dst = m2 + i * d, src = oc.baseAddress! + i * d
                        for j in i..<d { dst[j] += src[j] }
                    }
                }
            }
        }
    }

    /// The shared update: `addComoment` adds the other part's own M2 into the upper triangle,
    /// then the mean moves and the rank-1 between-part term is added.
    private mutating func combine(
        blockCount nb: Int, blockMean: UnsafeBufferPointer<Double>,
        addComoment: (UnsafeMutablePointer<Double>) -> Void
    ) {
        let d = featureCount
        let na = count
        let n = na + nb
        comoment.withUnsafeMutableBufferPointer { m2 in
            addComoment(m2.baseAddress!)
            guard na > 0 else { return }
            // δ = mean_b − mean_a; M2 += δδᵀ · na·nb/n.
            var delta = [Double](repeating: 0, count: d)
            mean.withUnsafeBufferPointer { ma in
                for j in 0..<d { delta[j] = blockMean[j] - ma[j] }
            }
            let weight = Double(na) * Double(nb) / Double(n)
            cblas_dsyr(CblasRowMajor, CblasUpper, Int32(d), weight, delta, 1, m2.baseAddress, Int32(d))
        }
        let fb = Double(nb) / Double(n)
        mean.withUnsafeMutableBufferPointer { ma in
            if na == 0 {
                for j in 0..<d { ma[j] = blockMean[j] }
            } else {
                for j in 0..<d { ma[j] += (blockMean[j] - ma[j]) * fb }
            }
        }
        count = n
    }
}

extension PCAAccumulator {
    /// Fits a ``PCAModel`` (scikit-learn's `covariance_eigh` PCA) to the rows added so far.
    /// Throws `.emptyInput` with fewer than 2 rows, `.invalidParameter` for a rule outside its
    /// domain or data with zero total variance, `.lapackFailure` if `dsyevd` fails.
    public func fit(rule: PCAComponentRule) throws(LearningError) -> PCAModel {
        try PCAModel(accumulator: self, rule: rule)
    }
}
