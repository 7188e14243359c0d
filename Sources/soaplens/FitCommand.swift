import ArgumentParser
import MDConfiguration
import MDDaemon

/// `soaplens fit`: the study's protocol offline, writing a model bundle.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a model to a trajectory: SOAP, LENS, smoothing, χ, PCA, clustering, transitions, merging.",
        discussion: """
            Everything comes from the system configuration (--config, see configs/ and \
            docs/configuration.md); options below override it. Writes one HDF5 model bundle \
            (-o) and, with --labels, the micro and macro label of every analysed frame and centre \
            (particles/all/micro_label and macro_label, int32, frames × centres). Prints a \
            progress line per stage, the populations and the macro transition matrix.
            """)

    @Argument(help: "Trajectory files (LAMMPS dump, extxyz, H5MD), read in order as one run.")
    var files: [String]

    @Option(name: .long, help: "The system configuration (TOML).")
    var config: String

    @Option(name: .shortAndLong, help: "The model bundle to write (HDF5).")
    var output: String

    @Option(name: .long, help: "Also write the labels of every analysed frame and centre here (HDF5).")
    var labels: String?

    @OptionGroup var frames: FrameRangeArguments

    @Option(name: .long, help: "SOAP worker threads (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Proceed (with a warning) when the frames' spacing differs from system.frame_interval_ps.")
    var acceptInterval = false

    @OptionGroup var overrides: ConfigurationArguments
    @OptionGroup var source: SourceArguments
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be ≥ 1") }
    }

    func run() throws {
        _ = try global.makeLogger("soaplens.fit")
        let configuration: SystemConfiguration
        do {
            configuration = try overrides.load(path: config)
        } catch {
            OutputSink.standardError.write("soaplens fit: error: \(error)")
            throw ExitCode.failure
        }
        if configuration.features.mode.usesSoap, let warning = SoapLensBuild.soapBuildWarning {
            OutputSink.standardError.write("soaplens fit: note: \(warning)")
        }
        for section in configuration.reservedSections {
            OutputSink.standardError.write("soaplens fit: warning: [\(section)] in \(config) is not used by fit (reserved for the daemon)")
        }
        let options = FitOptions(
            files: files, format: try source.trajectoryFormat(), source: try source.sourceOptions(), start: frames.start, stop: frames.stop,
            stride: frames.stride, configuration: configuration, output: output, labels: labels, threads: threads,
            acceptIntervalMismatch: acceptInterval)
        do {
            let summary = try FitPipeline(options: options) { OutputSink.standardOutput.write($0) }.run()
            for w in summary.warnings { OutputSink.standardError.write("soaplens fit: warning: \(w)") }
            OutputSink.standardOutput.write(summary.reportText)
            OutputSink.standardOutput.write("fit: done in \(Report.fixed(summary.seconds, 1)) s; model \(summary.modelID) → \(output)")
        } catch {
            OutputSink.standardError.write("soaplens fit: error: \(error)")
            throw ExitCode.failure
        }
    }
}
