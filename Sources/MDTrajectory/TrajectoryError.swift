/// A problem reading a trajectory file, with the place it happened: the file, the 1-based
/// line for text formats, the 0-based frame index, the dataset path for HDF5.
public struct TrajectoryError: Error, Sendable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable {
        /// The file cannot be opened or read.
        case io
        /// The contents do not follow the format.
        case format
        /// The file ends inside a frame (a writer still at work, or one that crashed).
        case truncated
        /// Legal in the format but not supported here (said precisely in the message).
        case unsupported
        /// The user's options contradict the file (e.g. `--species` misses a type).
        case options
    }

    public var kind: Kind
    /// The file's path as given.
    public var file: String
    /// 1-based line number (text formats).
    public var line: Int?
    /// 0-based index of the frame in the file.
    public var frame: Int?
    /// HDF5 object path, when the problem is in one dataset.
    public var dataset: String?
    /// What is wrong, for a person.
    public var message: String

    public init(
        _ kind: Kind, file: String, line: Int? = nil, frame: Int? = nil, dataset: String? = nil,
        _ message: String
    ) {
        self.kind = kind
        self.file = file
        self.line = line
        self.frame = frame
        self.dataset = dataset
        self.message = message
    }

    /// `file:line: message (frame k)`, like a compiler diagnostic.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let dataset { s += ":\(dataset)" }
        s += ": \(message)"
        if let frame { s += " (frame \(frame))" }
        return s
    }
}
