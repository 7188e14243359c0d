/// What an ``AlertRule`` watches for, per atom and analysed frame.
///
/// "Held K frames" (the rule's ``AlertRule/persistence``) means K consecutive analysed frames of
/// one stretch (``AlertEngine/breakSequence()`` ends a stretch).
public enum AlertCondition: Sendable, Equatable {
    /// The atom entered a macro cluster of `to` from one of `from`: fires on the frame where the
    /// atom has been in `to` (any member; the run may move between members) for exactly K
    /// consecutive frames and the last macro label before that run is in `from`. A run that
    /// starts on a stretch's first frame has no known predecessor and never fires.
    case namedTransition(from: Set<Int32>, to: Set<Int32>)
    /// Any macro transition a → b (a ≠ b) whose probability P[a, b] in the fitted macro matrix
    /// (``AlertModel/macroProbabilities``) is strictly below `threshold`; fires on the frame
    /// where the atom has held b for exactly K consecutive frames after a.
    case rareTransition(threshold: Double)
    /// Smoothed, clipped LENS δ (dimensionless) strictly above `threshold` for K consecutive
    /// frames: fires once, on the K-th frame of the streak; re-arms only when the value falls to
    /// ≤ `threshold` (a NaN value ends the streak too).
    case lensBurst(threshold: Double)
    /// Novelty (in [0, 1]) strictly above `threshold` for K consecutive frames; NaN (unknown)
    /// never counts and ends the streak. Fires once per streak, like ``lensBurst(threshold:)``.
    case novelty(threshold: Double)

    /// The kind of the alerts this condition raises.
    public var kind: AlertKind {
        switch self {
        case .namedTransition: .namedTransition
        case .rareTransition: .rareTransition
        case .lensBurst: .lensBurst
        case .novelty: .novelty
        }
    }
}
