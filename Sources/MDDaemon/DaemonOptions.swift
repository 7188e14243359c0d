import MDIngest

/// Settings of `soaplens run`.
public struct DaemonOptions: Sendable {
    /// Where and how to receive frames.
    public var subscriber: FrameSubscriber.Options
    /// Stop after the first run's `end` message (scripts, tests, the bundled demo).
    public var exitOnEnd: Bool
    /// Per-frame report format on stdout.
    public var report: Report.Format
    /// Whether every received frame gets a report line (analysed frames always do).
    public var reportReceivedFrames: Bool = true
    /// Write the summary as JSON here on exit.
    public var summaryJSONPath: String?
    /// Online LENS (raw and smoothed) per run, or nil.
    public var lens: LensSettings?
    /// The online analysis against a fitted model (or a bootstrap), or nil.
    public var online: OnlineOptions?
    /// The alert socket, rules and journal (with the online analysis only), or nil: none.
    public var alerts: AlertOptions?
    /// Frames from LAMMPS over IMD, read by an in-process bridge instead of the subscriber's
    /// socket (`run --imd`), or nil.
    public var imd: IMDBridgeOptions?
    /// Frames the in-process IMD queue holds before the overflow mode decides.
    public var imdQueueFrames: Int32 = 16
    /// Individually logged rejections before logging only every 1000th (log-flood guard).
    public var rejectionLogLimit: Int

    public init(
        subscriber: FrameSubscriber.Options = FrameSubscriber.Options(), exitOnEnd: Bool = false,
        report: Report.Format = .text, summaryJSONPath: String? = nil, lens: LensSettings? = nil,
        rejectionLogLimit: Int = 20, online: OnlineOptions? = nil, alerts: AlertOptions? = nil
    ) {
        self.alerts = alerts
        self.online = online
        self.lens = lens
        self.subscriber = subscriber
        self.exitOnEnd = exitOnEnd
        self.report = report
        self.summaryJSONPath = summaryJSONPath
        self.rejectionLogLimit = rejectionLogLimit
    }
}
