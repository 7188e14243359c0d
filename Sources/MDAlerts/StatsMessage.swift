import Foundation

/// The JSON body of a `stats` message on the daemon's alert socket (for dashboards and for
/// subscribers' gap accounting), as `docs/stats-message.schema.json` describes it: a run's
/// macro populations in its latest analysed frame and its live macro transition matrix, sent
/// every N analysed frames and once when the run ends (`final`).
public struct StatsMessage: Sendable, Equatable, Encodable {
    public static let schemaVersion = 1
    /// The ZeroMQ topic.
    public static let topic = "stats"

    public var daemonID: String
    public var runID: String
    /// The run's last stats message (its end, or the daemon's stop).
    public var isFinal: Bool
    /// Wire sequence number, MD step and time (ps) of the latest analysed frame (nil before any).
    public var frameSequence: UInt64?
    public var step: Int64?
    public var time: Double?
    /// Wire sequence number of the first frame of the run this daemon received: a daemon that
    /// joined a run late (or restarted) says where its view begins.
    public var firstFrameSequence: UInt64?
    public var analysedFrames: Int
    /// Stretches ended by lost frames.
    public var breaks: Int
    /// The run's last `alert_seq` so far (0: none): a subscriber whose last received alert_seq
    /// is lower missed the difference.
    public var alertsPublished: UInt64
    public var macroNames: [String]
    public var macroPopulations: [Int]
    /// Live counts between consecutive analysed frames, [from][to]; probabilities are the rows
    /// normalised (a row without counts stays zero).
    public var macroTransitionCounts: [[Int]]
    public var modelID: String

    public init(
        daemonID: String, runID: String, isFinal: Bool, frameSequence: UInt64?, step: Int64?, time: Double?, firstFrameSequence: UInt64?,
        analysedFrames: Int, breaks: Int, alertsPublished: UInt64, macroNames: [String], macroPopulations: [Int],
        macroTransitionCounts: [[Int]], modelID: String
    ) {
        self.daemonID = daemonID
        self.runID = runID
        self.isFinal = isFinal
        self.frameSequence = frameSequence
        self.step = step
        self.time = time
        self.firstFrameSequence = firstFrameSequence
        self.analysedFrames = analysedFrames
        self.breaks = breaks
        self.alertsPublished = alertsPublished
        self.macroNames = macroNames
        self.macroPopulations = macroPopulations
        self.macroTransitionCounts = macroTransitionCounts
        self.modelID = modelID
    }

    /// The counts row-normalised.
    public var macroTransitionProbabilities: [[Double]] {
        macroTransitionCounts.map { row in
            let total = row.reduce(0, +)
            return row.map { total > 0 ? Double($0) / Double(total) : 0 }
        }
    }

    /// The body: compact JSON, keys sorted.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private enum Keys: String, CodingKey {
        case schemaVersion = "schema_version", type, daemonID = "daemon_id", runID = "run_id", isFinal = "final"
        case frameSequence = "frame_seq", step, time = "time_ps", firstFrameSequence = "first_frame_seq"
        case analysedFrames = "analysed_frames", breaks, alertsPublished = "alerts_published", macroNames = "macro_names"
        case macroPopulations = "macro_populations", macroTransitionCounts = "macro_transition_counts"
        case macroTransitionProbabilities = "macro_transition_probabilities", modelID = "model_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Self.schemaVersion, forKey: .schemaVersion)
        try c.encode("stats", forKey: .type)
        try c.encode(daemonID, forKey: .daemonID)
        try c.encode(runID, forKey: .runID)
        try c.encode(isFinal, forKey: .isFinal)
        try c.encode(frameSequence, forKey: .frameSequence)
        try c.encode(step, forKey: .step)
        try c.encode(time.flatMap { $0.isFinite ? $0 : nil }, forKey: .time)
        try c.encode(firstFrameSequence, forKey: .firstFrameSequence)
        try c.encode(analysedFrames, forKey: .analysedFrames)
        try c.encode(breaks, forKey: .breaks)
        try c.encode(alertsPublished, forKey: .alertsPublished)
        try c.encode(macroNames, forKey: .macroNames)
        try c.encode(macroPopulations, forKey: .macroPopulations)
        try c.encode(macroTransitionCounts, forKey: .macroTransitionCounts)
        try c.encode(macroTransitionProbabilities, forKey: .macroTransitionProbabilities)
        try c.encode(modelID, forKey: .modelID)
    }
}
