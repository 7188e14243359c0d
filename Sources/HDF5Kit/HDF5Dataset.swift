import CHDF5

/// An open dataset: numeric arrays (any rank, C order) or 1-D string arrays.
///
/// Time series are stored frame-major: the first dimension counts frames, so "hyperslab"
/// here always means a range of frames `[start, start + count)` with every other dimension
/// complete. Reads convert between numeric types through HDF5 (float32 on disk → `[Double]`).
public final class HDF5Dataset: HDF5Object, @unchecked Sendable {
    /// Class of the stored elements.
    public let elementClass: HDF5ElementClass
    /// Bytes per stored element (pointer size for variable-length strings).
    public let elementSize: Int
    /// `true` for string datasets (fixed-length or variable-length).
    public var isString: Bool { elementClass == .string }
    /// `true` for variable-length string datasets.
    public let isVariableLengthString: Bool

    private let typeInfo: HDF5TypeInfo
    private let fileType: HDF5Handle

    init(opened handle: HDF5Handle, fileHandle: HDF5Handle, context: HDF5Context) throws(HDF5Error) {
        fileType = try context.own(H5Dget_type(handle.id), .datatype, "H5Dget_type")
        typeInfo = try HDF5TypeInfo(type: fileType.id, context: context)
        elementClass = typeInfo.elementClass
        elementSize = typeInfo.size
        isVariableLengthString = typeInfo.isVariableLengthString
        super.init(handle: handle, fileHandle: fileHandle, context: context)
    }

    /// Current dimensions (`[]` for a scalar dataset).
    public var shape: [Int] {
        get throws(HDF5Error) { try extent().dims.map { Int($0) } }
    }

    /// Maximum dimensions; `nil` entries are unlimited.
    public var maxShape: [Int?] {
        get throws(HDF5Error) {
            try extent().maxDims.map { $0 == chdf5_s_unlimited() ? nil : Int($0) }
        }
    }

    /// Number of frames (the first dimension); 1 for a scalar dataset.
    public var frameCount: Int {
        get throws(HDF5Error) { try shape.first ?? 1 }
    }

    /// Chunk shape, or `nil` for contiguous (or compact) storage.
    public var chunkShape: [Int]? {
        get throws(HDF5Error) {
            HDF5Library.prepareThread()
            let dcpl = try context.own(H5Dget_create_plist(handle.id), .propertyList, "H5Dget_create_plist")
            guard H5Pget_layout(dcpl.id) == H5D_CHUNKED else { return nil }
            var dims = [hsize_t](repeating: 0, count: 32)
            let rank = try context.check(H5Pget_chunk(dcpl.id, 32, &dims), "H5Pget_chunk")
            return dims.prefix(Int(rank)).map { Int($0) }
        }
    }

    /// Grows (or shrinks) the first dimension to `frames`. The dataset must be extensible.
    public func extend(toFrames frames: Int) throws(HDF5Error) {
        var dims = try extent().dims
        guard !dims.isEmpty else { throw context.mismatch("extend", "a scalar dataset has no frames") }
        dims[0] = hsize_t(frames)
        try context.check(H5Dset_extent(handle.id, dims), "H5Dset_extent to \(frames) frames")
    }

    // MARK: - numeric I/O

    /// Writes the whole dataset from `values` (C order, count = product of the shape).
    public func write<T: HDF5Numeric>(_ values: [T]) throws(HDF5Error) {
        HDF5Library.prepareThread()
        let count = try shape.reduce(1, *)
        guard values.count == count else {
            throw context.mismatch("write", "\(values.count) values for \(count) elements")
        }
        try requireNumeric("write")
        let status = values.withUnsafeBytes {
            H5Dwrite(handle.id, T.hdf5ElementType.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(),
                     $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!)
        }
        try context.check(status, "H5Dwrite")
    }

    /// Writes whole frames starting at frame `start`; `values.count` must be a multiple of
    /// the frame size. The dataset must already be large enough (see ``extend(toFrames:)``).
    public func write<T: HDF5Numeric>(_ values: [T], atFrame start: Int) throws(HDF5Error) {
        HDF5Library.prepareThread()
        try requireNumeric("write frames")
        let (dims, frameSize) = try framedExtent("write frames")
        guard frameSize > 0, values.count % frameSize == 0 else {
            throw context.mismatch("write frames", "\(values.count) values are not whole frames of \(frameSize)")
        }
        let count = values.count / frameSize
        let (fileSpace, memorySpace) = try selectFrames(start: start, count: count, dims: dims, operation: "write frames")
        let status = values.withUnsafeBytes {
            H5Dwrite(handle.id, T.hdf5ElementType.nativeType, memorySpace.id, fileSpace.id, chdf5_p_default(),
                     $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!)
        }
        try context.check(status, "H5Dwrite frames \(start)..<\(start + count)")
    }

