/// Swift scalar types that map to an ``HDF5ElementType``. Reads convert from whatever numeric
/// type is stored through HDF5's own conversion (e.g. float32 on disk into `[Double]`).
public protocol HDF5Numeric: Sendable, Numeric {
    /// The matching HDF5 element type.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Double: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float64 } }
extension Float: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Int32: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension Int64: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension UInt8: HDF5Numeric { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
