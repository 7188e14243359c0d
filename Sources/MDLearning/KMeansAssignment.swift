import CLinAlg

/// The k-means assignment kernels on raw row-major buffers: nearest centre of each row, and
/// optionally the M-step sums (per-cluster sum of the rows and row count), in one pass.
///
/// The criterion is scikit-learn's (`_k_means_lloyd.pyx`, `_update_chunk_dense`): the label of
/// row x is the first j minimising `‖c_j‖² − 2 x·c_j`, scanned with a strict `<`, so ties go
/// to the lowest index.
enum KMeansAssignment {
    /// Rows per BLAS block (scikit-learn's `CHUNK_SIZE`).
    static let chunk = 256

    /// The nearest of `clusters` centres (row-major, `clusters × width`) to one row.
    @inline(__always)
    static func nearest(
        row x: UnsafePointer<Double>, centres c: UnsafePointer<Double>, centreSquaredNorms cn: UnsafePointer<Double>,
        clusters k: Int, width d: Int
    ) -> Int {
        var best = 0
        var bestDistance = Double.infinity
        for j in 0..<k {
            let cj = c + j * d
            var dot = 0.0
            for f in 0..<d { dot += x[f] * cj[f] }
            let distance = cn[j] - 2 * dot
            if j == 0 || distance < bestDistance {
                bestDistance = distance
                best = j
            }
        }
        return best
    }

    /// Labels every row; when `sums` and `counts` are given, also adds each row to
    /// `sums[label]` (k × width) and 1 to `counts[label]` (the caller zeroes them first).
    /// `scratch` holds `chunk × clusters` doubles (used by `.blas` only). `rows` may be nil
    /// only when `count == 0`.
    static func assign(
        rows: UnsafePointer<Double>?, count n: Int, width d: Int,
        centres c: UnsafePointer<Double>, centreSquaredNorms cn: UnsafePointer<Double>, clusters k: Int,
        labels: UnsafeMutablePointer<Int32>, scratch: UnsafeMutablePointer<Double>,
        method: KMeansDistanceMethod,
        sums: UnsafeMutablePointer<Double>? = nil, counts: UnsafeMutablePointer<Double>? = nil
    ) {
        guard n > 0, let x = rows else { return }
        switch method.resolved(width: d) {
        case .direct, .automatic:
            for i in 0..<n {
                let xi = x + i * d
                let label = nearest(row: xi, centres: c, centreSquaredNorms: cn, clusters: k, width: d)
                labels[i] = Int32(label)
                if let sums, let counts {
                    let s = sums + label * d
                    for f in 0..<d { s[f] += xi[f] }
                    counts[label] += 1
                }
            }
        case .blas:
            var start = 0
            while start < n {
                let m = min(chunk, n - start)
                for i in 0..<m {
                    for j in 0..<k { scratch[i * k + j] = cn[j] }
                }
                // scratch (m × k) += −2 · X[start..<start+m] (m × d) · Cᵀ (d × k)
                cblas_dgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(k), Int32(d),
                    -2.0, x + start * d, Int32(d), c, Int32(d), 1.0, scratch, Int32(k))
                for i in 0..<m {
                    let row = scratch + i * k
                    var best = 0
                    var bestDistance = row[0]
                    for j in 1..<max(k, 1) where row[j] < bestDistance {
                        bestDistance = row[j]
                        best = j
                    }
                    labels[start + i] = Int32(best)
                    if let sums, let counts {
                        let xi = x + (start + i) * d
                        let s = sums + best * d
                        for f in 0..<d { s[f] += xi[f] }
                        counts[best] += 1
                    }
                }
                start += m
            }
        }
    }

    /// Σ_i ‖x_i − c_{label_i}‖², summed directly (scikit-learn's `_inertia_dense`).
    static func inertia(
        rows x: UnsafePointer<Double>, count n: Int, width d: Int, centres c: UnsafePointer<Double>, labels: UnsafePointer<Int32>
    ) -> Double {
        var total = 0.0
        for i in 0..<n {
            let xi = x + i * d
            let cj = c + Int(labels[i]) * d
            var s = 0.0
            for f in 0..<d {
                let t = xi[f] - cj[f]
                s += t * t
            }
            total += s
        }
        return total
    }
}
