import CHDF5

/// An open HDF5 file. The file is closed when the last reference to it, or to any group or
/// dataset opened from it, goes away.
///
/// Thread safety: the HDF5 build used here is thread-safe (one global lock), so an
/// `HDF5File` and the objects opened from it may be used from any thread, but calls are
/// serialised; for writing, keep a file on one dedicated thread.
public final class HDF5File: @unchecked Sendable {
    /// How ``create(_:mode:)`` treats an existing file.
    public enum CreateMode: Sendable {
        /// Replace an existing file.
        case truncate
        /// Fail if the file exists.
        case exclusive
    }

    /// How ``open(_:mode:)`` opens an existing file.
    public enum OpenMode: Sendable {
        case readOnly
        case readWrite
    }

    /// The path as given.
    public let path: String
    /// `false` for files opened read-only.
    public let isWritable: Bool
    /// The root group `/`.
    public let root: HDF5Group

    let handle: HDF5Handle

    private init(path: String, handle: HDF5Handle, isWritable: Bool) throws(HDF5Error) {
        self.path = path
        self.handle = handle
        self.isWritable = isWritable
        let context = HDF5Context(file: path, object: "/")
        let rootHandle = try context.own(H5Gopen2(handle.id, "/", chdf5_p_default()), .group, "H5Gopen2")
        root = HDF5Group(handle: rootHandle, fileHandle: handle, context: context)
    }

    /// Creates a new file (HDF5 default format, so older readers such as h5py and
    /// MDAnalysis open it).
    public static func create(_ path: String, mode: CreateMode = .truncate) throws(HDF5Error) -> HDF5File {
        HDF5Library.prepareThread()
        let flags = mode == .truncate ? chdf5_acc_trunc() : chdf5_acc_excl()
        let context = HDF5Context(file: path, object: "/")
        let handle = try context.own(
            H5Fcreate(path, flags, chdf5_p_default(), chdf5_p_default()), .file,
            mode == .truncate ? "H5Fcreate (truncate)" : "H5Fcreate (exclusive)")
        return try HDF5File(path: path, handle: handle, isWritable: true)
    }

    /// Opens an existing file.
    public static func open(_ path: String, mode: OpenMode = .readOnly) throws(HDF5Error) -> HDF5File {
        HDF5Library.prepareThread()
        let flags = mode == .readOnly ? chdf5_acc_rdonly() : chdf5_acc_rdwr()
        let context = HDF5Context(file: path, object: "/")
        let handle = try context.own(
            H5Fopen(path, flags, chdf5_p_default()), .file,
            mode == .readOnly ? "H5Fopen (read-only)" : "H5Fopen (read-write)")
        return try HDF5File(path: path, handle: handle, isWritable: mode == .readWrite)
    }

    /// Writes buffered data and metadata of this file to disk.
    public func flush() throws(HDF5Error) {
        HDF5Library.prepareThread()
        try HDF5Context(file: path, object: "/").check(H5Fflush(handle.id, H5F_SCOPE_LOCAL), "H5Fflush")
    }

    /// Opens the group at `path` (absolute, or relative to `/`).
    public func openGroup(_ path: String) throws(HDF5Error) -> HDF5Group { try root.openGroup(path) }

    /// Opens the dataset at `path` (absolute, or relative to `/`).
    public func openDataset(_ path: String) throws(HDF5Error) -> HDF5Dataset { try root.openDataset(path) }

    /// Whether an object exists at `path` (every intermediate component must be a group).
    public func exists(_ path: String) throws(HDF5Error) -> Bool { try root.exists(path) }

    /// What is at `path`, or `nil` when nothing is.
    public func kind(of path: String) throws(HDF5Error) -> HDF5ObjectKind? { try root.kind(of: path) }
}
