import HDF5Kit

/// Why a model bundle cannot be read (each case names the file).
public enum ModelBundleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not a soaplens model (no or another `format` attribute).
    case notAModel(file: String, found: String)
    /// Written by a newer soaplens (`format_version` above ``ModelBundle/formatVersion``).
    case newerFormat(file: String, version: Int64)
    /// The stored `model_id` is not the hash of the content: the file was damaged or edited.
    case contentMismatch(file: String, stored: String, computed: String)
    /// An HDF5 error while reading or writing.
    case hdf5(HDF5Error)
    /// The finished file could not be renamed into place.
    case replacement(FileReplacementError)

    public var description: String {
        switch self {
        case .notAModel(let file, let found): "\(file) is not a soaplens model (format '\(found)')"
        case .newerFormat(let file, let version):
            "\(file) has model format \(version); this soaplens reads up to \(ModelBundle.formatVersion)"
        case .contentMismatch(let file, let stored, let computed):
            "\(file): model_id \(stored) does not match its content (\(computed)): the file was damaged or edited"
        case .hdf5(let e): "\(e)"
        case .replacement(let e): "\(e)"
        }
    }
}
