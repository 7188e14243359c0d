import CHDF5
import Foundation

/// Reading and writing string elements (fixed-length and variable-length) for datasets and
/// attributes alike: the caller supplies the actual `H5Dread`/`H5Aread` call.
enum HDF5Strings {
    /// Reads `count` strings stored with file type `fileType` in dataspace `space`.
    /// `read(memoryType, buffer)` performs the transfer.
    static func read(
        fileType: hid_t, info: HDF5TypeInfo, space: hid_t, count: Int, context: HDF5Context,
        operation: String, read: (hid_t, UnsafeMutableRawPointer) -> herr_t
    ) throws(HDF5Error) -> [String] {
        guard info.elementClass == .string else {
            throw context.mismatch(operation, "elements are \(info.elementClass.rawValue), not strings")
        }
        if count == 0 { return [] }
        if info.isVariableLengthString {
            let memoryType = try context.own(H5Tcopy(chdf5_c_s1()), .datatype, "H5Tcopy")
            try context.check(H5Tset_size(memoryType.id, chdf5_variable()), "H5Tset_size")
            try context.check(
                H5Tset_cset(memoryType.id, info.isUTF8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII), "H5Tset_cset")
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
            let status = pointers.withUnsafeMutableBytes { read(memoryType.id, $0.baseAddress!) }
            try context.check(status, operation)
            var result: [String] = []
            result.reserveCapacity(count)
            for p in pointers { result.append(p.map { String(cString: $0) } ?? "") }
            _ = pointers.withUnsafeMutableBytes {
                H5Dvlen_reclaim(memoryType.id, space, chdf5_p_default(), $0.baseAddress!)
            }
            return result
        }
        let size = info.size
        let memoryType = try context.own(H5Tcopy(fileType), .datatype, "H5Tcopy")
        var bytes = [UInt8](repeating: 0, count: size * count)
        let status = bytes.withUnsafeMutableBytes { read(memoryType.id, $0.baseAddress!) }
        try context.check(status, operation)
        var result: [String] = []
        result.reserveCapacity(count)
        for k in 0..<count {
            var slice = bytes[(k * size)..<((k + 1) * size)]
            if let nul = slice.firstIndex(of: 0) { slice = slice[..<nul] }
            if info.isSpacePadded {
                while let last = slice.last, last == 0x20 { slice = slice.dropLast() }
            }
            result.append(String(decoding: slice, as: UTF8.self))
        }
        return result
    }

    /// A string datatype: UTF-8, variable-length or fixed-length with the longest string's
    /// byte count (NUL-padded, at least 1 byte).
    static func makeType(
        for strings: [String], variableLength: Bool, context: HDF5Context
    ) throws(HDF5Error) -> HDF5Handle {
        let type = try context.own(H5Tcopy(chdf5_c_s1()), .datatype, "H5Tcopy")
        let size = variableLength ? chdf5_variable() : max(1, strings.map(\.utf8.count).max() ?? 1)
        try context.check(H5Tset_size(type.id, size), "H5Tset_size")
        try context.check(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset")
        if !variableLength {
            try context.check(H5Tset_strpad(type.id, H5T_STR_NULLPAD), "H5Tset_strpad")
        }
        return type
    }

    /// Writes `strings` with `type` (from ``makeType(for:variableLength:context:)``) through
    /// `write(type, buffer)`.
    static func write(
        _ strings: [String], type: hid_t, variableLength: Bool, context: HDF5Context,
        operation: String, write: (hid_t, UnsafeRawPointer) -> herr_t
    ) throws(HDF5Error) {
        if strings.isEmpty { return }
        let status: herr_t
        if variableLength {
            let copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
            defer { for p in copies { free(p) } }
            status = copies.withUnsafeBytes { write(type, $0.baseAddress!) }
        } else {
            let size = H5Tget_size(type)
            var bytes = [UInt8](repeating: 0, count: max(1, size * strings.count))
            for (k, s) in strings.enumerated() {
                for (j, byte) in s.utf8.enumerated() { bytes[k * size + j] = byte }
            }
            status = bytes.withUnsafeBytes { write(type, $0.baseAddress!) }
        }
        try context.check(status, operation)
    }
}
