import CHDF5

/// Owns one HDF5 identifier and closes it exactly once, when the last reference goes away.
///
/// Objects keep the handle of their file alive, so a file is closed only after every group,
/// dataset and attribute opened from it (HDF5 would defer the close anyway; this makes the
/// order explicit). Identifiers are immutable, and the thread-safe HDF5 build serialises every
/// call behind one global lock, hence `@unchecked Sendable`.
final class HDF5Handle: @unchecked Sendable {
    /// Which `H5?close` releases the identifier.
    enum Kind: Sendable {
        case file, group, dataset, dataspace, datatype, attribute, propertyList, object
    }

    let id: hid_t
    let kind: Kind

    init(_ id: hid_t, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    deinit {
        switch kind {
        case .file: _ = H5Fclose(id)
        case .group: _ = H5Gclose(id)
        case .dataset: _ = H5Dclose(id)
        case .dataspace: _ = H5Sclose(id)
        case .datatype: _ = H5Tclose(id)
        case .attribute: _ = H5Aclose(id)
        case .propertyList: _ = H5Pclose(id)
        case .object: _ = H5Oclose(id)
        }
    }
}
