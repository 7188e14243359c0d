/// One snapshot of a molecular-dynamics run, as every route (file replay, live engine,
/// wire protocol) delivers it to the analysis.
///
/// Arrays are contiguous and indexed by the atom's position in the frame, which is *not* its
/// identity: dumps come unsorted, so analyses key on ``ids``.
public struct Frame: Sendable {
    /// Identifies the run (segment) the frame belongs to; a new value starts a new segment.
    public var runID: String
    /// Monotonic frame counter within the run, from 0 (gap detection).
    public var sequence: UInt64
    /// MD step.
    public var step: Int64
    /// Simulation time, ps; `nil` when the source does not know it.
    public var time: Double?
    /// The cell; `nil` only when no axis is periodic and the source has no box.
    public var cell: Cell?
    /// Species names; ``types`` index into this list.
    public var species: [String]
    /// Atom ids (LAMMPS tags), unique within the frame.
    public var ids: [Int64]
    /// Species index of each atom, `0 ..< species.count`.
    public var types: [Int32]
    /// Positions, Å, row-major `N × 3` (x0 y0 z0 x1 …), absolute (not fractional).
    public var positions: [Double]
    /// Velocities, Å/ps, row-major `N × 3`, when the source has them.
    public var velocities: [Double]?
    /// `true` when positions travelled as float32 somewhere along the way (IMD, H5MD float32).
    public var singlePrecision: Bool
    /// Wall-clock time at which the frame was published, seconds since 1970 (latency).
    public var publishedAt: Double?
    /// Where ids, species and time came from.
    public var provenance: FrameProvenance

    public init(
        runID: String = "", sequence: UInt64 = 0, step: Int64, time: Double? = nil,
        cell: Cell?, species: [String], ids: [Int64],
        types: [Int32], positions: [Double], velocities: [Double]? = nil,
        singlePrecision: Bool = false, publishedAt: Double? = nil,
        provenance: FrameProvenance = FrameProvenance()
    ) {
        self.runID = runID
        self.sequence = sequence
        self.step = step
        self.time = time
        self.cell = cell
        self.species = species
        self.ids = ids
        self.types = types
        self.positions = positions
        self.velocities = velocities
        self.singlePrecision = singlePrecision
        self.publishedAt = publishedAt
        self.provenance = provenance
    }

    /// Periodicity per axis; a frame without a cell is periodic along no axis.
    public var periodicity: Periodicity { cell?.periodicity ?? .none }

    /// Number of atoms.
    public var atomCount: Int { ids.count }

    /// Position of atom `index` (position in the frame, not id), Å.
    @inlinable
    public func position(_ index: Int) -> SIMD3<Double> {
        SIMD3(positions[3 * index], positions[3 * index + 1], positions[3 * index + 2])
    }
}
