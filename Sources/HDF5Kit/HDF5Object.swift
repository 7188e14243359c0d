import CHDF5

/// An open group or dataset: what both have in common is a place in a file and attributes.
///
/// Attributes are small metadata (units, H5MD `boundary`, descriptor hyper-parameters). They
/// are written whole; writing an existing name replaces the attribute.
public class HDF5Object: @unchecked Sendable {
    /// Path of the file as given when it was opened.
    public var filePath: String { context.file }
    /// Absolute object path inside the file.
    public var path: String { context.object }

    let handle: HDF5Handle
    /// Keeps the file open while this object exists.
    let fileHandle: HDF5Handle
    let context: HDF5Context

    init(handle: HDF5Handle, fileHandle: HDF5Handle, context: HDF5Context) {
        self.handle = handle
        self.fileHandle = fileHandle
        self.context = context
    }

    // MARK: - inspecting

    /// Names of all attributes, in name order.
    public func attributeNames() throws(HDF5Error) -> [String] {
        HDF5Library.prepareThread()
        final class Names { var list: [String] = [] }
        let names = Names()
        let status = withExtendedLifetime(names) {
            H5Aiterate2(handle.id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                guard let name, let data else { return -1 }
                Unmanaged<Names>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(names).toOpaque())
        }
        try context.check(status, "H5Aiterate2")
        return names.list
    }

