/// What every fit and search does with its input: a row-major `count × width` matrix of
/// doubles (row i, feature f at `i·width + f`).
enum RowMatrix {
    /// Checks the shape and the values before a fit: at least `minimumCount` rows
    /// (`.emptyInput("<what> rows")`), a positive width, `count · width` numbers
    /// (`.dimensionMismatch`) and only finite values (`.nonFiniteValue` naming the first).
    static func validate(_ rows: [Double], count: Int, width: Int, minimumCount: Int = 1, what: String) throws(LearningError) {
        guard count >= minimumCount else {
            throw .emptyInput(minimumCount > 1 ? "\(what) rows (at least \(minimumCount) needed)" : "\(what) rows")
        }
        guard width > 0 else { throw .emptyInput("\(what) row width") }
        guard rows.count == count * width else {
            throw .dimensionMismatch(expected: width, got: rows.count / count, context: "\(what) rows (\(rows.count) numbers for \(count) rows)")
        }
        if let bad = rows.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(row: bad / width, column: bad % width) }
    }

    /// Squared Euclidean distance between two rows of `width` numbers, summed in feature order
    /// (the order scikit-learn's and hdbscan's scalar loops use).
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ width: Int) -> Double {
        var s = 0.0
        for f in 0..<width {
            let t = a[f] - b[f]
            s += t * t
        }
        return s
    }
}
