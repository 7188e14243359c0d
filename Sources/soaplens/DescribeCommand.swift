import ArgumentParser
import MDCore
import MDDaemon

/// `soaplens describe`: descriptors of a trajectory, written to HDF5.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Compute LENS (raw and Savitzky–Golay smoothed) for a trajectory and write it as H5MD.",
        discussion: """
            Writes particles/all/lens/{step,time,value} (row k: interval from frame k to k+lag, \
            labelled with frame k's step) and particles/all/lens_smoothed (scipy's savgol_filter, \
            mode interp, edges included), the centre ids and every setting as attributes. \
            Selections: all, id 1-900, type 1, element Cu, z > 12.0, combined with and/or/not.
            """)

    @Argument(help: "Trajectory files (LAMMPS dump, extxyz, H5MD), read in order as one run.")
    var files: [String]

    @Flag(name: .long, help: "Compute LENS.")
    var lens = false

    @Flag(name: .long, help: "Compute SOAP (arrives with the SOAP issue).")
    var soap = false

    @OptionGroup var lensOptions: LensArguments

    @Option(name: .long, help: "First frame (0-based).")
    var start: Int = 0

    @Option(name: .long, help: "Stop before this frame.")
    var stop: Int?

    @Option(name: .long, help: "Use every K-th frame.")
    var stride: Int = 1

    @Option(name: .shortAndLong, help: "Output HDF5 file.")
    var output: String

    @OptionGroup var source: SourceArguments
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if soap { throw ValidationError("--soap is not available yet in this build; use --lens") }
        if !lens { throw ValidationError("say what to compute: --lens") }
    }

    func run() throws {
        let logger = try global.makeLogger("soaplens.describe")
        let sourceOptions = try source.sourceOptions()
        let lensSettings = try lensOptions.settings(typeNames: sourceOptions.speciesMap)
        let options = DescribeOptions(
            files: files, format: try source.trajectoryFormat(), source: sourceOptions, start: start,
            stop: stop, stride: stride, cutoff: lensSettings.cutoff, lag: lensSettings.lag, window: lensSettings.window,
            polyorder: lensSettings.polyorder, centres: lensSettings.centres, lensEnvironment: lensSettings.environment,
            output: output)
        do {
            let summary = try DescribePipeline(options: options, logger: logger).run()
            for w in summary.warnings { OutputSink.standardError.write("soaplens describe: warning: \(w)") }
            OutputSink.standardOutput.write(
                "describe: \(summary.frames) frames, \(summary.centres) centres, \(summary.environment) in the LENS environment; "
                    + "\(summary.intervals) LENS intervals, \(summary.smoothedRows) smoothed rows → \(output) "
                    + "(\(Report.fixed(summary.seconds, 2)) s)")
        } catch {
            OutputSink.standardError.write("soaplens describe: error: \(error)")
            throw ExitCode.failure
        }
    }
}
