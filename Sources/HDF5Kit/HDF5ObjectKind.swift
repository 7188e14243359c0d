/// The kind of an object in a file.
public enum HDF5ObjectKind: String, Sendable {
    case group, dataset, namedDatatype = "named-datatype", other
}
