import Foundation

/// The end-of-session summary of `soaplens listen` (and of `listen --from-log`): printed as
/// text on exit and, with `--summary-json FILE`, written as JSON (keys below are stable;
/// tests and scripts read them).
public struct AlertListenerSummary: Sendable, Codable, Equatable {
    /// One (daemon_id, run_id) stream.
    public struct Stream: Sendable, Codable, Equatable {
        public var daemon_id: String
        public var run_id: String
        /// Alerts received in this session (or read in the replayed log).
        public var alerts: UInt64
        /// Highest alert_seq received (including what the log held before this session).
        public var last_alert_seq: UInt64
        /// Alerts counted missing in this session.
        public var missed: UInt64

        public init(daemon_id: String, run_id: String, alerts: UInt64, last_alert_seq: UInt64, missed: UInt64) {
            self.daemon_id = daemon_id
            self.run_id = run_id
            self.alerts = alerts
            self.last_alert_seq = last_alert_seq
            self.missed = missed
        }
    }

    /// `socket` (live) or `log` (`--from-log`).
    public var source: String
    /// The endpoint or the replayed file.
    public var input: String
    public var log_path: String?
    /// Alerts logged (socket) or read (log), per rule and in total.
    public var alerts: UInt64 = 0
    public var alerts_by_rule: [String: UInt64] = [:]
    public var stats_received: UInt64 = 0
    /// Whether gaps were counted (topic filters covering every alert).
    public var gap_counting: Bool
    /// Gap records and the alerts they stand for.
    public var gaps: UInt64 = 0
    public var missed_alerts: UInt64 = 0
    public var daemon_restarts: UInt64 = 0
    /// Frames between a run's old and new daemon that nobody analysed (when known).
    public var frames_not_analysed: UInt64 = 0
    /// Alerts at or below the seq already accounted for (duplicates; still logged).
    public var out_of_order: UInt64 = 0
    /// Messages (or log lines) refused, per reason; the first few described.
    public var rejected: [String: UInt64] = [:]
    public var rejected_examples: [String] = []
    /// `--from-log`: lines that are not a record (counted in ``rejected`` by reason too).
    public var malformed_lines: UInt64 = 0
    /// Resume: log lines read back on start, and the streams they held.
    public var recovered_lines: UInt64 = 0
    public var recovered_streams: UInt64 = 0
    /// Bytes of a crash's partial last line found on start (not taken as a record).
    public var partial_line_bytes: UInt64?
    public var log_rotations: UInt64 = 0
    /// ZeroMQ connection events (socket mode).
    public var connects: UInt64 = 0
    public var disconnects: UInt64 = 0
    public var reconnects_forced: UInt64 = 0
    public var duration_s: Double = 0
    public var streams: [Stream] = []

    public init(source: String, input: String, logPath: String?, gapCounting: Bool) {
        self.source = source
        self.input = input
        log_path = logPath
        gap_counting = gapCounting
    }

    /// Counts a refusal; keeps the description among the examples while fewer than `examples`.
    /// Returns true when the description was kept (the caller then also logs it).
    @discardableResult
    public mutating func reject(_ reason: String, _ description: String, examples: Int) -> Bool {
        rejected[reason, default: 0] += 1
        guard rejected_examples.count < examples else { return false }
        rejected_examples.append(description)
        return true
    }

    /// Total refusals.
    public var rejectedTotal: UInt64 { rejected.values.reduce(0, +) }

    /// The human-readable summary (several lines).
    public var text: String {
        var lines: [String] = []
        lines.append("listen summary (\(source) \(input)): \(alerts) alerts\(log_path.map { " logged to \($0)" } ?? ""), \(stats_received) stats, \(String(format: "%.1f", duration_s)) s")
        if !alerts_by_rule.isEmpty {
            lines.append("  per rule: " + alerts_by_rule.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if gap_counting {
            lines.append("  gaps: \(gaps) (\(missed_alerts) alerts missed)")
        } else {
            lines.append("  gaps: not counted (the topic filters do not cover every alert)")
        }
        lines.append("  daemon restarts: \(daemon_restarts) (\(frames_not_analysed) frames not analysed)")
        if out_of_order > 0 { lines.append("  out of order / duplicate alerts: \(out_of_order)") }
        let refused = rejectedTotal
        lines.append("  rejected: \(refused)" + (refused == 0 ? "" : " (" + rejected.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + ")"))
        if malformed_lines > 0 { lines.append("  malformed log lines: \(malformed_lines)") }
        if recovered_lines > 0 { lines.append("  resumed from the log: \(recovered_lines) lines, \(recovered_streams) streams") }
        if let partial = partial_line_bytes { lines.append("  partial last line found on start: \(partial) bytes (not taken as a record)") }
        if log_rotations > 0 { lines.append("  log rotations: \(log_rotations)") }
        if source == "socket" {
            lines.append("  connections: \(connects) connects, \(disconnects) disconnects" + (reconnects_forced > 0 ? ", \(reconnects_forced) re-created" : ""))
        }
        for s in streams {
            lines.append("  run \(s.run_id) daemon \(s.daemon_id): \(s.alerts) alerts, last seq \(s.last_alert_seq), \(s.missed) missed")
        }
        return lines.joined(separator: "\n")
    }
}
