import Foundation
import HDF5Kit
import MDCore

/// Frames of a SOAPify / dynsight trajectory group `Trajectories/<name>`:
/// `Trajectory` `(n, N, 3)` (Å), `Box` `(n, 6)` = `[a, b, c, α, β, γ]` (Å, degrees) and
/// `Types` `(N,)` strings. The format stores no step, time or ids: the step is the frame
/// index, the time is step × `--dt` when given, ids are 1…N in file order, and the cell is
/// periodic along every axis (unless `--pbc` says otherwise), as SOAPify's readers assume.
final class H5MDSoapifySource {
    let frameCount: Int
    let atomCount: Int
    let singlePrecision: Bool

    private let context: H5MDFileContext
    private let options: SourceOptions
    private let trajectory: HDF5Dataset
    private let boxes: HDF5Dataset
    private let species: [String]
    private let types: [Int32]
    private let ids: [Int64]
    private let periodicity: Periodicity
    private let sourceLabel: String

    init(file: HDF5File, name: String, options: SourceOptions, context: H5MDFileContext) throws(TrajectoryError) {
        self.context = context
        self.options = options
        let groupPath = "/Trajectories/" + name
        let group = try context.run { () throws(HDF5Error) in try file.openGroup(groupPath) }
        for required in ["Trajectory", "Box", "Types"] {
            guard try context.run({ () throws(HDF5Error) in try group.kind(of: required) == .dataset }) else {
                throw context.format(h5mdPath(groupPath, required), "SOAPify trajectory group has no '\(required)' dataset")
            }
        }
        let trajectory = try context.run { () throws(HDF5Error) in try group.openDataset("Trajectory") }
        self.trajectory = trajectory
        let shape = try context.run { () throws(HDF5Error) in try trajectory.shape }
        guard shape.count == 3, shape[2] == 3 else {
            throw context.format(trajectory.path, "'Trajectory' has shape \(shape), expected [n, N, 3]")
        }
        frameCount = shape[0]
        atomCount = shape[1]
        singlePrecision = trajectory.elementClass == .float && trajectory.elementSize <= 4
        let boxes = try context.run { () throws(HDF5Error) in try group.openDataset("Box") }
        self.boxes = boxes
        let boxShape = try context.run { () throws(HDF5Error) in try boxes.shape }
        guard boxShape.count == 2, boxShape[1] == 6 else {
            throw context.format(boxes.path, "'Box' has shape \(boxShape), expected [n, 6]")
        }
        guard boxShape[0] == frameCount else {
            throw context.format(boxes.path, "'Box' has \(boxShape[0]) frames but 'Trajectory' has \(frameCount)")
        }
        let typesDataset = try context.run { () throws(HDF5Error) in try group.openDataset("Types") }
        let names = try context.run { () throws(HDF5Error) in try typesDataset.readStrings() }
        guard names.count == atomCount else {
            throw context.format(typesDataset.path, "'Types' has \(names.count) entries but 'Trajectory' has \(atomCount) atoms")
        }
        var order: [String] = []
        var index: [String: Int32] = [:]
        var types = [Int32](repeating: 0, count: atomCount)
        for (i, n) in names.enumerated() {
            if let k = index[n] {
                types[i] = k
            } else {
                index[n] = Int32(order.count)
                types[i] = Int32(order.count)
                order.append(n)
            }
        }
        species = order
        self.types = types
        ids = (0..<atomCount).map { Int64($0 + 1) }
        periodicity = options.periodicity ?? .all
        sourceLabel = "soapify:" + context.file
    }

    /// Decodes frame `index` (0-based, `< frameCount`).
    func frame(at index: Int) throws(TrajectoryError) -> Frame {
        let range = index..<(index + 1)
        let positions = try context.run(frame: index) { () throws(HDF5Error) in
            try trajectory.read(frames: range, as: Double.self)
        }
        let p = try context.run(frame: index) { () throws(HDF5Error) in try boxes.read(frames: range, as: Double.self) }
        guard let cell = H5MDSoapifySource.cell(parameters: p, periodicity: periodicity) else {
            throw context.format(boxes.path, "box \(p) does not describe a cell", frame: index)
        }
        let step = Int64(index)
        let time = options.timestep.map { Double(step) * $0 }
        return Frame(
            sequence: UInt64(index), step: step, time: time, cell: cell, species: species, ids: ids,
            types: types, positions: positions, velocities: nil, singlePrecision: singlePrecision,
            provenance: FrameProvenance(
                ids: .fileOrder, species: .file, time: time == nil ? .absent : .stepTimesDt, source: sourceLabel))
    }

    /// The cell with lengths `a, b, c` (Å) and angles `α, β, γ` (degrees), oriented as ASE and
    /// MDAnalysis do: a along x, b in the xy plane, c completing a right-handed set.
    /// Angles of exactly 90° give exact zeros. `nil` if the parameters give no real cell.
    static func cell(parameters p: [Double], periodicity: Periodicity) -> Cell? {
        let (a, b, c) = (p[0], p[1], p[2])
        func cosine(_ degrees: Double) -> Double { degrees == 90 ? 0 : cos(degrees * .pi / 180) }
        func sine(_ degrees: Double) -> Double { degrees == 90 ? 1 : sin(degrees * .pi / 180) }
        let cosAlpha = cosine(p[3]), cosBeta = cosine(p[4]), cosGamma = cosine(p[5])
        let sinGamma = sine(p[5])
        guard sinGamma != 0 else { return nil }
        let cy = (cosAlpha - cosBeta * cosGamma) / sinGamma
        let cz2 = 1 - cosBeta * cosBeta - cy * cy
        guard cz2 > 0, [a, b, c].allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        return Cell(
            a: SIMD3(a, 0, 0),
            b: SIMD3(b * cosGamma, b * sinGamma, 0),
            c: SIMD3(c * cosBeta, c * cy, c * cz2.squareRoot()),
            periodicity: periodicity)
    }
}
