import MDIngest
import MDTrajectory
import MDWire

/// Settings of `soaplens replay`.
public struct ReplayOptions: Sendable {
    /// Files replayed in order, as one continuous run (or one run each, see ``runPerFile``).
    public var files: [String]
    /// Format of every file; guessed from each name when nil.
    public var format: TrajectoryFormat?
    /// What the files do not say (species names, Δt per step).
    public var source: SourceOptions
    /// XPUB (lossy) or PUSH (lossless).
    public var mode: FramePublisher.Mode
    /// Endpoint to bind.
    public var endpoint: String
    /// Frames per second to pace at; nil = as fast as the socket takes them.
    public var rate: Double?
    /// First frame index (0-based, over all files together).
    public var start: Int
    /// Frame index to stop before; nil = to the end.
    public var stop: Int?
    /// Publish every `stride`-th frame from `start`.
    public var stride: Int
    /// Start again from the top when done, each pass a new run id.
    public var loop: Bool
    /// Tail the last file while a running engine writes it.
    public var follow: Bool
    /// Poll interval of follow mode, s.
    public var followPollInterval: Double
    /// Wait until a subscriber joined before the first frame (slow-joiner protection).
    public var waitForSubscriber: Bool
    /// Give up waiting after this many seconds; nil = wait for ever.
    public var waitTimeout: Double?
    /// Run id (default: file name, time and process id).
    public var runID: String?
    /// Each file is its own run (segment) instead of one run over all files.
    public var runPerFile: Bool
    /// Coordinate precision on the wire.
    public var precision: WireEncoder.Precision

    public init(
        files: [String], format: TrajectoryFormat? = nil, source: SourceOptions = SourceOptions(),
        mode: FramePublisher.Mode = .publish, endpoint: String = WireProtocol.defaultFrameEndpoint,
        rate: Double? = nil, start: Int = 0, stop: Int? = nil, stride: Int = 1, loop: Bool = false,
        follow: Bool = false, followPollInterval: Double = 0.2, waitForSubscriber: Bool = true,
        waitTimeout: Double? = nil, runID: String? = nil, runPerFile: Bool = false,
        precision: WireEncoder.Precision = .float64
    ) {
        self.files = files
        self.format = format
        self.source = source
        self.mode = mode
        self.endpoint = endpoint
        self.rate = rate
        self.start = start
        self.stop = stop
        self.stride = stride
        self.loop = loop
        self.follow = follow
        self.followPollInterval = followPollInterval
        self.waitForSubscriber = waitForSubscriber
        self.waitTimeout = waitTimeout
        self.runID = runID
        self.runPerFile = runPerFile
        self.precision = precision
    }
}

/// What a replay did.
public struct ReplaySummary: Sendable {
    /// Frames published.
    public var frames: UInt64 = 0
    /// Bytes published (all messages).
    public var bytes: UInt64 = 0
    /// Run ids used, in order.
    public var runs: [String] = []
    /// Seconds from the first to the last message.
    public var elapsed: Double = 0
    /// Warnings met on the way (a truncated last frame, for instance).
    public var warnings: [String] = []
}

/// Why a replay could not go on.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
