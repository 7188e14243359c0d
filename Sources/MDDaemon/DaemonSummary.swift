import MDIngest

/// The end-of-session summary of `soaplens run`: printed as text on exit and, with
/// `--summary-json FILE`, written as JSON (keys below are stable; tests and scripts read them).
public struct DaemonSummary: Sendable, Codable, Equatable {
    public struct Run: Sendable, Codable, Equatable {
        public var run_id: String
        public var frames: UInt64
        public var expected_frames: UInt64?
        public var gaps: UInt64
        public var out_of_order: UInt64
        public var rejected: UInt64
        public var first_step: Int64?
        public var last_step: Int64?
        public var natoms: Int?
        public var ended: Bool
    }

    public struct Latency: Sendable, Codable, Equatable {
        public var p50: Double?
        public var p99: Double?
        public var max: Double?
    }

    /// Online LENS counts, when `--lens` was on.
    public struct LensCounts: Sendable, Codable, Equatable {
        /// Raw δ rows (intervals) computed.
        public var intervals: Int
        /// Smoothed rows emitted.
        public var smoothed_rows: Int
        /// Stretches ended by a sequence gap (no interval spans a gap).
        public var gap_resets: Int
        /// Runs whose first frame set up a LENS stage.
        public var runs: Int
        public init(intervals: Int = 0, smoothed_rows: Int = 0, gap_resets: Int = 0, runs: Int = 0) {
            self.intervals = intervals
            self.smoothed_rows = smoothed_rows
            self.gap_resets = gap_resets
            self.runs = runs
        }
    }

    /// The online analysis of one run.
    public struct OnlineRunSummary: Sendable, Codable, Equatable {
        public var run_id: String
        /// Why the run was not analysed (settings, frame interval), nil when it was.
        public var refused: String?
        /// Frames the run delivered to the analysis, and those skipped to match the model's interval.
        public var frames_used: Int
        public var frames_skipped: Int
        /// Every k-th frame is analysed (1: all).
        public var stride: Int
        /// The stream's measured spacing, ps.
        public var stream_interval_ps: Double?
        public var analysed_frames: Int
        /// Stretches ended by lost frames.
        public var breaks: Int
        /// Detection lag, analysed frames and ps.
        public var lag_frames: Int?
        public var lag_ps: Double?
        public var warning: String?
        public var centres: Int
        /// Live transition counts (row-major, square) between consecutive analysed frames.
        public var micro_counts: [Int]
        public var macro_counts: [Int]
        /// The live probabilities: the counts row-normalised (zero rows stay zero).
        public var micro_probabilities: [Double]
        public var macro_probabilities: [Double]
        public var macro_names: [String]
        /// Centres per macro cluster in the last analysed frame.
        public var macro_populations: [Int]
        public var drift_max_angle_degrees: Double?
        public var drift_fitted_share: Double?
        public var drift_live_share: Double?
        /// Projection + assignment + novelty + transitions per analysed frame, ms.
        public var assignment_ms_mean: Double?
        public var assignment_ms_p99: Double?
        /// SOAP + LENS + smoothing per frame, ms.
        public var descriptor_ms_mean: Double?
        public var labels_file: String?
    }

    /// The online analysis: the model and each run.
    public struct OnlineCounts: Sendable, Codable, Equatable {
        public var model_id: String?
        public var model_path: String?
        public var method: String?
        /// Whether the model was learnt from the first frames (bootstrap).
        public var bootstrapped: Bool
        public var runs: [OnlineRunSummary]
        public init(model_id: String? = nil, model_path: String? = nil, method: String? = nil, bootstrapped: Bool = false, runs: [OnlineRunSummary] = []) {
            self.model_id = model_id
            self.model_path = model_path
            self.method = method
            self.bootstrapped = bootstrapped
            self.runs = runs
        }
    }

    /// The alerts of one run.
    public struct AlertRunCounts: Sendable, Codable, Equatable {
        public var run_id: String
        /// The run's last alert_seq (alerts published, 1 … this).
        public var alerts_published: UInt64
        public var per_rule: [String: Int]
        public var stats_sent: Int
        /// Wire sequence number of the first frame of the run this daemon received.
        public var first_frame_seq: UInt64?
    }

