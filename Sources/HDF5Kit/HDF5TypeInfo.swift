import CHDF5

/// What a stored datatype is: class, size in bytes, and for strings whether they are
/// variable-length and which character set they use.
struct HDF5TypeInfo: Sendable {
    var elementClass: HDF5ElementClass
    /// Bytes per element (for variable-length strings, the size of the pointer).
    var size: Int
    var isVariableLengthString: Bool
    /// `true` for UTF-8 strings, `false` for ASCII.
    var isUTF8: Bool
    /// `true` for fixed-length strings padded with spaces (Fortran style).
    var isSpacePadded: Bool

    init(type: hid_t, context: HDF5Context) throws(HDF5Error) {
        let typeClass = H5Tget_class(type)
        if typeClass.rawValue < 0 { throw context.libraryError("H5Tget_class") }
        switch typeClass {
        case H5T_INTEGER: elementClass = .integer
        case H5T_FLOAT: elementClass = .float
        case H5T_STRING: elementClass = .string
        default: elementClass = .other
        }
        let size = H5Tget_size(type)
        if size == 0 { throw context.libraryError("H5Tget_size") }
        self.size = size
        if elementClass == .string {
            isVariableLengthString = try context.check(H5Tis_variable_str(type), "H5Tis_variable_str") > 0
            let cset = H5Tget_cset(type)
            if cset.rawValue < 0 { throw context.libraryError("H5Tget_cset") }
            isUTF8 = cset == H5T_CSET_UTF8
            isSpacePadded = !isVariableLengthString && H5Tget_strpad(type) == H5T_STR_SPACEPAD
        } else {
            isVariableLengthString = false
            isUTF8 = false
            isSpacePadded = false
        }
    }
}
