import MDConfiguration

/// Where and how the daemon publishes alerts and stats (`[endpoints]`, `[rules]`, `[logging]`
/// of the configuration, with the command line's overrides).
public struct AlertOptions: Sendable {
    /// The endpoint the daemon binds its alert socket on (`tcp://127.0.0.1:*`: any free port).
    public var endpoint: String
    public var rules: SystemConfiguration.Rules
    /// A `stats` message every this many analysed frames of a run (0: only at its end).
    public var statsEvery: Int
    /// The daemon's own journal of published alerts (nil: none).
    public var journalPath: String?
    /// Before reading frames, wait until this many subscribers to the alerts have subscribed
    /// (0: don't), so loggers started with the daemon lose nothing to ZeroMQ's slow-joiner effect.
    public var awaitSubscribers: Int
    /// How long to wait for them, s (nil: no limit); the daemon goes on without them after it.
    public var awaitTimeoutSeconds: Double?

    public init(
        endpoint: String = SystemConfiguration.Endpoints.defaultAlerts, rules: SystemConfiguration.Rules = .init(), statsEvery: Int = 10,
        journalPath: String? = nil, awaitSubscribers: Int = 0, awaitTimeoutSeconds: Double? = 30
    ) {
        self.endpoint = endpoint
        self.rules = rules
        self.statsEvery = statsEvery
        self.journalPath = journalPath
        self.awaitSubscribers = awaitSubscribers
        self.awaitTimeoutSeconds = awaitTimeoutSeconds
    }
}
