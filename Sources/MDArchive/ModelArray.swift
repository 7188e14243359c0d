/// One numeric array of a model bundle, row-major with its shape: how every fitted quantity
/// (PCA mean and components, cluster centres, covariances, transition counts, the
/// micro → macro map) is stored, so that the bundle is plain HDF5 any language reads.
public enum ModelArray: Sendable, Equatable {
    case float64(shape: [Int], values: [Double])
    case int64(shape: [Int], values: [Int64])

    /// A 1-D float64 array.
    public static func vector(_ values: [Double]) -> ModelArray { .float64(shape: [values.count], values: values) }
    /// A rows × columns float64 matrix.
    public static func matrix(_ values: [Double], rows: Int, columns: Int) -> ModelArray {
        precondition(values.count == rows * columns, "matrix shape mismatch")
        return .float64(shape: [rows, columns], values: values)
    }
    /// A 1-D int64 array.
    public static func integers(_ values: [Int64]) -> ModelArray { .int64(shape: [values.count], values: values) }

    public var shape: [Int] {
        switch self {
        case .float64(let shape, _), .int64(let shape, _): shape
        }
    }

    /// The values as doubles (integers converted).
    public var doubles: [Double] {
        switch self {
        case .float64(_, let v): v
        case .int64(_, let v): v.map(Double.init)
        }
    }

    /// The values as integers (nil for a float array).
    public var integers: [Int64]? {
        if case .int64(_, let v) = self { return v }
        return nil
    }

    /// Bytes that identify the array (type tag, shape, little-endian values), for the hash.
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        func append(_ v: UInt64) { for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        switch self {
        case .float64(let shape, let values):
            out.append(1)
            append(UInt64(shape.count))
            for s in shape { append(UInt64(s)) }
            for v in values { append(v.bitPattern) }
        case .int64(let shape, let values):
            out.append(2)
            append(UInt64(shape.count))
            for s in shape { append(UInt64(s)) }
            for v in values { append(UInt64(bitPattern: v)) }
        }
        return out
    }
}
