extension SystemConfiguration {
    /// `[logging]`: what the daemon writes besides its alert socket. Runtime settings, not part
    /// of a model. Paths are used as given (relative to the daemon's working directory).
    public struct Logging: Sendable, Equatable {
        /// The levels of swift-log, lowest first.
        public static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

        /// Log level on stderr (journald under systemd).
        public var level: String
        /// The daemon's own journal of the alerts it publishes: each message body, verbatim,
        /// one line each, appended and flushed before the message is sent (nil: none).
        public var alertsJSONL: String?
        /// Where the daemon writes its summary as JSON on exit (nil: nowhere).
        public var summaryJSON: String?

        public init(level: String = "info", alertsJSONL: String? = nil, summaryJSON: String? = nil) {
            self.level = level
            self.alertsJSONL = alertsJSONL
            self.summaryJSON = summaryJSON
        }
    }
}
