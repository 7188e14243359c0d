/// IMD message types (the first int32 of every header, big-endian), identical in v2 and v3.
/// Numbering as LAMMPS's `fix imd` uses it (`../docs` imd-protocol §2): note that FORCES is
/// 15 in LAMMPS although the v3 specification's text says 14.
public enum IMDMessageType: Int32, Sendable, CaseIterable {
    /// Client → server: detach; what LAMMPS does next depends on `nowait` (see docs/lammps.md).
    case disconnect = 0
    /// Server → client: energies (LAMMPS never sends it).
    case energies = 1
    /// Server → client: float32 coordinates, N × 3, Å (units metal).
    case fcoords = 2
    /// Client → server: start sending frames (must arrive within 1 s of the handshake).
    case go = 3
    /// Server → client: protocol version, in the server's native byte order.
    case handshake = 4
    /// Client → server: abort the simulation (only when the user asks for it).
    case kill = 5
    /// Client → server: steering forces (not used by soaplens).
    case mdcomm = 6
    /// Client → server: pause (v2: toggle; v3: idempotent).
    case pause = 7
    /// Client → server: send a frame every `length` steps.
    case trate = 8
    /// Internal to LAMMPS; never on the wire.
    case ioerror = 9
    /// Server → client (v3): seven flag bytes saying which packets each frame carries.
    case sessionInfo = 10
    /// Client → server (v3): resume after a pause.
    case resume = 11
    /// Server → client (v3): float64 dt (ps), float64 time (ps), int64 step.
    case time = 12
    /// Server → client (v3): float32[9], the cell vectors as rows, Å.
    case box = 13
    /// Server → client (v3): float32 velocities, N × 3, Å/ps.
    case velocities = 14
    /// Server → client (v3): float32 forces, N × 3, eV/Å.
    case forces = 15
    /// Client → server (LAMMPS v3 extension): switch `nowait` at run time.
    case wait = 16

    /// The name used in messages and docs.
    public var name: String {
        switch self {
        case .disconnect: "DISCONNECT"
        case .energies: "ENERGIES"
        case .fcoords: "FCOORDS"
        case .go: "GO"
        case .handshake: "HANDSHAKE"
        case .kill: "KILL"
        case .mdcomm: "MDCOMM"
        case .pause: "PAUSE"
        case .trate: "TRATE"
        case .ioerror: "IOERROR"
        case .sessionInfo: "SESSIONINFO"
        case .resume: "RESUME"
        case .time: "TIME"
        case .box: "BOX"
        case .velocities: "VELOCITIES"
        case .forces: "FORCES"
        case .wait: "WAIT"
        }
    }

    /// The name of a raw type value, known or not (for error messages).
    public static func describe(_ raw: Int32) -> String {
        IMDMessageType(rawValue: raw).map { "\($0.name) (\(raw))" } ?? "unknown type \(raw)"
    }
}
