/// The class of a stored element type, as HDF5 reports it.
public enum HDF5ElementClass: String, Sendable {
    case integer, float, string, other
}
