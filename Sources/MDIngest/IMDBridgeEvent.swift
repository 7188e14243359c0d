import MDIMD

/// What the IMD bridge reports to its owner (who logs it); the bridge itself does no logging.
public enum IMDBridgeEvent: Sendable {
    /// Nobody answers at the address yet (reported on the first failure and every 30 s).
    case waiting(IMDError)
    /// TCP connected; the handshake comes at LAMMPS's `run` setup.
    case tcpConnected(IMDAddress)
    /// Handshake done and GO sent.
    case attached(address: IMDAddress, version: Int32, byteOrder: IMDByteOrder, session: IMDSessionInfo)
    /// A run (session, or a new frame spacing in the decimating mode) begins.
    case runStarted(runID: String, atoms: Int, source: String)
    /// A run ended: `frames` numbered (published or dropped), `dropped` of them dropped.
    case runEnded(runID: String, frames: UInt64, dropped: UInt64, reason: String)
    /// The decimating mode asked LAMMPS for a frame every `to` steps instead of `from`.
    case rateChanged(from: Int32?, to: Int32, runID: String)
    /// Something the user should know (v2 step counting, a fallback).
    case warning(String)
    /// The session failed; the bridge detached and (with reconnect) tries again.
    case sessionFailed(IMDError)
    /// Detached on stop: `version` and whether the server acknowledged by closing.
    case detached(version: Int32, killed: Bool, serverClosed: Bool)
}
