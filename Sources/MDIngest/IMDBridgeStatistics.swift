/// Counters of an IMD bridge over all its sessions.
public struct IMDBridgeStatistics: Sendable, Codable {
    /// Sessions (handshakes) completed.
    public var sessions = 0
    /// Frames read from LAMMPS.
    public var framesRead: UInt64 = 0
    /// Frames handed to the frame socket.
    public var framesPublished: UInt64 = 0
    /// Frames dropped because the receiver was behind (their sequence numbers are gaps).
    public var framesDropped: UInt64 = 0
    /// Run boundaries (`segment-start`, `end`) that found no room in the frame socket in time
    /// (0.2 s while LAMMPS runs, 2 s when stopping).
    public var controlsDropped = 0
    /// Bytes read from LAMMPS.
    public var bytesRead: UInt64 = 0
    /// TRATE changes made by the decimating mode.
    public var rateChanges = 0
    /// The TRATE in force (sent by soaplens), or nil: LAMMPS's own.
    public var rate: Int32?
    /// Last MD step received.
    public var lastStep: Int64?
    /// Seconds spent waiting for the receiver (the lossless mode: time LAMMPS was held up).
    public var blockedSeconds = 0.0
    /// Sessions that ended on a protocol or I/O error.
    public var failures = 0

    public init() {}
}
