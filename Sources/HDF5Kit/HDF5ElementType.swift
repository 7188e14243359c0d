import CHDF5

/// The numeric element types the wrapper creates datasets and attributes with.
public enum HDF5ElementType: String, Sendable, CaseIterable {
    case float64, float32, int32, int64, uint8

    /// The native (in-memory) HDF5 type; also used as the file type.
    var nativeType: hid_t {
        switch self {
        case .float64: return chdf5_native_double()
        case .float32: return chdf5_native_float()
        case .int32: return chdf5_native_int32()
        case .int64: return chdf5_native_int64()
        case .uint8: return chdf5_native_uint8()
        }
    }
}
