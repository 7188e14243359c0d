import HDF5Kit

/// Turns HDF5Kit errors into ``TrajectoryError``s that name the file, the dataset and the
/// frame, and builds the reader's own format errors.
struct H5MDFileContext: Sendable {
    /// The path the reader was opened with.
    var file: String

    /// Runs `body`, converting an ``HDF5Error``: library failures become `.io`, requests that
    /// do not fit the stored object (rank, class, range) become `.format`.
    func run<T>(frame: Int? = nil, _ body: () throws(HDF5Error) -> T) throws(TrajectoryError) -> T {
        do {
            return try body()
        } catch {
            throw converted(error, frame: frame)
        }
    }

    func converted(_ error: HDF5Error, frame: Int?) -> TrajectoryError {
        var message = "\(error.operation) failed"
        if !error.detail.isEmpty { message += ": \(error.detail)" }
        return TrajectoryError(error.kind == .library ? .io : .format, file: file, frame: frame,
                               dataset: error.object, message)
    }

    /// A `.format` error about `dataset`.
    func format(_ dataset: String, _ message: String, frame: Int? = nil) -> TrajectoryError {
        TrajectoryError(.format, file: file, frame: frame, dataset: dataset, message)
    }

    /// An `.unsupported` error about `dataset`.
    func unsupported(_ dataset: String, _ message: String) -> TrajectoryError {
        TrajectoryError(.unsupported, file: file, dataset: dataset, message)
    }
}
