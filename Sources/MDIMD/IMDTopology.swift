import MDCore

/// What an IMD stream does not carry and a frame needs: atom ids, types, species names, the
/// box origin, periodicity, and (for v2, which sends no box) the box itself.
///
/// IMD sends atoms in ascending LAMMPS tag order. Without a data file the ids are assumed to
/// be the contiguous tags 1…N and every atom is type 1; with one (`--topology`), ids and types
/// are the data file's, sorted by tag, and its box and origin fill what the stream lacks.
public struct IMDTopology: Sendable {
    /// Atom ids in ascending order, or empty: 1…N.
    public var ids: [Int64]
    /// LAMMPS numeric types, one per entry of ``ids``, or empty: all type 1.
    public var types: [Int32]
    /// The box's lower corner, Å (LAMMPS `xlo ylo zlo`; IMD never sends it).
    public var origin: SIMD3<Double>
    /// The cell when the stream sends none (v2, or v3 with `box no`), or nil.
    public var fallbackCell: Cell?
    /// Which axes wrap (a data file does not say; `--pbc`, default all).
    public var periodicity: Periodicity
    /// Numeric type → element (`--species 1=Cu`).
    public var speciesMap: [Int: String]
    /// MD timestep, ps (`--dt`): time = step × dt when the stream has no TIME packet.
    public var timestep: Double?
    /// Where ids and types came from, for the frames' provenance (e.g. `data:cu211.data`).
    public var source: String?

    public init(
        ids: [Int64] = [], types: [Int32] = [], origin: SIMD3<Double> = .zero, fallbackCell: Cell? = nil,
        periodicity: Periodicity = .all, speciesMap: [Int: String] = [:], timestep: Double? = nil, source: String? = nil
    ) {
        self.ids = ids
        self.types = types
        self.origin = origin
        self.fallbackCell = fallbackCell
        self.periodicity = periodicity
        self.speciesMap = speciesMap
        self.timestep = timestep
        self.source = source
    }

    /// `true` when ids and types come from a data file.
    public var hasAtoms: Bool { !ids.isEmpty }
}
