import MDCore

/// A LAMMPS data file (`read_data` input, as `write_data` writes it or as written by hand),
/// read for what an IMD stream does not carry: the atom ids (tags) and types, the box, the
/// masses.
///
/// IMD sends positions in ascending tag order, so every per-atom array here is in ascending
/// ``ids`` order, whatever the order of the `Atoms` lines; ``types``, ``positions`` and the
/// rest line up with it.
///
/// What is read:
/// - the title (first line, always skipped by LAMMPS), then the header: `N atoms`, `N atom
///   types`, `xlo xhi`, `ylo yhi`, `zlo zhi`, `xy xz yz`; the topology counts (`bonds`,
///   `angle types`, …) are accepted and ignored; an axis without its line gets LAMMPS's
///   default −0.5 … 0.5; general triclinic boxes (`avec`, …) are unsupported;
/// - the `Atoms` section in one of the ``AtomStyle``s, named by its comment (`Atoms #
///   full`), by the `atomStyle` parameter, or inferred from 5 or 8 columns (`atomic`); the
///   style's id, type, `x y z` and its molecule id and charge, and trailing image flags;
/// - `Masses` and `Atom Type Labels` (labels may stand for types in `Atoms` and `Masses`);
/// - every other section (`Velocities`, `Bonds`, `Pair Coeffs`, …) is skipped: `Velocities`
///   by its line count (one per atom), the others up to the next section keyword.
///
/// `#` starts a comment anywhere; blank and comment-only lines are ignored (inside a
/// section too, where LAMMPS would count them as lines); gzip is detected from the first
/// bytes. The units are the run's (`metal`, `real`: Å); a data file does not say which.
/// Every problem is a ``TrajectoryError`` naming the file and the 1-based line.
public struct LammpsDataFile: Sendable, Equatable {
    /// The file's path as given.
    public var path: String
    /// The first line (`LAMMPS data file via write_data, …`), without its newline.
    public var title: String
    /// The style the `Atoms` lines were read in (`.atomic` when the file has none).
    public var atomStyle: AtomStyle
    /// `N atom types` of the header (0 when absent).
    public var atomTypeCount: Int
    /// The box: `a = (xhi−xlo, 0, 0)`, `b = (xy, yhi−ylo, 0)`, `c = (xz, yz, zhi−zlo)`, origin
    /// `(xlo, ylo, zlo)`, with the periodicity given to the initialiser.
    public var cell: Cell
    /// Atom ids (LAMMPS tags), strictly ascending.
    public var ids: [Int64]
    /// LAMMPS atom types, `1 … atomTypeCount`, in ``ids`` order.
    public var types: [Int32]
    /// Positions as written, row-major `N × 3`, in ``ids`` order (not unwrapped by the image
    /// flags).
    public var positions: [Double]
    /// Image flags `ix iy iz`, row-major `N × 3`, when the `Atoms` lines have them.
    public var imageFlags: [Int32]?
    /// Molecule ids, for styles that have them (`full`, `molecular`, `bond`, `angle`).
    public var moleculeIDs: [Int64]?
    /// Charges, for styles that have them (`charge`, `full`).
    public var charges: [Double]?
    /// Mass of each type (index `type − 1`), when the file has a `Masses` section.
    public var masses: [Double]?
    /// Label of each type (index `type − 1`), when the file has an `Atom Type Labels` section.
    public var typeLabels: [String]?

    /// Number of atoms.
    public var atomCount: Int { ids.count }

    /// `true` when the ids are exactly `1 … N` (what LAMMPS makes unless atoms were deleted
    /// or ids were given by hand).
    public var contiguousTags: Bool {
        ids.isEmpty || (ids[0] == 1 && ids[ids.count - 1] == Int64(ids.count))
    }

    /// Reads a data file.
    ///
    /// - Parameters:
    ///   - path: the file, plain or gzip.
    ///   - periodicity: which axes are periodic (LAMMPS's `boundary`, which a data file does
    ///     not record).
    ///   - atomStyle: the style of the `Atoms` lines when the section line does not name it;
    ///     it must agree with the section line when both do.
    public init(path: String, periodicity: Periodicity, atomStyle: AtomStyle? = nil) throws(TrajectoryError) {
        self = try Parser(path: path, periodicity: periodicity, atomStyle: atomStyle).parse()
    }

    init(
        path: String, title: String, atomStyle: AtomStyle, atomTypeCount: Int, cell: Cell, ids: [Int64],
        types: [Int32], positions: [Double], imageFlags: [Int32]?, moleculeIDs: [Int64]?, charges: [Double]?,
        masses: [Double]?, typeLabels: [String]?
    ) {
        self.path = path
        self.title = title
        self.atomStyle = atomStyle
        self.atomTypeCount = atomTypeCount
        self.cell = cell
        self.ids = ids
        self.types = types
        self.positions = positions
        self.imageFlags = imageFlags
        self.moleculeIDs = moleculeIDs
        self.charges = charges
        self.masses = masses
        self.typeLabels = typeLabels
    }
}
