/// How k-means computes the row-to-centre distances in the assignment (E) step.
///
/// Both use the expansion ‖x − c‖² = ‖x‖² − 2 x·c + ‖c‖² and compare `‖c‖² − 2 x·c` (the
/// row's own norm does not change the argmin), as scikit-learn's `lloyd` does; they differ in
/// how the dot products are formed, so labels can differ only on exact ties at rounding level.
public enum KMeansDistanceMethod: Sendable, Equatable {
    /// `.blas` for every width (see the measurement below).
    case automatic
    /// A plain scalar loop over rows and centres (also what single-row prediction uses).
    case direct
    /// `cblas_dgemm` on blocks of 256 rows (scikit-learn's `CHUNK_SIZE`), writing
    /// `‖c‖² − 2 X Cᵀ` into a 256 × k scratch block, as sklearn's `_update_chunk_dense`.
    case blas

    // Measured (swiftc -O, OpenBLAS with one thread, k = 7, one assignment + M-step-sum pass,
    // best of 7, on a shared 2-core machine, so ±20 %):
    //   400,000 × 5:  direct 12–17 ms, blas 9–14 ms (a SIMD8-padded direct loop: 9–10 ms)
    //   100,000 × 16: direct 6.6 ms, blas 4.3 ms;  × 32: 15.6 vs 7.2 ms;  × 64: 26.8 vs 15.0 ms
    // dgemm is never slower, even for the 5 features of PCA-reduced χ, so `.automatic` is
    // `.blas`; in debug builds the gap is far larger (the arithmetic runs in OpenBLAS).

    /// The concrete method for rows of `width` features.
    func resolved(width: Int) -> KMeansDistanceMethod {
        switch self {
        case .automatic: .blas
        case .direct, .blas: self
        }
    }
}
