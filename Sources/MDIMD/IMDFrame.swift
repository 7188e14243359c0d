/// One IMD frame as received, before it gets ids, types and a run: the arrays are the
/// server's float32 values widened to Double, indexed by the atom's rank in ascending LAMMPS
/// tag order. Units are LAMMPS's own (units metal: Å, Å/ps, eV/Å, ps).
public struct IMDFrame: Sendable {
    /// 0-based count of frames received in this session.
    public var index: UInt64
    /// MD step (v3 TIME), or nil (v2).
    public var step: Int64?
    /// Simulation time, ps (v3 TIME), or nil.
    public var time: Double?
    /// MD timestep, ps (v3 TIME), or nil.
    public var dt: Double?
    /// The cell vectors as rows, Å, row-major 3 × 3 (v3 BOX), or nil.
    public var box: [Double]?
    /// Positions, N × 3, Å.
    public var positions: [Double]
    /// Velocities, N × 3, Å/ps, when the session sends them.
    public var velocities: [Double]?
    /// Forces, N × 3, eV/Å, when the session sends them.
    public var forces: [Double]?
    /// Bytes this frame took on the wire, headers included.
    public var wireBytes: Int

    public init(
        index: UInt64 = 0, step: Int64? = nil, time: Double? = nil, dt: Double? = nil, box: [Double]? = nil,
        positions: [Double] = [], velocities: [Double]? = nil, forces: [Double]? = nil, wireBytes: Int = 0
    ) {
        self.index = index
        self.step = step
        self.time = time
        self.dt = dt
        self.box = box
        self.positions = positions
        self.velocities = velocities
        self.forces = forces
        self.wireBytes = wireBytes
    }

    /// Number of atoms.
    public var atomCount: Int { positions.count / 3 }
}