    /// The alert socket and the rules.
    public struct AlertCounts: Sendable, Codable, Equatable {
        public var daemon_id: String
        public var endpoint: String?
        public var journal: String?
        /// Rules in force (resolved against the model) and as configured.
        public var rules: [String]
        public var configured_rules: [String]
        /// Messages (alerts and stats) handed to ZeroMQ, and dropped at a subscriber's high-water mark.
        public var sent: UInt64
        public var dropped: UInt64
        /// Subscribers to the alerts (subscriptions covering `alert.`) at the end.
        public var subscribers: UInt64
        /// Frames whose alerts or stats failed (logged).
        public var failures: Int
        public var runs: [AlertRunCounts]
    }

    /// The IMD bridge inside the daemon (`run --imd`): what LAMMPS sent and what was dropped.
    public struct IMDCounts: Sendable, Codable, Equatable {
        public var address: String
        public var overflow: String
        /// Sessions (handshakes) over the daemon's life.
        public var sessions: Int
        public var frames_read: UInt64
        public var frames_published: UInt64
        /// Dropped in the daemon because the analysis was behind (drop / decimate modes).
        public var frames_dropped: UInt64
        public var bytes_read: UInt64
        /// TRATE in force at the end (nil: LAMMPS's own) and changes by the decimating mode.
        public var rate: Int32?
        public var rate_changes: Int
        /// Seconds the lossless mode held LAMMPS up waiting for the analysis.
        public var blocked_s: Double
        public var failures: Int

        public init(address: String, overflow: String, statistics s: IMDBridgeStatistics) {
            self.address = address
            self.overflow = overflow
            sessions = s.sessions
            frames_read = s.framesRead
            frames_published = s.framesPublished
            frames_dropped = s.framesDropped
            bytes_read = s.bytesRead
            rate = s.rate
            rate_changes = s.rateChanges
            blocked_s = s.blockedSeconds
            failures = s.failures
        }
    }

    public var frames: UInt64
    public var imd: IMDCounts?
    public var alerts: AlertCounts?
    public var lens: LensCounts?
    public var online: OnlineCounts?
    public var received: UInt64
    public var controls: UInt64
    public var bytes: UInt64
    public var gaps: UInt64
    public var out_of_order: UInt64
    public var rejected: [String: UInt64]
    public var reconnects: UInt64
    public var runs: [Run]
    /// Accepted frames per second between the first and the last frame.
    public var fps: Double?
    /// Publish-to-receive latency, ms.
    public var latency_ms: Latency
    /// Seconds the daemon ran.
    public var duration_s: Double

    public init(
        statistics s: IngestStatistics, runs: [RunRecord], duration: Double, lens: LensCounts? = nil, online: OnlineCounts? = nil,
        alerts: AlertCounts? = nil, imd: IMDCounts? = nil
    ) {
        self.imd = imd
        self.alerts = alerts
        self.lens = lens
        self.online = online
        frames = s.frames
        received = s.received
        controls = s.controls
        bytes = s.bytes
        gaps = s.gaps
        out_of_order = s.outOfOrder
        rejected = s.rejected
        reconnects = s.reconnects
        self.runs = runs.map {
            Run(
                run_id: $0.runID, frames: $0.frames, expected_frames: $0.expectedFrames, gaps: $0.gaps,
                out_of_order: $0.outOfOrder, rejected: $0.rejected, first_step: $0.firstStep,
                last_step: $0.lastStep, natoms: $0.atomCount, ended: $0.ended)
        }
        fps = s.framesPerSecond
        latency_ms = Latency(
            p50: s.latency.quantile(0.5).map { $0 * 1e3 }, p99: s.latency.quantile(0.99).map { $0 * 1e3 },
            max: s.latency.count > 0 ? s.latency.maximum * 1e3 : nil)
        duration_s = duration
    }

