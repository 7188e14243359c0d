import HDF5Kit
import MDCore

/// The simulation box of an H5MD particles group (`box/`): attributes `dimension` (must be 3)
/// and `boundary` (`"periodic"` / `"none"` per axis, fixed-length or variable-length strings),
/// and `edges`, either time-independent (`(3,)` cuboid lengths or `(3, 3)` rows = cell
/// vectors) or a time-dependent group whose `value` is `(n, 3)` (LAMMPS) or `(n, 3, 3)`
/// (MDAnalysis). H5MD has no box origin, so the origin is zero.
struct H5MDBox {
    private enum Edges {
        /// No edges: only allowed when no axis is periodic.
        case none
        case constant(Cell)
        /// Per-frame `value`; `matrix` for `(n, 3, 3)`, else `(n, 3)` lengths.
        case series(HDF5Dataset, matrix: Bool, factor: Double)
    }

    let periodicity: Periodicity
    private let edges: Edges
    private let context: H5MDFileContext

    init(group box: HDF5Group, frames: Int, options: SourceOptions, context: H5MDFileContext) throws(TrajectoryError) {
        self.context = context
        let dimension: Int64? = try context.run { () throws(HDF5Error) -> Int64? in
            try box.hasAttribute("dimension") ? try box.readScalarAttribute("dimension", as: Int64.self) : nil
        }
        if let dimension, dimension != 3 {
            throw context.unsupported(box.path, "box dimension \(dimension) (only 3 is supported)")
        }
        let boundary: [String]? = try context.run { () throws(HDF5Error) -> [String]? in
            try box.hasAttribute("boundary") ? try box.readStringAttribute("boundary") : nil
        }
        if let boundary {
            guard boundary.count == 3 else {
                throw context.format(box.path, "'boundary' has \(boundary.count) entries, expected 3")
            }
            var flags = Periodicity.none
            for axis in 0..<3 {
                switch boundary[axis] {
                case "periodic": flags[axis] = true
                case "none": flags[axis] = false
                default:
                    throw context.format(box.path, "'boundary' entry '\(boundary[axis])' is neither 'periodic' nor 'none'")
                }
            }
            periodicity = flags
        } else {
            periodicity = options.periodicity ?? .all
        }

        let edgesPath = h5mdPath(box.path, "edges")
        switch try context.run({ () throws(HDF5Error) in try box.kind(of: "edges") }) {
        case nil:
            if periodicity.isAnyPeriodic {
                throw context.format(edgesPath, "periodic box (\(periodicity)) without 'edges'")
            }
            edges = .none
        case .dataset?:
            let dataset = try context.run { () throws(HDF5Error) in try box.openDataset("edges") }
            let factor = try H5MDUnits.factor(of: dataset, kind: "length", convert: H5MDUnits.lengthFactor, context: context)
            let shape = try context.run { () throws(HDF5Error) in try dataset.shape }
            let values = try context.run { () throws(HDF5Error) in try dataset.read(as: Double.self) }
            let periodicity = self.periodicity
            if shape == [3] {
                edges = .constant(.orthogonal(SIMD3(values[0], values[1], values[2]) * factor, periodicity: periodicity))
            } else if shape == [3, 3] {
                edges = .constant(Cell(rowMajor: values.map { $0 * factor }, periodicity: periodicity))
            } else {
                throw context.format(edgesPath, "time-independent 'edges' has shape \(shape), expected [3] or [3, 3]")
            }
        case .group?:
            let valuePath = h5mdPath(edgesPath, "value")
            let value = try context.run { () throws(HDF5Error) in try box.openDataset("edges/value") }
            let factor = try H5MDUnits.factor(of: value, kind: "length", convert: H5MDUnits.lengthFactor, context: context)
            let shape = try context.run { () throws(HDF5Error) in try value.shape }
            let matrix: Bool
            if shape.count == 2, shape[1] == 3 {
                matrix = false
            } else if shape.count == 3, shape[1] == 3, shape[2] == 3 {
                matrix = true
            } else {
                throw context.format(valuePath, "box edges have shape \(shape), expected [n, 3] or [n, 3, 3]")
            }
            guard shape[0] == frames else {
                throw context.format(valuePath, "box edges have \(shape[0]) frames but positions have \(frames)")
            }
            edges = .series(value, matrix: matrix, factor: factor)
        case let other?:
            throw context.format(edgesPath, "'edges' is a \(other.rawValue), expected a dataset or a group")
        }
    }

    /// The cell of frame `index`, Å; `nil` when the box has no edges.
    func cell(at index: Int) throws(TrajectoryError) -> Cell? {
        switch edges {
        case .none:
            return nil
        case let .constant(cell):
            return cell
        case let .series(dataset, matrix, factor):
            let v = try context.run(frame: index) { () throws(HDF5Error) in
                try dataset.read(frames: index..<(index + 1), as: Double.self)
            }
            if matrix { return Cell(rowMajor: v.map { $0 * factor }, periodicity: periodicity) }
            return .orthogonal(SIMD3(v[0], v[1], v[2]) * factor, periodicity: periodicity)
        }
    }
}