    /// Reads the whole dataset, converted to `T`.
    public func read<T: HDF5Numeric>(as type: T.Type = T.self) throws(HDF5Error) -> [T] {
        HDF5Library.prepareThread()
        try requireNumeric("read")
        let count = try shape.reduce(1, *)
        if count == 0 { return [] }
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = H5Dread(handle.id, T.hdf5ElementType.nativeType, chdf5_s_all(), chdf5_s_all(),
                             chdf5_p_default(), buffer.baseAddress!)
            initialized = count
        }
        try context.check(status, "H5Dread")
        return values
    }

    /// Reads frames `frames` (a range of the first dimension), converted to `T`, C order.
    public func read<T: HDF5Numeric>(frames: Range<Int>, as type: T.Type = T.self) throws(HDF5Error) -> [T] {
        HDF5Library.prepareThread()
        try requireNumeric("read frames")
        let (dims, frameSize) = try framedExtent("read frames")
        let (fileSpace, memorySpace) = try selectFrames(
            start: frames.lowerBound, count: frames.count, dims: dims, operation: "read frames")
        let count = frames.count * frameSize
        if count == 0 { return [] }
        var status: herr_t = 0
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = H5Dread(handle.id, T.hdf5ElementType.nativeType, memorySpace.id, fileSpace.id,
                             chdf5_p_default(), buffer.baseAddress!)
            initialized = count
        }
        try context.check(status, "H5Dread frames \(frames.lowerBound)..<\(frames.upperBound)")
        return values
    }

    // MARK: - strings

    /// Reads a 1-D (or scalar) string dataset, fixed-length or variable-length.
    public func readStrings() throws(HDF5Error) -> [String] {
        HDF5Library.prepareThread()
        let (dims, _) = try extent()
        guard dims.count <= 1 else {
            throw context.mismatch("read strings", "string datasets of rank \(dims.count) are not supported")
        }
        let space = try context.own(H5Dget_space(handle.id), .dataspace, "H5Dget_space")
        let count = Int(dims.first ?? 1)
        return try HDF5Strings.read(
            fileType: fileType.id, info: typeInfo, space: space.id, count: count, context: context,
            operation: "H5Dread (strings)"
        ) { memoryType, buffer in
            H5Dread(handle.id, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer)
        }
    }

    // MARK: - internals

    private func requireNumeric(_ operation: String) throws(HDF5Error) {
        guard elementClass == .integer || elementClass == .float else {
            throw context.mismatch(operation, "elements are \(elementClass.rawValue), not numbers")
        }
    }

    private func extent() throws(HDF5Error) -> (dims: [hsize_t], maxDims: [hsize_t]) {
        HDF5Library.prepareThread()
        let space = try context.own(H5Dget_space(handle.id), .dataspace, "H5Dget_space")
        let rank = Int(try context.check(H5Sget_simple_extent_ndims(space.id), "H5Sget_simple_extent_ndims"))
        var dims = [hsize_t](repeating: 0, count: rank)
        var maxDims = [hsize_t](repeating: 0, count: rank)
        if rank > 0 {
            try context.check(H5Sget_simple_extent_dims(space.id, &dims, &maxDims), "H5Sget_simple_extent_dims")
        }
        return (dims, maxDims)
    }

    /// Current dims and the number of elements per frame; fails for scalars.
    private func framedExtent(_ operation: String) throws(HDF5Error) -> ([hsize_t], Int) {
        let dims = try extent().dims
        guard !dims.isEmpty else { throw context.mismatch(operation, "a scalar dataset has no frames") }
        return (dims, dims.dropFirst().reduce(1) { $0 * Int($1) })
    }

    /// File space with frames `[start, start + count)` selected, and the matching memory space.
    private func selectFrames(
        start: Int, count: Int, dims: [hsize_t], operation: String
    ) throws(HDF5Error) -> (HDF5Handle, HDF5Handle) {
        guard start >= 0, count >= 0, hsize_t(start + count) <= dims[0] else {
            throw context.mismatch(operation, "frames \(start)..<\(start + count) outside 0..<\(dims[0])")
        }
        let fileSpace = try context.own(H5Dget_space(handle.id), .dataspace, "H5Dget_space")
        var offset = [hsize_t](repeating: 0, count: dims.count)
        offset[0] = hsize_t(start)
        var size = dims
        size[0] = hsize_t(count)
        try context.check(
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, offset, nil, size, nil), "H5Sselect_hyperslab")
        let memorySpace = try context.own(
            H5Screate_simple(Int32(size.count), size, nil), .dataspace, "H5Screate_simple")
        return (fileSpace, memorySpace)
    }
}
