import MDCore

/// Turns IMD frames of one session into ``Frame``s: ids and types in tag order, species,
/// step, time, cell and provenance, computed once per session and reused for every frame.
public struct IMDFrameBuilder: Sendable {
    public let topology: IMDTopology
    public let version: Int32
    public let session: IMDSessionInfo
    /// Atoms per frame (checked against the topology).
    public let atomCount: Int
    /// `imd-v3:host:port` (+ the topology's source).
    public let source: String
    private let ids: [Int64]
    private let types: [Int32]
    private let species: [String]
    private let provenance: FrameProvenance

    /// Prepares a session's constant parts from its first frame's atom count.
    /// Throws `.unusable` when the stream cannot give correct frames: the data file has a
    /// different number of atoms (the `fix imd` group is not `all`?), or a periodic system
    /// comes without any box (v2 without `--topology`).
    public init(topology: IMDTopology, version: Int32, session: IMDSessionInfo, atomCount: Int, address: IMDAddress) throws(IMDError) {
        self.topology = topology
        self.version = version
        self.session = session
        self.atomCount = atomCount
        if topology.hasAtoms && topology.ids.count != atomCount {
            throw IMDError(.unusable, "\(address) sends \(atomCount) atoms per frame, the topology \(topology.source ?? "") has \(topology.ids.count): IMD sends the `fix imd` group only; use group `all` or a data file of the same atoms")
        }
        if !session.box && topology.fallbackCell == nil && topology.periodicity != .none {
            throw IMDError(.unusable, "\(address) speaks IMD v\(version)\(version == 3 ? " with `box no`" : "") and sends no box: give --topology DATAFILE (a LAMMPS data file of this system) or, for a system periodic along no axis, --pbc F,F,F")
        }
        ids = topology.hasAtoms ? topology.ids : (1...Int64(atomCount)).map { $0 }
        let rawTypes = topology.hasAtoms && !topology.types.isEmpty ? topology.types : [Int32](repeating: 1, count: atomCount)
        let distinct = Array(Set(rawTypes)).sorted()
        var index: [Int32: Int32] = [:]
        for (k, t) in distinct.enumerated() { index[t] = Int32(k) }
        types = rawTypes.map { index[$0]! }
        species = distinct.map { topology.speciesMap[Int($0)] ?? "type\($0)" }
        let speciesSource: FrameProvenance.SpeciesSource = distinct.allSatisfy { topology.speciesMap[Int($0)] != nil } ? .mapped : .typesOnly
        let timeSource: FrameProvenance.TimeSource = session.time ? .file : (topology.timestep != nil ? .stepTimesDt : .absent)
        source = "imd-v\(version):\(address)" + (topology.source.map { "+\($0)" } ?? "")
        provenance = FrameProvenance(ids: topology.hasAtoms ? .file : .fileOrder, species: speciesSource, time: timeSource, source: source)
    }

    /// Species names, indexed by the frames' `types`.
    public var speciesNames: [String] { species }

    /// The frame for `imd`.
    /// - Parameters:
    ///   - step: the MD step; v3 frames carry it (TIME), v2 frames need the caller's count.
    public func frame(_ imd: IMDFrame, runID: String, sequence: UInt64, step: Int64, publishedAt: Double? = nil) -> Frame {
        let time: Double? = imd.time ?? topology.timestep.map { Double(step) * $0 }
        let cell: Cell?
        if let box = imd.box {
            cell = Cell(rowMajor: box, origin: topology.origin, periodicity: topology.periodicity)
        } else if var fallback = topology.fallbackCell {
            fallback.periodicity = topology.periodicity
            cell = fallback
        } else {
            cell = nil
        }
        return Frame(
            runID: runID, sequence: sequence, step: step, time: time, cell: cell, species: species, ids: ids, types: types,
            positions: imd.positions, velocities: imd.velocities, singlePrecision: true, publishedAt: publishedAt,
            provenance: provenance)
    }
}
