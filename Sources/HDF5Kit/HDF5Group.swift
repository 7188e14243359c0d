import CHDF5

/// An open group: creates and opens groups and datasets below it, lists its children and
/// makes hard links. Names may be relative to this group or absolute (`/particles/all`).
public final class HDF5Group: HDF5Object, @unchecked Sendable {
    /// Creates group `name`, creating missing intermediate groups too.
    @discardableResult
    public func createGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let lcpl = try linkCreationList(child)
        let id = H5Gcreate2(handle.id, name, lcpl.id, chdf5_p_default(), chdf5_p_default())
        return HDF5Group(handle: try child.own(id, .group, "H5Gcreate2"), fileHandle: fileHandle, context: child)
    }

    /// Opens existing group `name`.
    public func openGroup(_ name: String) throws(HDF5Error) -> HDF5Group {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let id = H5Gopen2(handle.id, name, chdf5_p_default())
        return HDF5Group(handle: try child.own(id, .group, "H5Gopen2"), fileHandle: fileHandle, context: child)
    }

    /// Opens existing dataset `name`.
    public func openDataset(_ name: String) throws(HDF5Error) -> HDF5Dataset {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let id = H5Dopen2(handle.id, name, chdf5_p_default())
        return try HDF5Dataset(opened: try child.own(id, .dataset, "H5Dopen2"), fileHandle: fileHandle, context: child)
    }

    /// Whether `name` exists. Unlike a bare `H5Lexists`, a missing intermediate group (or an
    /// intermediate component that is a dataset) gives `false`, not an error.
    public func exists(_ name: String) throws(HDF5Error) -> Bool {
        HDF5Library.prepareThread()
        let components = name.split(separator: "/", omittingEmptySubsequences: true)
        if components.isEmpty { return true }
        var prefix = name.hasPrefix("/") ? "/" : ""
        for (k, component) in components.enumerated() {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + component
            let found = try context.check(H5Lexists(handle.id, prefix, chdf5_p_default()), "H5Lexists '\(prefix)'")
            if found == 0 { return false }
            if k < components.count - 1, try kindOfExisting(prefix) != .group { return false }
        }
        return true
    }

    /// What `name` is, or `nil` when it does not exist.
    public func kind(of name: String) throws(HDF5Error) -> HDF5ObjectKind? {
        guard try exists(name) else { return nil }
        return try kindOfExisting(name)
    }

    /// Names of the direct children (links) of this group, in name order (h5py's order).
    public func childNames() throws(HDF5Error) -> [String] {
        HDF5Library.prepareThread()
        final class Names { var list: [String] = [] }
        let names = Names()
        let status = withExtendedLifetime(names) {
            H5Literate(handle.id, H5_INDEX_NAME, H5_ITER_INC, nil, { _, name, _, data in
                guard let name, let data else { return -1 }
                Unmanaged<Names>.fromOpaque(data).takeUnretainedValue().list.append(String(cString: name))
                return 0
            }, Unmanaged.passUnretained(names).toOpaque())
        }
        try context.check(status, "H5Literate")
        return names.list
    }

    /// Makes `name` a hard link to the existing object `target` (absolute, or relative to this
    /// group): both names then refer to the same data (H5MD shares `step`/`time` this way).
    /// Missing intermediate groups of `name` are created.
    public func createHardLink(_ name: String, to target: String) throws(HDF5Error) {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let lcpl = try linkCreationList(child)
        let status = H5Lcreate_hard(handle.id, target, handle.id, name, lcpl.id, chdf5_p_default())
        try child.check(status, "H5Lcreate_hard -> '\(target)'")
    }

    /// Creates a numeric dataset of `shape` and element type `type`.
    ///
    /// - Parameters:
    ///   - layout: contiguous, or chunked / extensible / compressed (see ``HDF5DatasetLayout``).
    @discardableResult
    public func createDataset(
        _ name: String, type: HDF5ElementType, shape: [Int], layout: HDF5DatasetLayout = .contiguous
    ) throws(HDF5Error) -> HDF5Dataset {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let dims = shape.map { hsize_t($0) }
        var maxDims = dims
        var chunk = layout.chunk
        if layout.extensible {
            guard !shape.isEmpty else { throw child.mismatch("create dataset", "a scalar dataset cannot be extensible") }
            maxDims[0] = chdf5_s_unlimited()
            if chunk == nil { chunk = [1] + shape.dropFirst().map { max($0, 1) } }
        }
        if layout.gzipLevel != nil || layout.shuffle, chunk == nil {
            chunk = shape.map { max($0, 1) }
        }
        let space = try child.own(
            H5Screate_simple(Int32(dims.count), dims, maxDims), .dataspace, "H5Screate_simple")
        let dcpl = try child.own(H5Pcreate(chdf5_p_dataset_create()), .propertyList, "H5Pcreate")
        if let chunk {
            guard chunk.count == shape.count, chunk.allSatisfy({ $0 > 0 }) else {
                throw child.mismatch("create dataset", "chunk \(chunk) does not fit shape \(shape)")
            }
            let chunkDims = chunk.map { hsize_t($0) }
            try child.check(H5Pset_chunk(dcpl.id, Int32(chunkDims.count), chunkDims), "H5Pset_chunk")
            if layout.shuffle { try child.check(H5Pset_shuffle(dcpl.id), "H5Pset_shuffle") }
            if let level = layout.gzipLevel {
                try child.check(H5Pset_deflate(dcpl.id, UInt32(min(max(level, 0), 9))), "H5Pset_deflate")
            }
        }
        let lcpl = try linkCreationList(child)
        let id = H5Dcreate2(handle.id, name, type.nativeType, space.id, lcpl.id, dcpl.id, chdf5_p_default())
        return try HDF5Dataset(opened: try child.own(id, .dataset, "H5Dcreate2"), fileHandle: fileHandle, context: child)
    }

    /// Creates a 1-D UTF-8 string dataset holding `strings` (variable-length by default,
    /// as h5py and SOAPify's `Types` use).
    @discardableResult
    public func createStringDataset(
        _ name: String, strings: [String], variableLength: Bool = true
    ) throws(HDF5Error) -> HDF5Dataset {
        HDF5Library.prepareThread()
        let child = context.child(name)
        let dims = [hsize_t(strings.count)]
        let space = try child.own(H5Screate_simple(1, dims, nil), .dataspace, "H5Screate_simple")
        let type = try HDF5Strings.makeType(for: strings, variableLength: variableLength, context: child)
        let lcpl = try linkCreationList(child)
        let id = H5Dcreate2(handle.id, name, type.id, space.id, lcpl.id, chdf5_p_default(), chdf5_p_default())
        let dataset = try HDF5Dataset(
            opened: try child.own(id, .dataset, "H5Dcreate2"), fileHandle: fileHandle, context: child)
        try HDF5Strings.write(
            strings, type: type.id, variableLength: variableLength, context: child, operation: "H5Dwrite"
        ) { memoryType, buffer in
            H5Dwrite(dataset.handle.id, memoryType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer)
        }
        return dataset
    }

    // MARK: - internals

    private func linkCreationList(_ context: HDF5Context) throws(HDF5Error) -> HDF5Handle {
        let lcpl = try context.own(H5Pcreate(chdf5_p_link_create()), .propertyList, "H5Pcreate")
        try context.check(H5Pset_create_intermediate_group(lcpl.id, 1), "H5Pset_create_intermediate_group")
        return lcpl
    }

    private func kindOfExisting(_ name: String) throws(HDF5Error) -> HDF5ObjectKind {
        let object = try context.child(name).own(H5Oopen(handle.id, name, chdf5_p_default()), .object, "H5Oopen")
        switch H5Iget_type(object.id) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        case H5I_DATATYPE: return .namedDatatype
        default: return .other
        }
    }
}
