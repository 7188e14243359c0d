import HDF5Kit

/// A per-atom integer H5MD element (`id`, `species`): a time-independent `(N,)` dataset,
/// read once, or a time-dependent group whose `value` `(n, N)` is read one frame at a time.
struct H5MDAtomIntegers {
    private enum Storage {
        case constant([Int64])
        case series(HDF5Dataset)
    }

    private let storage: Storage
    private let context: H5MDFileContext
    /// Object path of the data (for error messages).
    let path: String

    /// `true` when the values are the same in every frame.
    var isConstant: Bool {
        if case .constant = storage { return true }
        return false
    }

    /// Opens `particles/<g>/<name>`; `nil` when the element is absent.
    init?(in particles: HDF5Group, name: String, frames: Int, atoms: Int, context: H5MDFileContext) throws(TrajectoryError) {
        self.context = context
        let elementPath = h5mdPath(particles.path, name)
        switch try context.run({ () throws(HDF5Error) in try particles.kind(of: name) }) {
        case nil:
            return nil
        case .dataset?:
            path = elementPath
            let dataset = try context.run { () throws(HDF5Error) in try particles.openDataset(name) }
            try H5MDAtomIntegers.requireInteger(dataset, context: context)
            let shape = try context.run { () throws(HDF5Error) in try dataset.shape }
            guard shape == [atoms] else {
                throw context.format(elementPath, "'\(name)' has shape \(shape), expected [\(atoms)] (one per atom)")
            }
            storage = .constant(try context.run { () throws(HDF5Error) in try dataset.read(as: Int64.self) })
        case .group?:
            path = h5mdPath(elementPath, "value")
            let dataset = try context.run { () throws(HDF5Error) in try particles.openDataset(name + "/value") }
            try H5MDAtomIntegers.requireInteger(dataset, context: context)
            let shape = try context.run { () throws(HDF5Error) in try dataset.shape }
            guard shape.count == 2, shape[1] == atoms else {
                throw context.format(path, "'\(name)/value' has shape \(shape), expected [n, \(atoms)]")
            }
            guard shape[0] == frames else {
                throw context.format(path, "'\(name)/value' has \(shape[0]) frames but positions have \(frames)")
            }
            storage = .series(dataset)
        case let other?:
            throw context.format(elementPath, "'\(name)' is a \(other.rawValue)")
        }
    }

    /// The values of frame `index` (file order).
    func values(at index: Int) throws(TrajectoryError) -> [Int64] {
        switch storage {
        case let .constant(values):
            return values
        case let .series(dataset):
            return try context.run(frame: index) { () throws(HDF5Error) in
                try dataset.read(frames: index..<(index + 1), as: Int64.self)
            }
        }
    }

    private static func requireInteger(_ dataset: HDF5Dataset, context: H5MDFileContext) throws(TrajectoryError) {
        guard dataset.elementClass == .integer else {
            throw context.unsupported(dataset.path, "expected integers, found \(dataset.elementClass.rawValue) elements")
        }
    }
}
