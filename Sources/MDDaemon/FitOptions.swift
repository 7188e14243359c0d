import MDConfiguration
import MDCore
import MDTrajectory

/// What `soaplens fit` reads, how, and where it writes.
public struct FitOptions: Sendable {
    /// Trajectory files, read in order as one run.
    public var files: [String]
    public var format: TrajectoryFormat?
    /// Species map and MD time step of the source (`--species`, `--dt`); an empty species map
    /// takes the configuration's `system.species`.
    public var source: SourceOptions
    /// Frame selection across all files (0-based, `stop` exclusive).
    public var start: Int
    public var stop: Int?
    public var stride: Int
    /// The effective configuration (file plus command-line overrides, validated).
    public var configuration: SystemConfiguration
    /// The model bundle to write.
    public var output: String
    /// Optional labels file (``MDArchive/LabelsFile``).
    public var labels: String?
    /// SOAP worker threads; nil = every core.
    public var threads: Int?
    /// Proceed when the frames' spacing differs from `system.frame_interval_ps` (a warning).
    public var acceptIntervalMismatch: Bool
    /// Frames already in memory, used instead of `files` (the daemon's bootstrap: the first
    /// frames of a live run), with a description for messages and the provenance.
    public var frames: (description: String, frames: [Frame])?

    public init(
        files: [String], format: TrajectoryFormat? = nil, source: SourceOptions = SourceOptions(), start: Int = 0,
        stop: Int? = nil, stride: Int = 1, configuration: SystemConfiguration, output: String, labels: String? = nil,
        threads: Int? = nil, acceptIntervalMismatch: Bool = false, frames: (description: String, frames: [Frame])? = nil
    ) {
        self.frames = frames
        self.files = files
        self.format = format
        self.source = source
        self.start = start
        self.stop = stop
        self.stride = stride
        self.configuration = configuration
        self.output = output
        self.labels = labels
        self.threads = threads
        self.acceptIntervalMismatch = acceptIntervalMismatch
    }
}
