import MDCore

/// Opens any trajectory file `replay` reads natively, choosing the reader by format.
public enum TrajectoryOpener {
    /// Opens `path` as `format` (guessed from the name when nil).
    /// - Parameter follow: tail a file that is still being written (text formats only).
    public static func open(
        path: String, format: TrajectoryFormat? = nil, options: SourceOptions = SourceOptions(),
        follow: FollowOptions? = nil
    ) throws(TrajectoryError) -> any TrajectoryReader {
        let format = format ?? TrajectoryFormat.guess(path: path)
        switch format {
        case .lammpsDump:
            return try LammpsDumpReader(path: path, options: options, follow: follow)
        case .extendedXYZ:
            return try ExtendedXYZReader(path: path, options: options, follow: follow)
        case .h5md:
            if follow != nil {
                throw TrajectoryError(.unsupported, file: path, "--follow works on text dumps (LAMMPS dump, extxyz), not on HDF5 files")
            }
            return try H5MDReader(path: path, options: options)
        }
    }
}
