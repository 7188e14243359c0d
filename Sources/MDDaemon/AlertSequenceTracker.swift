/// The listener's gap and restart accounting over the daemon's alert stream (pure: no I/O, no
/// clock), so the live listener, its resume from its own log and `listen --from-log` all
/// compute the same gaps from the same inputs.
///
/// A stream is one (daemon_id, run_id): the daemon numbers a run's alerts 1, 2, 3, … per
/// process. For every stream the tracker keeps the highest `alert_seq` *accounted for*:
/// received, or already reported missing. Anything beyond it that shows up is the next gap:
/// - an alert whose `alert_seq` jumps past accounted + 1 (reason ``GapReason/sequenceJump``),
///   or the first alert of a stream never seen before that is not number 1
///   (``GapReason/beforeFirst``: published before the listener (or its log) knew the stream);
/// - a `stats` message whose `alerts_published` is beyond accounted (``GapReason/stats``:
///   the most recent alerts were lost, and no later alert would reveal it);
/// - a `gap` record read back from the listener's own log (``GapReason/recorded``), so that
///   a gap found before a restart of the listener is not counted twice.
///
/// Gap counting only means something when every alert is subscribed to: with narrower topic
/// filters (`alert.edge-` …) ``countsGaps`` is false and only restarts are reported.
///
/// A daemon restart is a run_id seen before arriving with a daemon_id never seen for it: the
/// old stream ends where it was, and the frames between the old daemon's last analysed frame
/// (`frame_seq` of its alerts and stats) and the new daemon's first frame (`first_frame_seq`,
/// known from its `stats`) were not analysed by anyone. When the restart is noticed on an alert,
/// before the new daemon's first `stats`, that count follows as ``Event/restartFrames(_:)``.
public struct AlertSequenceTracker: Sendable {
    /// Why alerts are counted missing.
    public enum GapReason: String, Sendable, Codable {
        case sequenceJump = "seq_jump"
        case beforeFirst = "before_first"
        case stats
        case recorded
    }

    /// Alerts `missingFrom...missingTo` of a stream were published but not received.
    public struct Gap: Sendable, Equatable {
        public var daemonID: String
        public var runID: String
        public var missingFrom: UInt64
        public var missingTo: UInt64
        public var reason: GapReason
        public var count: UInt64 { missingTo - missingFrom + 1 }

        public init(daemonID: String, runID: String, missingFrom: UInt64, missingTo: UInt64, reason: GapReason) {
            self.daemonID = daemonID
            self.runID = runID
            self.missingFrom = missingFrom
            self.missingTo = missingTo
            self.reason = reason
        }
    }

    /// A run moved to a new daemon process.
    public struct Restart: Sendable, Equatable {
        public var runID: String
        public var oldDaemonID: String
        public var newDaemonID: String
        /// The last alert_seq received from the old daemon (0: none).
        public var oldLastAlertSeq: UInt64
        /// The old daemon's last analysed frame seen (alerts' and stats' `frame_seq`).
        public var oldLastFrameSeq: UInt64?
        /// The new daemon's first frame of the run, when already known.
        public var newFirstFrameSeq: UInt64?

        public init(
            runID: String, oldDaemonID: String, newDaemonID: String, oldLastAlertSeq: UInt64, oldLastFrameSeq: UInt64?,
            newFirstFrameSeq: UInt64?
        ) {
            self.runID = runID
            self.oldDaemonID = oldDaemonID
            self.newDaemonID = newDaemonID
            self.oldLastAlertSeq = oldLastAlertSeq
            self.oldLastFrameSeq = oldLastFrameSeq
            self.newFirstFrameSeq = newFirstFrameSeq
        }
        /// Frames between the two not analysed: old last + 1 … new first − 1 (nil until both are known).
        public var missingFrames: ClosedRange<UInt64>? {
            guard let old = oldLastFrameSeq, let new = newFirstFrameSeq, new > old + 1 else { return nil }
            return (old + 1)...(new - 1)
        }
        /// How many frames were not analysed (0 when contiguous, nil while unknown).
        public var framesNotAnalysed: UInt64? {
            guard let old = oldLastFrameSeq, let new = newFirstFrameSeq else { return nil }
            return new > old + 1 ? new - old - 1 : 0
        }
    }

    /// What an observation reveals.
    public enum Event: Sendable, Equatable {
        case gap(Gap)
        case daemonRestart(Restart)
        /// The frame count of an earlier restart, now that the new daemon's `first_frame_seq` is known.
        case restartFrames(Restart)
        /// An alert at or below the accounted seq (a duplicate, or a daemon that reset its
        /// numbering without a new daemon_id); it is still logged.
        case outOfOrder(daemonID: String, runID: String, alertSeq: UInt64, accounted: UInt64)
    }

    /// What the tracker knows of one stream.
    public struct Stream: Sendable, Equatable {
        public var daemonID: String
        public var runID: String
        /// Highest alert_seq received.
        public var lastReceived: UInt64 = 0
        /// Highest alert_seq received or reported missing.
        public var accounted: UInt64 = 0
        /// Alerts received (this session, or read back from the log).
        public var received: UInt64 = 0
        /// Alerts reported missing.
        public var missed: UInt64 = 0
        /// Last analysed frame seen (alerts and stats).
        public var lastFrameSeq: UInt64?
        /// The daemon's first frame of the run (from stats).
        public var firstFrameSeq: UInt64?
    }

    private struct Key: Hashable, Sendable {
        var daemonID: String
        var runID: String
    }

