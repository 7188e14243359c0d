/// What kind of rule raised an alert (the serialised `kind`).
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A configured macro transition FROM → TO held for the rule's persistence.
    case namedTransition = "named_transition"
    /// A macro transition a → b whose fitted probability is below the rule's threshold.
    case rareTransition = "rare_transition"
    /// Smoothed LENS δ above the rule's threshold for the rule's persistence.
    case lensBurst = "lens_burst"
    /// Novelty above the rule's threshold for the rule's persistence.
    case novelty
    /// More alerts than ``AlertEngine/maxAlertsPerFrame`` on one frame: one summary with counts.
    case storm
}
