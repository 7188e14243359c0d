/// Where a frame's metadata came from. Sources do not all carry everything: LAMMPS dumps have
/// types but no element names and steps but no time; some H5MD files have no ids; IMD has
/// neither. Publishers fill the gaps from user options and say so here, so a consumer can
/// tell a measured value from a fallback.
public struct FrameProvenance: Sendable, Hashable, Codable {
    /// How the atom ids were obtained.
    public enum IDSource: String, Sendable, Hashable, Codable {
        /// Read from the source (LAMMPS `id` column, H5MD `id`, extxyz `id` property).
        case file
        /// Not in the source: 1-based position in the file's atom order.
        case fileOrder = "file-order"
    }

    /// How the species names were obtained.
    public enum SpeciesSource: String, Sendable, Hashable, Codable {
        /// Element names read from the source (LAMMPS `element`, extxyz `species`).
        case file
        /// Numeric types mapped to names by the user (`--species 1=Cu,2=O`).
        case mapped
        /// Only numeric types are known; names are `"type<N>"`.
        case typesOnly = "types-only"
    }

    /// How the simulation time was obtained.
    public enum TimeSource: String, Sendable, Hashable, Codable {
        /// Read from the source (H5MD `time`, extxyz `time=`, IMD TIME).
        case file
        /// Step × the user's `--dt` (ps per MD step).
        case stepTimesDt = "step-times-dt"
        /// Unknown: only the step is known.
        case absent
    }

    public var ids: IDSource
    public var species: SpeciesSource
    public var time: TimeSource
    /// A short description of the source, e.g. `lammps-dump:data/cu211.dump.gz`.
    public var source: String

    public init(
        ids: IDSource = .file, species: SpeciesSource = .file, time: TimeSource = .file,
        source: String = ""
    ) {
        self.ids = ids
        self.species = species
        self.time = time
        self.source = source
    }
}