    /// Whether gaps are counted (every alert topic subscribed to).
    public let countsGaps: Bool
    private var streams: [Key: Stream] = [:]
    /// Streams in order of first appearance (for stable summaries).
    private var order: [Key] = []
    /// The daemon currently serving each run.
    private var currentDaemon: [String: String] = [:]
    /// Restarts whose frame count waits for the new daemon's first_frame_seq.
    private var pendingRestarts: [Key: Restart] = [:]

    public init(countsGaps: Bool) {
        self.countsGaps = countsGaps
    }

    /// Every stream seen, in order of first appearance.
    public var allStreams: [Stream] { order.map { streams[$0]! } }

    /// The stream of (daemonID, runID), if seen.
    public func stream(daemonID: String, runID: String) -> Stream? {
        streams[Key(daemonID: daemonID, runID: runID)]
    }

    /// An alert was received (or read back from the log).
    public mutating func observeAlert(daemonID: String, runID: String, alertSeq: UInt64, frameSeq: UInt64?) -> [Event] {
        let key = Key(daemonID: daemonID, runID: runID)
        var events: [Event] = enter(key).map { [Event.daemonRestart($0)] } ?? []
        var s = streams[key]!
        if alertSeq > s.accounted {
            if countsGaps && alertSeq > s.accounted + 1 {
                let gap = Gap(
                    daemonID: daemonID, runID: runID, missingFrom: s.accounted + 1, missingTo: alertSeq - 1,
                    reason: s.accounted == 0 && s.received == 0 ? .beforeFirst : .sequenceJump)
                s.missed += gap.count
                events.append(.gap(gap))
            }
            s.accounted = alertSeq
        } else {
            events.append(.outOfOrder(daemonID: daemonID, runID: runID, alertSeq: alertSeq, accounted: s.accounted))
        }
        s.lastReceived = max(s.lastReceived, alertSeq)
        s.received += 1
        if let frameSeq { s.lastFrameSeq = max(s.lastFrameSeq ?? frameSeq, frameSeq) }
        streams[key] = s
        return events
    }

    /// A `stats` message: `alertsPublished` is the daemon's last alert_seq of the run.
    public mutating func observeStats(
        daemonID: String, runID: String, alertsPublished: UInt64, frameSeq: UInt64?, firstFrameSeq: UInt64?
    ) -> [Event] {
        let key = Key(daemonID: daemonID, runID: runID)
        var events: [Event] = []
        if var restart = enter(key) {
            // Noticed on the new daemon's stats: its first frame is known at once.
            if let firstFrameSeq {
                restart.newFirstFrameSeq = firstFrameSeq
                pendingRestarts.removeValue(forKey: key)
            }
            events.append(.daemonRestart(restart))
        }
        var s = streams[key]!
        if countsGaps && alertsPublished > s.accounted {
            let gap = Gap(daemonID: daemonID, runID: runID, missingFrom: s.accounted + 1, missingTo: alertsPublished, reason: .stats)
            s.missed += gap.count
            s.accounted = alertsPublished
            events.append(.gap(gap))
        }
        if let frameSeq { s.lastFrameSeq = max(s.lastFrameSeq ?? frameSeq, frameSeq) }
        if let firstFrameSeq, s.firstFrameSeq == nil {
            s.firstFrameSeq = firstFrameSeq
            if var pending = pendingRestarts.removeValue(forKey: key) {
                pending.newFirstFrameSeq = firstFrameSeq
                events.append(.restartFrames(pending))
            }
        }
        streams[key] = s
        return events
    }

    /// A `gap` line of the listener's own log: those alerts are already reported, so they are
    /// accounted for (and reported again only if the tracker had not counted them itself, as
    /// when `--from-log` reads a log whose stats were not recorded).
    public mutating func observeRecordedGap(daemonID: String, runID: String, missingTo: UInt64) -> [Event] {
        let key = Key(daemonID: daemonID, runID: runID)
        var events: [Event] = enter(key).map { [Event.daemonRestart($0)] } ?? []
        var s = streams[key]!
        if missingTo > s.accounted {
            let gap = Gap(daemonID: daemonID, runID: runID, missingFrom: s.accounted + 1, missingTo: missingTo, reason: .recorded)
            s.missed += gap.count
            s.accounted = missingTo
            if countsGaps { events.append(.gap(gap)) }
        }
        streams[key] = s
        return events
    }

    /// Zeroes the per-stream counts (``Stream/received``, ``Stream/missed``) and keeps the
    /// sequence state: after resuming from the log, the counts are the new session's.
    public mutating func resetCounts() {
        for key in order {
            streams[key]!.received = 0
            streams[key]!.missed = 0
        }
    }

    /// Registers the stream on first sight and reports a restart when its run had another daemon.
    private mutating func enter(_ key: Key) -> Restart? {
        if streams[key] != nil {
            currentDaemon[key.runID] = key.daemonID
            return nil
        }
        streams[key] = Stream(daemonID: key.daemonID, runID: key.runID)
        order.append(key)
        defer { currentDaemon[key.runID] = key.daemonID }
        guard let old = currentDaemon[key.runID], old != key.daemonID,
            let previous = streams[Key(daemonID: old, runID: key.runID)]
        else { return nil }
        // A pending restart of the old daemon that never got its frame count is dropped: the
        // newer restart supersedes it.
        pendingRestarts.removeValue(forKey: Key(daemonID: old, runID: key.runID))
        let restart = Restart(
            runID: key.runID, oldDaemonID: old, newDaemonID: key.daemonID, oldLastAlertSeq: previous.lastReceived,
            oldLastFrameSeq: previous.lastFrameSeq, newFirstFrameSeq: nil)
        pendingRestarts[key] = restart
        return restart
    }
}
