/// Why an IMD session could not start or go on. Every case names the server (`host:port`)
/// and, once frames flow, the frame's index in the session, so a user can tell a wrong port
/// from a LAMMPS that crashed mid-frame.
public struct IMDError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, for callers that react differently (retry or give up).
    public enum Kind: String, Sendable {
        /// The address does not resolve or the host:port text is malformed.
        case address
        /// Nobody listens there (yet): LAMMPS not started or not at `fix imd` setup.
        case refused
        /// A socket call failed (timeouts included).
        case io
        /// The server closed the connection (LAMMPS finished or was killed).
        case closed
        /// The bytes do not follow the IMD protocol.
        case protocolViolation = "protocol"
        /// The session cannot be turned into frames (e.g. v2 without a box source, wrong atom count).
        case unusable
    }

    public var kind: Kind
    public var description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
