import ArgumentParser
import Foundation
import MDCore
import MDDaemon
import MDIMD
import MDIngest
import MDTrajectory

/// The IMD options `soaplens attach` and `soaplens run --imd` share: where LAMMPS listens,
/// what the stream lacks (ids, types, box origin, periodicity, Δt) and what to do when the
/// receiver falls behind.
struct IMDArguments: ParsableArguments {
    @Option(name: .long, help: "LAMMPS's `fix imd` server, HOST:PORT (or PORT for localhost).")
    var imd: String?

    @Option(name: .long, help: "A LAMMPS data file of the system (write_data): atom ids, types, type labels, box origin and, for IMD v2, the box. Without it ids are 1…N and every atom is type 1.")
    var topology: String?

    @Option(name: .long, help: "MD timestep, ps: time = step × dt when the stream has no TIME packet (IMD v2).")
    var dt: Double?

    @Option(name: .long, help: "Periodic axes, e.g. T,T,F for a slab (IMD does not say).")
    var pbc: String = "T,T,T"

    @Option(name: .long, help: "Ask LAMMPS for a frame every N MD steps (IMD TRATE) on every connection; default: the input script's `trate`.")
    var trate: Int32?

    @Option(name: .long, help: "When the receiver is behind: drop (frames dropped in soaplens, counted; the MD never waits), decimate (TRATE doubled up to --max-trate, each spacing a new run; IMD v3), wait (lossless: the MD waits).")
    var overflow: IMDBridgeOptions.Overflow = .drop

    @Option(name: .long, help: "Highest TRATE the decimate mode asks for.")
    var maxTrate: Int32 = 1000

    @Option(name: .long, help: "Give up when no LAMMPS answers at --imd for this many seconds (default: keep trying).")
    var imdTimeout: Double?

    @Flag(name: .long, help: "On SIGINT/SIGTERM end the simulation (IMD KILL) instead of detaching (DISCONNECT).")
    var killOnStop = false

    func validate() throws {
        if let imd { _ = try parsedAddress(imd) }
        _ = try timestepArgument(dt)
        _ = try periodicity()
        if let trate, trate < 1 { throw ValidationError("--trate must be ≥ 1 step") }
        if maxTrate < 1 { throw ValidationError("--max-trate must be ≥ 1 step") }
        if let trate, overflow == .decimate, trate > maxTrate { throw ValidationError("--trate (\(trate)) is above --max-trate (\(maxTrate))") }
        if let imdTimeout, !(imdTimeout > 0) { throw ValidationError("--imd-timeout must be > 0 s") }
    }

    private func parsedAddress(_ text: String) throws -> IMDAddress {
        do {
            return try IMDAddress(parsing: text)
        } catch {
            throw ValidationError("--imd: \(error.description)")
        }
    }

    func periodicity() throws -> Periodicity {
        let flags = pbc.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
        guard flags.count == 3, flags.allSatisfy({ ["T", "F", "TRUE", "FALSE", "1", "0"].contains($0) }) else {
            throw ValidationError("--pbc '\(pbc)': expected three flags, e.g. T,T,F")
        }
        let b = flags.map { $0 == "T" || $0 == "TRUE" || $0 == "1" }
        return Periodicity(b[0], b[1], b[2])
    }

    /// The bridge settings. `species`: numeric type → element (`--species`); the data file's
    /// type labels name the types the map leaves out.
    func bridgeOptions(species: [Int: String], reconnect: Bool, runID: String?) throws -> IMDBridgeOptions {
        guard let imd else { throw ValidationError("--imd HOST:PORT is required") }
        let address = try parsedAddress(imd)
        let pbc = try periodicity()
        var t = IMDTopology(periodicity: pbc, speciesMap: species, timestep: dt)
        if let path = topology {
            let data: LammpsDataFile
            do {
                data = try LammpsDataFile(path: path, periodicity: pbc)
            } catch {
                throw ValidationError("--topology: \(error)")
            }
            t.ids = data.ids
            t.types = data.types
            t.origin = data.cell.origin
            t.fallbackCell = data.cell
            t.source = "data:\(path)"
            for (k, label) in (data.typeLabels ?? []).enumerated() where t.speciesMap[k + 1] == nil {
                t.speciesMap[k + 1] = label
            }
            if !data.contiguousTags {
                // Fine with a data file (its ids are used), noted for the user.
                OutputSink.standardError.write("note: \(path): atom ids are not 1…N; frames carry the data file's ids in ascending order, as IMD sends them")
            }
        }
        return IMDBridgeOptions(
            address: address, topology: t, overflow: overflow, rate: trate, maxRate: maxTrate, reconnect: reconnect,
            giveUpAfter: imdTimeout, runID: runID, killOnStop: killOnStop)
    }
}

extension IMDBridgeOptions.Overflow: ExpressibleByArgument {}
