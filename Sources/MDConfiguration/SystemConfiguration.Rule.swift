import MDAlerts

extension SystemConfiguration {
    /// One `[rules.<name>]` table: an alert rule as configured (docs/alerts.md gives the
    /// semantics). Macro clusters are kept as written (ids or names): they are resolved when
    /// the daemon knows its model.
    public struct Rule: Sendable, Equatable {
        /// What the rule watches for.
        public enum Kind: String, Sendable, CaseIterable {
            /// A named macro transition FROM → TO.
            case transition
            /// Any macro transition rarer than `threshold` in the fitted matrix.
            case rareTransition = "rare_transition"
            /// Smoothed LENS δ above `threshold`.
            case lensBurst = "lens_burst"
            /// Novelty above `threshold`.
            case novelty
        }

        /// The table's key: the alert's `rule`, topic `alert.<name>`.
        public var name: String
        public var kind: Kind
        public var severity: AlertSeverity
        /// The threshold (probability for `rare_transition`, δ for `lens_burst`, novelty for
        /// `novelty`); nil for `transition`.
        public var threshold: Double?
        /// FROM and TO macro clusters (`transition` only; empty otherwise).
        public var from: [MacroReference]
        public var to: [MacroReference]
        /// K: analysed frames the new state must hold before the alert fires (≥ 1).
        public var persistence: Int
        /// Analysed frames the same atom stays quiet after an alert of this rule (≥ 0).
        public var cooldown: Int

        public init(
            name: String, kind: Kind, severity: AlertSeverity = .warning, threshold: Double? = nil, from: [MacroReference] = [],
            to: [MacroReference] = [], persistence: Int = 1, cooldown: Int = 0
        ) {
            self.name = name
            self.kind = kind
            self.severity = severity
            self.threshold = threshold
            self.from = from
            self.to = to
            self.persistence = persistence
            self.cooldown = cooldown
        }
    }
}
