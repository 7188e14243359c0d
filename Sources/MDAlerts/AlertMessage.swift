import Foundation

/// The JSON body of an alert on the daemon's alert socket (topic `alert.<rule>`), as
/// `docs/alert-message.schema.json` describes it: the ``Alert`` plus what only the daemon knows
/// (the per-run consecutive `alert_seq`, the wire sequence number of the analysed frame, the
/// detection lag, the model id). Keys are snake_case; absent values are JSON null, so every key
/// is always there and a consumer never has to guess.
///
/// `schema_version` changes when a key is removed or changes meaning; new keys may be added
/// within a version.
public struct AlertMessage: Sendable, Equatable, Encodable {
    /// The version of this layout.
    public static let schemaVersion = 1

    public var alert: Alert
    /// Consecutive per run from 1: a subscriber that sees a jump knows it missed alerts.
    public var alertSeq: UInt64
    /// Wire sequence number of the analysed frame (nil when unknown).
    public var frameSequence: UInt64?
    /// How late the detection comes: analysed frames and ps between the analysed frame and the
    /// newest frame received when the alert was raised (the smoothing's lag).
    public var lagFrames: Int
    public var lagPS: Double
    public var modelID: String
    /// The publishing daemon process (random per start): `alert_seq` counts per
    /// (`daemon_id`, `run_id`), and a new id for a known run tells a subscriber the daemon restarted.
    public var daemonID: String

    public init(alert: Alert, alertSeq: UInt64, frameSequence: UInt64?, lagFrames: Int, lagPS: Double, modelID: String, daemonID: String) {
        self.daemonID = daemonID
        self.alert = alert
        self.alertSeq = alertSeq
        self.frameSequence = frameSequence
        self.lagFrames = lagFrames
        self.lagPS = lagPS
        self.modelID = modelID
    }

    /// The ZeroMQ topic: `alert.<rule>` (subscribers filter by prefix, e.g. `alert.`).
    public var topic: String { "alert." + alert.rule }

    /// The body: compact JSON, keys sorted.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    private enum Keys: String, CodingKey {
        case schemaVersion = "schema_version", type, daemonID = "daemon_id", rule, kind, severity, runID = "run_id", alertSeq = "alert_seq"
        case frameSequence = "frame_seq", step, timePS = "time_ps", index = "analysed_index"
        case lagFrames = "lag_frames", lagPS = "lag_ps", atomID = "atom_id", atomIndex = "atom_index", position = "position_angstrom"
        case macro, micro, macroName = "macro_name", fromMacro = "from_macro", toMacro = "to_macro", fromMicro = "from_micro"
        case toMicro = "to_micro", fromName = "from_name", toName = "to_name", lens, transitionProbability = "transition_probability"
        case novelty, storm, modelID = "model_id"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        let a = alert
        try c.encode(Self.schemaVersion, forKey: .schemaVersion)
        try c.encode("alert", forKey: .type)
        try c.encode(daemonID, forKey: .daemonID)
        try c.encode(a.rule, forKey: .rule)
        try c.encode(a.kind.rawValue, forKey: .kind)
        try c.encode(a.severity.rawValue, forKey: .severity)
        try c.encode(a.runID, forKey: .runID)
        try c.encode(alertSeq, forKey: .alertSeq)
        try c.encode(frameSequence, forKey: .frameSequence)
        try c.encode(a.step, forKey: .step)
        try c.encode(finite(a.time), forKey: .timePS)
        try c.encode(a.index, forKey: .index)
        try c.encode(lagFrames, forKey: .lagFrames)
        try c.encode(finite(lagPS), forKey: .lagPS)
        try c.encode(a.atomID, forKey: .atomID)
        try c.encode(a.atomIndex, forKey: .atomIndex)
        try c.encode(a.position.map { [$0.x, $0.y, $0.z] }, forKey: .position)
        try c.encode(a.macro, forKey: .macro)
        try c.encode(a.micro, forKey: .micro)
        try c.encode(a.macroName, forKey: .macroName)
        try c.encode(a.fromMacro, forKey: .fromMacro)
        try c.encode(a.toMacro, forKey: .toMacro)
        try c.encode(a.fromMicro, forKey: .fromMicro)
        try c.encode(a.toMicro, forKey: .toMicro)
        try c.encode(a.fromName, forKey: .fromName)
        try c.encode(a.toName, forKey: .toName)
        try c.encode(finite(a.lens), forKey: .lens)
        try c.encode(finite(a.transitionProbability), forKey: .transitionProbability)
        try c.encode(finite(a.novelty), forKey: .novelty)
        try c.encode(a.storm, forKey: .storm)
        try c.encode(modelID, forKey: .modelID)
    }

    private func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }
}