    /// Whether an attribute `name` exists.
    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        HDF5Library.prepareThread()
        return try context.check(H5Aexists(handle.id, name), "H5Aexists '\(name)'") > 0
    }

    /// Element class of attribute `name` (numeric or string).
    public func attributeElementClass(_ name: String) throws(HDF5Error) -> HDF5ElementClass {
        let attribute = try openAttribute(name)
        return try attributeTypeInfo(attribute, name).elementClass
    }

    // MARK: - reading

    /// All values of a scalar or 1-D (or any rank, flattened) numeric attribute, converted
    /// to `T` by HDF5.
    public func readAttribute<T: HDF5Numeric>(_ name: String, as type: T.Type = T.self) throws(HDF5Error) -> [T] {
        let attribute = try openAttribute(name)
        let info = try attributeTypeInfo(attribute, name)
        let operation = "read attribute '\(name)'"
        guard info.elementClass == .integer || info.elementClass == .float else {
            throw context.mismatch(operation, "attribute holds \(info.elementClass.rawValue) elements, not numbers")
        }
        let count = try attributeCount(attribute, name)
        if count == 0 { return [] }
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = H5Aread(attribute.id, T.hdf5ElementType.nativeType, buffer.baseAddress!)
            initialized = count
        }
        try context.check(status, operation)
        return values
    }

    /// The single value of a numeric attribute (scalar, or 1-D of length 1).
    public func readScalarAttribute<T: HDF5Numeric>(_ name: String, as type: T.Type = T.self) throws(HDF5Error) -> T {
        let values = try readAttribute(name, as: T.self)
        guard values.count == 1 else {
            throw context.mismatch("read attribute '\(name)'", "expected one value, found \(values.count)")
        }
        return values[0]
    }

    /// The strings of a scalar or 1-D string attribute, fixed-length or variable-length
    /// (h5py writes Python `str` as variable-length UTF-8). A scalar gives one element.
    public func readStringAttribute(_ name: String) throws(HDF5Error) -> [String] {
        let attribute = try openAttribute(name)
        let info = try attributeTypeInfo(attribute, name)
        let type = try context.own(H5Aget_type(attribute.id), .datatype, "H5Aget_type '\(name)'")
        let space = try context.own(H5Aget_space(attribute.id), .dataspace, "H5Aget_space '\(name)'")
        let count = try attributeCount(attribute, name)
        return try HDF5Strings.read(
            fileType: type.id, info: info, space: space.id, count: count, context: context,
            operation: "read string attribute '\(name)'"
        ) { memoryType, buffer in H5Aread(attribute.id, memoryType, buffer) }
    }

    // MARK: - writing

    /// Writes a 1-D numeric attribute (replacing any attribute of that name).
    public func writeAttribute<T: HDF5Numeric>(_ name: String, _ values: [T]) throws(HDF5Error) {
        try writeNumericAttribute(name, values, dims: [hsize_t(values.count)])
    }

    /// Writes a scalar numeric attribute (replacing any attribute of that name).
    public func writeAttribute<T: HDF5Numeric>(_ name: String, scalar value: T) throws(HDF5Error) {
        try writeNumericAttribute(name, [value], dims: nil)
    }

    /// Writes a scalar UTF-8 string attribute, variable-length by default (what the H5MD
    /// units module and h5py use).
    public func writeAttribute(_ name: String, string: String, variableLength: Bool = true) throws(HDF5Error) {
        try writeStringAttribute(name, [string], dims: nil, variableLength: variableLength)
    }

    /// Writes a 1-D UTF-8 string attribute, variable-length by default.
    public func writeAttribute(_ name: String, strings: [String], variableLength: Bool = true) throws(HDF5Error) {
        try writeStringAttribute(name, strings, dims: [hsize_t(strings.count)], variableLength: variableLength)
    }

    /// Removes attribute `name`.
    public func deleteAttribute(_ name: String) throws(HDF5Error) {
        HDF5Library.prepareThread()
        try context.check(H5Adelete(handle.id, name), "H5Adelete '\(name)'")
    }

    // MARK: - internals

    private func openAttribute(_ name: String) throws(HDF5Error) -> HDF5Handle {
        HDF5Library.prepareThread()
        return try context.own(H5Aopen(handle.id, name, chdf5_p_default()), .attribute, "H5Aopen '\(name)'")
    }

    private func attributeTypeInfo(_ attribute: HDF5Handle, _ name: String) throws(HDF5Error) -> HDF5TypeInfo {
        let type = try context.own(H5Aget_type(attribute.id), .datatype, "H5Aget_type '\(name)'")
        return try HDF5TypeInfo(type: type.id, context: context)
    }

    private func attributeCount(_ attribute: HDF5Handle, _ name: String) throws(HDF5Error) -> Int {
        let space = try context.own(H5Aget_space(attribute.id), .dataspace, "H5Aget_space '\(name)'")
        let n = H5Sget_simple_extent_npoints(space.id)
        if n < 0 { throw context.libraryError("H5Sget_simple_extent_npoints '\(name)'") }
        return Int(n)
    }

    private func makeSpace(_ dims: [hsize_t]?) throws(HDF5Error) -> HDF5Handle {
        if let dims {
            return try context.own(H5Screate_simple(Int32(dims.count), dims, nil), .dataspace, "H5Screate_simple")
        }
        return try context.own(H5Screate(H5S_SCALAR), .dataspace, "H5Screate")
    }

    private func replaceAttribute(_ name: String, type: hid_t, space: hid_t) throws(HDF5Error) -> HDF5Handle {
        HDF5Library.prepareThread()
        if try context.check(H5Aexists(handle.id, name), "H5Aexists '\(name)'") > 0 {
            try context.check(H5Adelete(handle.id, name), "H5Adelete '\(name)'")
        }
        return try context.own(
            H5Acreate2(handle.id, name, type, space, chdf5_p_default(), chdf5_p_default()),
            .attribute, "H5Acreate2 '\(name)'")
    }

    private func writeNumericAttribute<T: HDF5Numeric>(_ name: String, _ values: [T], dims: [hsize_t]?) throws(HDF5Error) {
        let space = try makeSpace(dims)
        let type = T.hdf5ElementType.nativeType
        let attribute = try replaceAttribute(name, type: type, space: space.id)
        let status = values.withUnsafeBytes { H5Awrite(attribute.id, type, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!) }
        try context.check(status, "H5Awrite '\(name)'")
    }

    private func writeStringAttribute(_ name: String, _ strings: [String], dims: [hsize_t]?, variableLength: Bool) throws(HDF5Error) {
        let space = try makeSpace(dims)
        let type = try HDF5Strings.makeType(for: strings, variableLength: variableLength, context: context)
        let attribute = try replaceAttribute(name, type: type.id, space: space.id)
        try HDF5Strings.write(
            strings, type: type.id, variableLength: variableLength, context: context,
            operation: "H5Awrite '\(name)'"
        ) { memoryType, buffer in H5Awrite(attribute.id, memoryType, buffer) }
    }
}
