import ArgumentParser
import Logging
import MDCore
import MDTrajectory

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (default: [logging] level, else info).")
    var logLevel: String?

    /// Sets up swift-log (stderr) once and returns the command's logger. `configured`: the
    /// configuration's `[logging] level`, used when --log-level is not given.
    func makeLogger(_ label: String, configured: String? = nil) throws -> Logger {
        let name = logLevel ?? configured ?? "info"
        guard let level = Logger.Level(rawValue: name) else {
            throw ValidationError("unknown --log-level '\(name)'")
        }
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// Which frames of the input files a command reads (`replay`, `describe`, `fit`): indices
/// count across all files, 0-based.
struct FrameRangeArguments: ParsableArguments {
    @Option(name: .long, help: "First frame (0-based, over all files).")
    var start: Int = 0

    @Option(name: .long, help: "Stop before this frame.")
    var stop: Int?

    @Option(name: .long, help: "Use every K-th frame.")
    var stride: Int = 1

    func validate() throws {
        if start < 0 { throw ValidationError("--start must be ≥ 0") }
        if stride < 1 { throw ValidationError("--stride must be ≥ 1") }
        if let stop, stop < start { throw ValidationError("--stop (\(stop)) must not be before --start (\(start))") }
    }
}

/// The `--species 1=Cu,2=O` option of any command as a map (empty when not given); a
/// malformed entry is a usage error naming it.
func speciesMapArgument(_ text: String?) throws -> [Int: String] {
    guard let text else { return [:] }
    do {
        return try SourceOptions.parseSpeciesMap(text)
    } catch {
        throw ValidationError(error.description)
    }
}

/// The `--dt` option (ps per MD step), checked: positive and finite.
func timestepArgument(_ dt: Double?) throws -> Double? {
    if let dt, !(dt > 0 && dt.isFinite) { throw ValidationError("--dt must be a positive number of ps, got \(dt)") }
    return dt
}

/// Source options shared by every command that reads trajectories (`replay`, later
/// `describe`, `fit`).
struct SourceArguments: ParsableArguments {
    @Option(name: .long, help: "Map numeric types to elements, e.g. 1=Cu,2=O (LAMMPS dumps carry only types).")
    var species: String?

    @Option(name: .long, help: "MD time per step, ps (LAMMPS dumps carry steps, not times).")
    var dt: Double?

    @Option(name: .long, help: "File format: lammps-dump, extxyz, h5md (default: from the file name).")
    var format: String?

    func sourceOptions() throws -> SourceOptions {
        var o = SourceOptions()
        o.speciesMap = try speciesMapArgument(species)
        o.timestep = try timestepArgument(dt)
        return o
    }

    func trajectoryFormat() throws -> TrajectoryFormat? {
        guard let format else { return nil }
        guard let f = TrajectoryFormat(rawValue: format) else {
            throw ValidationError("unknown --format '\(format)'; use one of \(TrajectoryFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }
}

import Synchronization

/// swift-log may be bootstrapped once per process.
enum LoggingBootstrap {
    private static let done = Mutex(false)

    static func once(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var h = StreamLogHandler.standardError(label: label)
                h.logLevel = level
                return h
            }
        }
    }
}
