import HDF5Kit
import MDCore

/// Frames of one H5MD particles group (`particles/<group>`), as written by MDAnalysis
/// (`particles/trajectory`, float32, `(n, 3, 3)` edges, units) or by LAMMPS `dump h5md`
/// (`particles/all`, `(n, 3)` edges, no units, time-dependent `species`).
///
/// Positions are returned as stored (H5MD positions may be any periodic image; `image` is
/// not applied), converted to Å. Atoms are sorted by id.
final class H5MDParticlesSource {
    let frameCount: Int
    let atomCount: Int
    let singlePrecision: Bool

    private let context: H5MDFileContext
    private let options: SourceOptions
    private let position: HDF5Dataset
    private let lengthFactor: Double
    private let velocity: HDF5Dataset?
    private let velocityFactor: Double
    private let clock: H5MDClock
    private let box: H5MDBox
    private let ids: H5MDAtomIntegers?
    private let species: H5MDAtomIntegers?
    /// Species of a file whose species do not change (or are absent), computed once.
    private let constantSpecies: H5MDSpeciesTable?
    private let sourceLabel: String

    init(file: HDF5File, particlesGroup name: String, options: SourceOptions, context: H5MDFileContext) throws(TrajectoryError) {
        self.context = context
        self.options = options
        let groupPath = "/particles/" + name
        let group = try context.run { () throws(HDF5Error) in try file.openGroup(groupPath) }
        guard try context.run({ () throws(HDF5Error) in try group.kind(of: "position/value") == .dataset }) else {
            throw context.format(h5mdPath(groupPath, "position/value"), "the particles group has no position data")
        }
        let positionGroup = try context.run { () throws(HDF5Error) in try group.openGroup("position") }
        let position = try context.run { () throws(HDF5Error) in try positionGroup.openDataset("value") }
        self.position = position
        let shape = try context.run { () throws(HDF5Error) in try position.shape }
        guard shape.count == 3, shape[2] == 3 else {
            throw context.unsupported(position.path, "positions have shape \(shape), expected [n, N, 3]")
        }
        guard position.elementClass == .float || position.elementClass == .integer else {
            throw context.format(position.path, "positions are \(position.elementClass.rawValue), not numbers")
        }
        frameCount = shape[0]
        atomCount = shape[1]
        singlePrecision = position.elementClass == .float && position.elementSize <= 4
        lengthFactor = try H5MDUnits.factor(
            of: position, kind: "length", convert: H5MDUnits.lengthFactor, context: context)
        clock = try H5MDClock(element: positionGroup, frames: frameCount, context: context)

        guard try context.run({ () throws(HDF5Error) in try group.kind(of: "box") == .group }) else {
            throw context.format(h5mdPath(groupPath, "box"), "the particles group has no 'box' group (required by H5MD)")
        }
        let boxGroup = try context.run { () throws(HDF5Error) in try group.openGroup("box") }
        box = try H5MDBox(group: boxGroup, frames: frameCount, options: options, context: context)

        if try context.run({ () throws(HDF5Error) in try group.kind(of: "velocity/value") == .dataset }) {
            let v = try context.run { () throws(HDF5Error) in try group.openDataset("velocity/value") }
            let vShape = try context.run { () throws(HDF5Error) in try v.shape }
            guard vShape == shape else {
                throw context.format(v.path, "velocities have shape \(vShape) but positions have \(shape)")
            }
            velocityFactor = try H5MDUnits.factor(
                of: v, kind: "velocity", convert: H5MDUnits.velocityFactor, context: context)
            velocity = v
        } else {
            velocity = nil
            velocityFactor = 1
        }
        ids = try H5MDAtomIntegers(in: group, name: "id", frames: frameCount, atoms: atomCount, context: context)
        species = try H5MDAtomIntegers(in: group, name: "species", frames: frameCount, atoms: atomCount, context: context)
        if let species, species.isConstant {
            constantSpecies = try H5MDSpeciesTable(
                types: species.values(at: 0), map: options.speciesMap, file: context.file,
                dataset: species.path, frame: nil)
        } else if species == nil {
            // No species in the file: every atom is type 1.
            constantSpecies = try H5MDSpeciesTable(
                types: [Int64](repeating: 1, count: atomCount),
                map: options.speciesMap[1] == nil ? [:] : options.speciesMap,
                file: context.file, dataset: h5mdPath(groupPath, "species"), frame: nil)
        } else {
            constantSpecies = nil
        }
        sourceLabel = "h5md:" + context.file
    }

