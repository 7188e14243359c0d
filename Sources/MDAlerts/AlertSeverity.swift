/// How urgent an alert is. Ordered: `info < warning < critical` (a storm alert takes the highest
/// severity of the alerts it stands for).
public enum AlertSeverity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Worth logging; nobody needs to look now.
    case info
    /// Worth a look while the run goes on.
    case warning
    /// The event the run is watched for.
    case critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .critical: 2
        }
    }

    public static func < (lhs: AlertSeverity, rhs: AlertSeverity) -> Bool { lhs.rank < rhs.rank }
}
