import MDIMD
import MDWire

/// Settings of the IMD bridge (`soaplens attach`, `soaplens run --imd`).
public struct IMDBridgeOptions: Sendable {
    /// What happens when frames arrive faster than the receiver takes them.
    public enum Overflow: String, Sendable, CaseIterable {
        /// Drop frames in soaplens (counted; the receiver sees sequence gaps); LAMMPS never waits.
        case drop
        /// Ask LAMMPS for fewer frames (TRATE doubled, up to `maxRate`; each new rate starts a
        /// new run, so the frame spacing within a run is constant); frames that do not fit
        /// meanwhile are dropped. Needs IMD v3 (steps come with the frames); v2 falls back to drop.
        case decimate
        /// Lossless: stop reading while the receiver is behind; LAMMPS blocks on its full socket
        /// and the MD waits.
        case wait
    }

    /// The LAMMPS `fix imd` server.
    public var address: IMDAddress
    /// Ids, types, species, origin, periodicity, Δt and (v2) the box.
    public var topology: IMDTopology
    public var overflow: Overflow
    /// TRATE sent after every handshake (a frame every N MD steps); nil: LAMMPS's `trate`.
    public var rate: Int32?
    /// Highest TRATE the decimating mode asks for.
    public var maxRate: Int32
    /// Connect again after LAMMPS closed the connection (a new `lmp` run on the same port).
    public var reconnect: Bool
    /// Seconds between connection attempts while nobody listens.
    public var retryInterval: Double
    /// Give up when no connection could be made for this long, s; nil: keep trying.
    public var giveUpAfter: Double?
    /// Run id of the first session (later ones add `-2`, `-3`, …); nil: `imd-HOST-PORT-<time>-<pid>`.
    public var runID: String?
    /// On stop, send KILL (end the simulation) instead of DISCONNECT. Only when asked.
    public var killOnStop: Bool
    /// Coordinates on the wire: float32 keeps IMD's values exactly at half the bytes.
    public var precision: WireEncoder.Precision

    public init(
        address: IMDAddress, topology: IMDTopology = IMDTopology(), overflow: Overflow = .drop, rate: Int32? = nil,
        maxRate: Int32 = 1000, reconnect: Bool = true, retryInterval: Double = 0.5, giveUpAfter: Double? = nil,
        runID: String? = nil, killOnStop: Bool = false, precision: WireEncoder.Precision = .float32
    ) {
        self.address = address
        self.topology = topology
        self.overflow = overflow
        self.rate = rate
        self.maxRate = maxRate
        self.reconnect = reconnect
        self.retryInterval = retryInterval
        self.giveUpAfter = giveUpAfter
        self.runID = runID
        self.killOnStop = killOnStop
        self.precision = precision
    }
}
