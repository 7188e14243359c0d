/// One alert rule: what to watch for (``condition``), how urgent it is, how long the state must
/// hold before it fires (``persistence``) and how long the same atom stays quiet afterwards
/// (``cooldown``).
public struct AlertRule: Sendable, Equatable {
    /// The rule's name (the serialised `rule`, the topic suffix `alert.<name>`); unique in an engine.
    public let name: String
    public let severity: AlertSeverity
    public let condition: AlertCondition
    /// K ≥ 1, in analysed frames: the state must hold K consecutive frames; the alert fires on
    /// the K-th (K = 1: on the first frame in the new state).
    public let persistence: Int
    /// C ≥ 0, in analysed frames: after the rule fires for atom i at analysed index f, it does
    /// not fire for i again before f + C + 1 (C = 0: no cooldown). A firing suppressed by the
    /// cooldown is dropped, not deferred.
    public let cooldown: Int

    /// Throws ``AlertError/invalidRule(name:reason:)`` for an empty name, K < 1, C < 0, a
    /// non-finite threshold, a rare threshold outside (0, 1], an empty or negative FROM / TO set.
    public init(name: String, severity: AlertSeverity, condition: AlertCondition, persistence: Int = 1, cooldown: Int = 0) throws(AlertError) {
        guard !name.isEmpty else { throw .invalidRule(name: name, reason: "the name is empty") }
        guard persistence >= 1 else { throw .invalidRule(name: name, reason: "persistence \(persistence) must be ≥ 1 frame") }
        guard cooldown >= 0 else { throw .invalidRule(name: name, reason: "cooldown \(cooldown) must be ≥ 0 frames") }
        switch condition {
        case .namedTransition(let from, let to):
            guard !from.isEmpty, !to.isEmpty else { throw .invalidRule(name: name, reason: "FROM and TO need at least one macro id each") }
            if let bad = from.union(to).min(), bad < 0 { throw .invalidRule(name: name, reason: "macro id \(bad) is negative") }
        case .rareTransition(let threshold):
            guard threshold > 0, threshold <= 1 else { throw .invalidRule(name: name, reason: "probability threshold \(threshold) must be in (0, 1]") }
        case .lensBurst(let threshold), .novelty(let threshold):
            guard threshold.isFinite else { throw .invalidRule(name: name, reason: "threshold \(threshold) must be finite") }
        }
        self.name = name
        self.severity = severity
        self.condition = condition
        self.persistence = persistence
        self.cooldown = cooldown
    }
}
