/// Settings of `soaplens listen`, the subscriber that logs the daemon's alerts (see
/// docs/listen.md). Plain values, so tests build them directly.
public struct AlertListenerOptions: Sendable {
    /// The daemon's alert endpoint (default `tcp://127.0.0.1:5556`); the listener connects.
    public static let defaultEndpoint = "tcp://127.0.0.1:5556"

    /// Where the log's lines go.
    public enum LogTarget: Sendable, Equatable {
        /// No log: only the human lines and the summary.
        case none
        /// Verbatim lines on standard output (`--jsonl -`), instead of the human lines.
        case standardOutput
        /// A file: appended, synced, rotated, and read back on start to resume.
        case file(String)
    }

    public var endpoint: String
    /// Topic prefixes subscribed to (besides `stats`, which is always subscribed).
    public var topics: [String]
    /// Also log the `stats` messages (verbatim, `"type":"stats"`) and print a line for each.
    public var logStats: Bool
    public var log: LogTarget
    /// Rotate the log file before it would exceed this many bytes; 0: never.
    public var rotateBytes: Int64
    /// Rotated files kept (`FILE.1` … `FILE.keep`).
    public var keep: Int
    public var fsync: AlertLogFile.FsyncPolicy
    /// How much of the existing log (newest first, across rotated files) is read on start to
    /// resume the sequence accounting, bytes.
    public var recoverBytes: Int
    /// No human line per alert on standard output.
    public var quiet: Bool
    public var summaryJSONPath: String?
    /// Queue limit of the SUB socket, messages (alerts are rare; stats come every N frames).
    public var receiveHighWaterMark: Int32
    /// Largest accepted message part, bytes; a peer sending more is disconnected by ZeroMQ.
    public var maxMessageBytes: Int64
    /// ZeroMQ's reconnect back-off: first interval and its cap, ms.
    public var reconnectMilliseconds: Int32
    public var reconnectMaxMilliseconds: Int32
    /// Longest wait for a message before the loop checks its stop flag, ms.
    public var pollMilliseconds: Int32
    /// Rejected messages described on stderr (the rest are only counted).
    public var rejectionsLogged: Int

    public init(
        endpoint: String = Self.defaultEndpoint, topics: [String] = ["alert."], logStats: Bool = false, log: LogTarget = .none,
        rotateBytes: Int64 = 0, keep: Int = 5, fsync: AlertLogFile.FsyncPolicy = .line, recoverBytes: Int = 16 << 20,
        quiet: Bool = false, summaryJSONPath: String? = nil, receiveHighWaterMark: Int32 = 100_000,
        maxMessageBytes: Int64 = 16 << 20, reconnectMilliseconds: Int32 = 100, reconnectMaxMilliseconds: Int32 = 2000,
        pollMilliseconds: Int32 = 50, rejectionsLogged: Int = 20
    ) {
        self.endpoint = endpoint
        self.topics = topics
        self.logStats = logStats
        self.log = log
        self.rotateBytes = rotateBytes
        self.keep = keep
        self.fsync = fsync
        self.recoverBytes = recoverBytes
        self.quiet = quiet
        self.summaryJSONPath = summaryJSONPath
        self.receiveHighWaterMark = receiveHighWaterMark
        self.maxMessageBytes = maxMessageBytes
        self.reconnectMilliseconds = reconnectMilliseconds
        self.reconnectMaxMilliseconds = reconnectMaxMilliseconds
        self.pollMilliseconds = pollMilliseconds
        self.rejectionsLogged = rejectionsLogged
    }

    /// True when the topic filters let every alert through (a prefix of `alert.`, such as
    /// `alert.` itself or the empty prefix): only then does a jump in `alert_seq`, which counts
    /// the alerts of every rule, mean alerts were lost.
    public var countsGaps: Bool { topics.contains { "alert.".hasPrefix($0) } }
}
