import Logging
import MDIMD
import MDIngest

/// Logs what the IMD bridge reports, for `soaplens attach` and `soaplens run --imd` alike,
/// including what detaching means for the MD with each protocol version.
struct IMDEventLog {
    let logger: Logger

    func log(_ event: IMDBridgeEvent) {
        switch event {
        case .waiting(let error):
            logger.notice("waiting for LAMMPS (fix imd)", metadata: ["detail": "\(error.description)"])
        case .tcpConnected(let address):
            logger.info("connected; the handshake comes at the LAMMPS run's setup", metadata: ["imd": "\(address)"])
        case let .attached(address, version, order, session):
            logger.notice("attached to LAMMPS over IMD", metadata: [
                "imd": "\(address)", "version": "\(version)", "byte_order": "\(order.rawValue)", "frames_carry": "\(session.description)"])
            if version == 2 {
                logger.notice("IMD v2: no box, step or time in the stream; they come from --topology, --trate and --dt")
            }
        case let .runStarted(runID, atoms, source):
            logger.info("run started", metadata: ["run": "\(runID)", "atoms": "\(atoms)", "source": "\(source)"])
        case let .runEnded(runID, frames, dropped, reason):
            var meta: Logger.Metadata = ["run": "\(runID)", "frames": "\(frames)", "dropped": "\(dropped)", "reason": "\(reason)"]
            if frames > 0 { meta["dropped_percent"] = "\(Report.fixed(100 * Double(dropped) / Double(frames), 1))" }
            logger.notice("run ended", metadata: meta)
        case let .rateChanged(from, to, runID):
            logger.warning("falling behind the MD: asked LAMMPS for a frame every \(to) steps (TRATE); the next frames start a new run", metadata: [
                "run": "\(runID)", "from": "\(from.map { "\($0)" } ?? "LAMMPS's trate")", "to": "\(to)"])
        case .warning(let text):
            logger.warning("\(text)")
        case .sessionFailed(let error):
            logger.error("IMD session failed; detached", metadata: ["detail": "\(error.description)"])
        case let .detached(version, killed, serverClosed):
            if killed {
                logger.warning("sent IMD KILL: LAMMPS ends the simulation (--kill-on-stop)")
            } else {
                logger.notice("detached from LAMMPS (IMD DISCONNECT)", metadata: ["acknowledged": "\(serverClosed)"])
                logger.warning("\(Self.afterDetach(version: version))")
            }
        }
    }

    /// What LAMMPS (22Jul2025, the version checked) does once a client has detached.
    static func afterDetach(version: Int32) -> String {
        version == 3
            ? "IMD v3: with `nowait no` (the default) LAMMPS now waits at its next output step until a client attaches again (run soaplens attach/run --imd again to continue); with `nowait yes` LAMMPS 22Jul2025 crashes there"
            : "IMD v2: with `nowait yes` the MD runs on without a client and a client may attach again later; with `nowait no` it waits at its next output step for a client"
    }
}
