/// What every frame of a session carries. IMD v3 announces it in the SESSIONINFO packet right
/// after the handshake (seven flag bytes in this order); a v2 session carries coordinates only.
public struct IMDSessionInfo: Sendable, Hashable {
    public var time: Bool
    public var energies: Bool
    public var box: Bool
    public var coordinates: Bool
    /// Coordinates wrapped into the periodic box (LAMMPS: `unwrap no`, the default).
    public var wrapped: Bool
    public var velocities: Bool
    public var forces: Bool

    public init(
        time: Bool, energies: Bool, box: Bool, coordinates: Bool, wrapped: Bool, velocities: Bool, forces: Bool
    ) {
        self.time = time
        self.energies = energies
        self.box = box
        self.coordinates = coordinates
        self.wrapped = wrapped
        self.velocities = velocities
        self.forces = forces
    }

    /// A v2 session: FCOORDS only, wrapped (LAMMPS's default `unwrap no`).
    public static let version2 = IMDSessionInfo(
        time: false, energies: false, box: false, coordinates: true, wrapped: true, velocities: false, forces: false)

    /// Decodes the seven SESSIONINFO flag bytes (nonzero = true).
    public init(flags: [UInt8]) {
        precondition(flags.count >= 7, "SESSIONINFO has 7 flag bytes")
        self.init(
            time: flags[0] != 0, energies: flags[1] != 0, box: flags[2] != 0, coordinates: flags[3] != 0,
            wrapped: flags[4] != 0, velocities: flags[5] != 0, forces: flags[6] != 0)
    }

    /// The seven flag bytes (what a server sends).
    public var flags: [UInt8] {
        [time, energies, box, coordinates, wrapped, velocities, forces].map { $0 ? 1 : 0 }
    }

    /// The packets of one frame, in the fixed order the server writes them.
    public var packetOrder: [IMDMessageType] {
        var order: [IMDMessageType] = []
        if time { order.append(.time) }
        if energies { order.append(.energies) }
        if box { order.append(.box) }
        if coordinates { order.append(.fcoords) }
        if velocities { order.append(.velocities) }
        if forces { order.append(.forces) }
        return order
    }

    /// A short description, e.g. `time box coordinates(wrapped) velocities`.
    public var description: String {
        var parts: [String] = []
        if time { parts.append("time") }
        if energies { parts.append("energies") }
        if box { parts.append("box") }
        if coordinates { parts.append(wrapped ? "coordinates(wrapped)" : "coordinates(unwrapped)") }
        if velocities { parts.append("velocities") }
        if forces { parts.append("forces") }
        return parts.isEmpty ? "nothing" : parts.joined(separator: " ")
    }
}
