import HDF5Kit

/// The step and time of each frame of an H5MD time-dependent element: either explicit
/// `step`/`time` datasets with one entry per frame (read one entry at a time by hyperslab),
/// or the fixed-rate form, scalar datasets with an `offset` attribute:
/// `step(i) = i · step + offset`, `time(i) = i · time + offset`.
struct H5MDClock {
    private enum Steps {
        case explicit(HDF5Dataset)
        case fixed(every: Int64, offset: Int64)
    }

    private enum Times {
        case explicit(HDF5Dataset, factor: Double)
        case fixed(every: Double, offset: Double)
        case absent
    }

    private let steps: Steps
    private let times: Times
    private let context: H5MDFileContext

    /// `true` when the file stores times.
    var hasTime: Bool {
        if case .absent = times { return false }
        return true
    }

    /// Reads the clock of `element` (a time-dependent group) whose `value` has `frames` frames.
    init(element: HDF5Group, frames: Int, context: H5MDFileContext) throws(TrajectoryError) {
        self.context = context
        let stepPath = h5mdPath(element.path, "step")
        guard try context.run({ () throws(HDF5Error) in try element.kind(of: "step") == .dataset }) else {
            throw context.format(stepPath, "time-dependent element has no 'step' dataset")
        }
        let step = try context.run { () throws(HDF5Error) in try element.openDataset("step") }
        guard step.elementClass == .integer else {
            throw context.format(stepPath, "'step' must be an integer dataset")
        }
        let stepShape = try context.run { () throws(HDF5Error) in try step.shape }
        switch stepShape.count {
        case 0:
            steps = try context.run { () throws(HDF5Error) in
                let every = try step.read(as: Int64.self)[0]
                let offset = try step.hasAttribute("offset") ? try step.readScalarAttribute("offset", as: Int64.self) : 0
                return .fixed(every: every, offset: offset)
            }
        case 1:
            guard stepShape[0] == frames else {
                throw context.format(stepPath, "'step' has \(stepShape[0]) entries but 'value' has \(frames) frames")
            }
            steps = .explicit(step)
        default:
            throw context.format(stepPath, "'step' has rank \(stepShape.count), expected 0 or 1")
        }

        let timePath = h5mdPath(element.path, "time")
        guard try context.run({ () throws(HDF5Error) in try element.kind(of: "time") == .dataset }) else {
            times = .absent
            return
        }
        let time = try context.run { () throws(HDF5Error) in try element.openDataset("time") }
        guard time.elementClass == .float || time.elementClass == .integer else {
            throw context.format(timePath, "'time' must be numeric")
        }
        let factor = try H5MDUnits.factor(of: time, kind: "time", convert: H5MDUnits.timeFactor, context: context)
        let timeShape = try context.run { () throws(HDF5Error) in try time.shape }
        switch timeShape.count {
        case 0:
            times = try context.run { () throws(HDF5Error) in
                let every = try time.read(as: Double.self)[0]
                let offset = try time.hasAttribute("offset") ? try time.readScalarAttribute("offset", as: Double.self) : 0
                return .fixed(every: every * factor, offset: offset * factor)
            }
        case 1:
            guard timeShape[0] == frames else {
                throw context.format(timePath, "'time' has \(timeShape[0]) entries but 'value' has \(frames) frames")
            }
            times = .explicit(time, factor: factor)
        default:
            throw context.format(timePath, "'time' has rank \(timeShape.count), expected 0 or 1")
        }
    }

    /// The MD step of frame `index`.
    func step(at index: Int) throws(TrajectoryError) -> Int64 {
        switch steps {
        case let .fixed(every, offset):
            return Int64(index) * every + offset
        case let .explicit(dataset):
            return try context.run(frame: index) { () throws(HDF5Error) in
                try dataset.read(frames: index..<(index + 1), as: Int64.self)[0]
            }
        }
    }

    /// The time of frame `index`, ps, or `nil` when the file has none.
    func time(at index: Int) throws(TrajectoryError) -> Double? {
        switch times {
        case .absent:
            return nil
        case let .fixed(every, offset):
            return Double(index) * every + offset
        case let .explicit(dataset, factor):
            return try context.run(frame: index) { () throws(HDF5Error) in
                try dataset.read(frames: index..<(index + 1), as: Double.self)[0] * factor
            }
        }
    }
}

/// Joins an HDF5 object path and a child name.
func h5mdPath(_ base: String, _ name: String) -> String {
    base.hasSuffix("/") ? base + name : base + "/" + name
}
