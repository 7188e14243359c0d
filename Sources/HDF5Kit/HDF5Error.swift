/// A failed HDF5 operation, with the place it happened: the file, the object inside it and
/// what was being done. `detail` holds the most specific messages of HDF5's error stack.
public struct HDF5Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the operation failed.
    public enum Kind: String, Sendable {
        /// The HDF5 library returned a negative status (missing object, I/O failure, …).
        case library
        /// The request does not fit the object: wrong element class, rank, shape or count.
        case mismatch
    }

    public var kind: Kind
    /// Path of the HDF5 file as given.
    public var file: String
    /// Object path inside the file (`/particles/all/position/value`), or `/` for the file.
    public var object: String
    /// The operation, e.g. `H5Dread` or `read hyperslab`.
    public var operation: String
    /// HDF5's own messages (innermost first) or the mismatch explanation.
    public var detail: String

    public init(_ kind: Kind, file: String, object: String, operation: String, detail: String) {
        self.kind = kind
        self.file = file
        self.object = object
        self.operation = operation
        self.detail = detail
    }

    /// `file:object: operation failed: detail`.
    public var description: String {
        var s = "\(file):\(object): \(operation) failed"
        if !detail.isEmpty { s += ": \(detail)" }
        return s
    }
}