    /// Decodes frame `index` (0-based, `< frameCount`).
    func frame(at index: Int) throws(TrajectoryError) -> Frame {
        let range = index..<(index + 1)
        var positions = try context.run(frame: index) { () throws(HDF5Error) in
            try position.read(frames: range, as: Double.self)
        }
        if lengthFactor != 1 { scale(&positions, by: lengthFactor) }
        var velocities: [Double]? = nil
        if let velocity {
            var v = try context.run(frame: index) { () throws(HDF5Error) in
                try velocity.read(frames: range, as: Double.self)
            }
            if velocityFactor != 1 { scale(&v, by: velocityFactor) }
            velocities = v
        }
        let table: H5MDSpeciesTable
        if let constantSpecies {
            table = constantSpecies
        } else {
            table = try H5MDSpeciesTable(
                types: species!.values(at: index), map: options.speciesMap, file: context.file,
                dataset: species!.path, frame: index)
        }
        var types = table.indices
        var atomIDs: [Int64]
        if let ids {
            atomIDs = try ids.values(at: index)
            H5MDParticlesSource.sortByID(&atomIDs, &types, &positions, &velocities)
        } else {
            atomIDs = Array(1...Int64(max(atomCount, 1)))
            if atomCount == 0 { atomIDs = [] }
        }
        let step = try clock.step(at: index)
        var time = try clock.time(at: index)
        let timeSource: FrameProvenance.TimeSource
        if time != nil {
            timeSource = .file
        } else if let dt = options.timestep {
            time = Double(step) * dt
            timeSource = .stepTimesDt
        } else {
            timeSource = .absent
        }
        return Frame(
            sequence: UInt64(index), step: step, time: time, cell: try box.cell(at: index),
            species: table.names, ids: atomIDs, types: types, positions: positions, velocities: velocities,
            singlePrecision: singlePrecision,
            provenance: FrameProvenance(
                ids: ids == nil ? .fileOrder : .file, species: table.source, time: timeSource, source: sourceLabel))
    }

    private func scale(_ values: inout [Double], by factor: Double) {
        values.withUnsafeMutableBufferPointer { buffer in
            for k in buffer.indices { buffer[k] *= factor }
        }
    }

    /// Reorders every per-atom array so that ids ascend (no work when they already do).
    static func sortByID(_ ids: inout [Int64], _ types: inout [Int32], _ positions: inout [Double], _ velocities: inout [Double]?) {
        var sorted = true
        for i in ids.indices.dropFirst() where ids[i - 1] > ids[i] {
            sorted = false
            break
        }
        if sorted { return }
        let order = ids.indices.sorted { ids[$0] < ids[$1] }
        ids = order.map { ids[$0] }
        types = order.map { types[$0] }
        positions = permuteRows(positions, order)
        if let v = velocities { velocities = permuteRows(v, order) }
    }

    private static func permuteRows(_ values: [Double], _ order: [Int]) -> [Double] {
        [Double](unsafeUninitializedCapacity: values.count) { buffer, count in
            values.withUnsafeBufferPointer { source in
                for (k, i) in order.enumerated() {
                    buffer[3 * k] = source[3 * i]
                    buffer[3 * k + 1] = source[3 * i + 1]
                    buffer[3 * k + 2] = source[3 * i + 2]
                }
            }
            count = values.count
        }
    }
}
