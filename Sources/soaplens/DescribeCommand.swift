import ArgumentParser
import MDCore
import MDDaemon
import MDDescriptors

/// `soaplens describe`: descriptors of a trajectory, written to HDF5.
struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Compute LENS (raw and Savitzky–Golay smoothed) and/or SOAP for a trajectory and write them as H5MD.",
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

    @Flag(name: .long, help: "Compute SOAP (dscribe's GTO SOAP; r_cut from --rcut).")
    var soap = false

    @Option(name: .long, help: "SOAP radial basis functions n_max.")
    var nmax: Int = 8

    @Option(name: .long, help: "SOAP largest angular degree l_max.")
    var lmax: Int = 8

    @Option(name: .long, help: "SOAP Gaussian width σ, Å.")
    var sigma: Double = 1.0

    @Option(name: .long, help: "SOAP layout: full (SOAPify, 576 per species pair) or compressed (dscribe, 324 for one species).")
    var layout: String = "full"

    @Flag(name: .long, help: "Do not normalise SOAP rows to unit length.")
    var noNormalise = false

    @Option(name: .long, help: "Atoms whose density enters SOAP (default: all, as in the study).")
    var soapEnv: String?

    @Option(name: .long, help: "SOAP worker threads (default: all cores).")
    var threads: Int?

    @OptionGroup var lensOptions: LensArguments

    @OptionGroup var frames: FrameRangeArguments

    @Option(name: .shortAndLong, help: "Output HDF5 file.")
    var output: String

    @OptionGroup var source: SourceArguments
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if !lens && !soap { throw ValidationError("say what to compute: --lens and/or --soap") }
        if SoapSettings.Layout(rawValue: layout) == nil { throw ValidationError("--layout is full or compressed, not '\(layout)'") }
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
    }

    private func parsedSoapEnvironment() throws -> Selection? {
        guard let soapEnv else { return nil }
        do {
            return try Selection(parsing: soapEnv)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let logger = try global.makeLogger("soaplens.describe")
        let sourceOptions = try source.sourceOptions()
        let lensSettings = try lensOptions.settings(typeNames: sourceOptions.speciesMap)
        if soap, let warning = SoapLensBuild.soapBuildWarning { OutputSink.standardError.write("soaplens describe: note: \(warning)") }
        let options = DescribeOptions(
            files: files, format: try source.trajectoryFormat(), source: sourceOptions, start: frames.start,
            stop: frames.stop, stride: frames.stride, cutoff: lensSettings.cutoff, lag: lensSettings.lag, window: lensSettings.window,
            polyorder: lensSettings.polyorder, centres: lensSettings.centres, lensEnvironment: lensSettings.environment,
            output: output, computeLens: lens,
            soap: soap ? SoapOptions(
                nMax: nmax, lMax: lmax, sigma: sigma, layout: SoapSettings.Layout(rawValue: layout)!, normalised: !noNormalise,
                environment: try parsedSoapEnvironment(), threads: threads) : nil)
        do {
            let summary = try DescribePipeline(options: options, logger: logger).run()
            for w in summary.warnings { OutputSink.standardError.write("soaplens describe: warning: \(w)") }
            OutputSink.standardOutput.write(
                "describe: \(summary.frames) frames, \(summary.centres) centres, \(summary.environment) in the LENS environment; "
                    + "\(summary.intervals) LENS intervals, \(summary.smoothedRows) smoothed rows, "
                    + "\(summary.soapFrames) SOAP frames × \(summary.soapFeatures) features → \(output) "
                    + "(\(Report.fixed(summary.seconds, 2)) s)")
        } catch {
            OutputSink.standardError.write("soaplens describe: error: \(error)")
            throw ExitCode.failure
        }
    }
}