    /// Human-readable summary, several lines.
    public var text: String {
        var lines: [String] = []
        let rejectedTotal = rejected.values.reduce(0, +)
        var head = "summary: \(frames) frames in \(runs.count) run(s); \(gaps) lost (gaps), \(out_of_order) out of order, \(rejectedTotal) rejected"
        if let fps { head += "; \(Report.fixed(fps, 1)) frames/s" }
        if let p50 = latency_ms.p50, let p99 = latency_ms.p99 {
            head += "; latency p50 \(Report.fixed(p50, 3)) ms, p99 \(Report.fixed(p99, 3)) ms"
        }
        head += "; \(Report.fixed(Double(bytes) / 1e6, 1)) MB in \(received) messages over \(Report.fixed(duration_s, 1)) s"
        lines.append(head)
        for r in runs {
            var s = "  run \(r.run_id): \(r.frames)"
            if let e = r.expected_frames { s += "/\(e)" }
            s += " frames"
            if let a = r.first_step, let b = r.last_step { s += ", steps \(a)…\(b)" }
            if let n = r.natoms { s += ", \(n) atoms" }
            if r.gaps > 0 { s += ", \(r.gaps) lost" }
            if r.out_of_order > 0 { s += ", \(r.out_of_order) out of order" }
            if r.rejected > 0 { s += ", \(r.rejected) rejected" }
            s += r.ended ? ", ended" : ", open"
            lines.append(s)
        }
        if let imd {
            var s = "  IMD \(imd.address): \(imd.sessions) session(s), \(imd.frames_read) frames read, \(imd.frames_published) passed on, \(imd.frames_dropped) dropped (\(imd.overflow) mode)"
            s += "; TRATE " + (imd.rate.map { "\($0)" } ?? "LAMMPS's own")
            if imd.rate_changes > 0 { s += " after \(imd.rate_changes) change(s)" }
            if imd.blocked_s > 0 { s += "; LAMMPS held up \(Report.fixed(imd.blocked_s, 2)) s" }
            if imd.failures > 0 { s += "; \(imd.failures) failed session(s)" }
            lines.append(s)
        }
        if let lens {
            lines.append("  LENS: \(lens.intervals) intervals, \(lens.smoothed_rows) smoothed rows over \(lens.runs) run(s); \(lens.gap_resets) reset(s) at sequence gaps")
        }
        if let online {
            lines.append("  online: model \(online.model_id ?? "none") (\(online.method ?? "-"))" + (online.bootstrapped ? ", learnt from the first frames → \(online.model_path ?? "?")" : ""))
            for r in online.runs {
                if let refused = r.refused {
                    lines.append("    run \(r.run_id): refused: \(refused)")
                    continue
                }
                var s = "    run \(r.run_id): \(r.analysed_frames) analysed frames × \(r.centres) centres"
                if r.stride > 1 { s += " (every \(r.stride)-th frame; \(r.frames_skipped) skipped)" }
                if let lag = r.lag_frames, let ps = r.lag_ps { s += ", lag \(lag) frames = \(Report.fixed(ps, 3)) ps" }
                if r.breaks > 0 { s += ", \(r.breaks) break(s) at lost frames" }
                if let a = r.assignment_ms_mean, let d = r.descriptor_ms_mean {
                    s += "; descriptors \(Report.fixed(d, 2)) ms/frame, assignment \(Report.fixed(a, 3)) ms/frame"
                }
                lines.append(s)
                if !r.macro_populations.isEmpty {
                    lines.append("      last frame: " + zip(r.macro_names, r.macro_populations).map { "\($0) \($1)" }.joined(separator: ", "))
                }
                let k = r.macro_names.count
                if k > 0, r.macro_probabilities.count == k * k, r.macro_counts.reduce(0, +) > 0 {
                    lines.append("      live macro transition probabilities, % (row → column):")
                    for a in 0..<k {
                        lines.append("        \(r.macro_names[a]): " + (0..<k).map { Report.fixed(100 * r.macro_probabilities[a * k + $0], 3) }.joined(separator: " "))
                    }
                }
                if let angle = r.drift_max_angle_degrees, let fitted = r.drift_fitted_share, let live = r.drift_live_share {
                    lines.append("      drift: largest principal angle \(Report.fixed(angle, 2))°, fitted basis explains \(Report.fixed(100 * fitted, 2)) % of the live variance (live basis \(Report.fixed(100 * live, 2)) %)")
                }
                if let w = r.warning { lines.append("      WARNING: \(w)") }
                if let f = r.labels_file { lines.append("      labels → \(f)") }
            }
        }
        if let alerts {
            var s = "  alerts: daemon \(alerts.daemon_id)"
            if let e = alerts.endpoint { s += " on \(e)" }
            s += "; \(alerts.sent) messages sent, \(alerts.dropped) dropped at subscribers' queues, \(alerts.subscribers) subscriber(s) to the alerts"
            s += alerts.rules.isEmpty ? "; no rules" : "; rules " + alerts.rules.joined(separator: ", ")
            if alerts.failures > 0 { s += "; \(alerts.failures) failure(s) (see the log)" }
            if let j = alerts.journal { s += "; journal → \(j)" }
            lines.append(s)
            for r in alerts.runs {
                var line = "    run \(r.run_id): \(r.alerts_published) alert(s)"
                if !r.per_rule.isEmpty { line += " (" + r.per_rule.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")" }
                line += ", \(r.stats_sent) stats message(s)"
                lines.append(line)
            }
        }
        if !rejected.isEmpty {
            lines.append("  rejected by reason: " + rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
