extension SystemConfiguration {
    /// `[endpoints]`: where the daemon receives frames and publishes alerts. Runtime settings:
    /// not part of a model (a model fitted once serves daemons on any endpoints).
    ///
    /// Publishers bind and subscribers connect: the engine side (`soaplens replay`, the LAMMPS
    /// adapters) binds the frame endpoint, the daemon connects to it unless ``framesBind``;
    /// the daemon binds the alert endpoint and `soaplens listen` connects. Defaults are
    /// loopback only; another interface must be configured on purpose.
    public struct Endpoints: Sendable, Equatable {
        /// How the daemon receives frames: SUB (lossy: a slow daemon never stalls the engine;
        /// losses are counted) or PULL (lossless: the engine waits).
        public enum FramesMode: String, Sendable, CaseIterable {
            case subscribe
            case pull
        }

        /// The frame endpoint (ZeroMQ, e.g. `tcp://127.0.0.1:5555`).
        public var frames: String
        public var framesMode: FramesMode
        /// Bind the frame endpoint instead of connecting (when the engine side connects).
        public var framesBind: Bool
        /// The alert endpoint the daemon binds (topics `alert.<rule>` and `stats`).
        public var alerts: String
        /// A `stats` message every this many analysed frames of a run (0: only at the run's end).
        public var statsEvery: Int

        public static let defaultFrames = "tcp://127.0.0.1:5555"
        public static let defaultAlerts = "tcp://127.0.0.1:5556"

        public init(
            frames: String = Self.defaultFrames, framesMode: FramesMode = .subscribe, framesBind: Bool = false,
            alerts: String = Self.defaultAlerts, statsEvery: Int = 10
        ) {
            self.frames = frames
            self.framesMode = framesMode
            self.framesBind = framesBind
            self.alerts = alerts
            self.statsEvery = statsEvery
        }
    }
}
