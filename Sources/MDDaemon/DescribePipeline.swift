import Logging
import MDArchive
import MDCore
import MDDescriptors
import MDIngest
import MDSignal
import MDTrajectory

/// `soaplens describe --lens`: reads a trajectory frame by frame, resolves the selections on
/// the first frame, and writes raw and Savitzky–Golay-smoothed LENS as H5MD elements
/// (`particles/all/lens`, `particles/all/lens_smoothed`) with every hyper-parameter as an
/// attribute. Streaming: memory is O(atoms × window), whatever the trajectory's length.
///
/// Layout (conventions §2–§3): row k of `lens` is the interval from analysed frame k to frame
/// k + lag and carries frame k's step and time; `lens_smoothed` is
/// `scipy.signal.savgol_filter(lens, window, polyorder, axis=0)` (mode `interp`, edges
/// included, not clipped), with its `lag_frames` stated.
public final class DescribePipeline {
    public let options: DescribeOptions
    private let logger: Logger

    public init(options: DescribeOptions, logger: Logger) throws {
        guard !options.files.isEmpty else { throw StageError("no trajectory file given") }
        guard options.stride >= 1 else { throw StageError("--stride must be ≥ 1, got \(options.stride)") }
        self.options = options
        self.logger = logger
    }

    public func run() throws -> DescribeSummary {
        let t0 = WallClock.monotonic()
        var summary = DescribeSummary()
        let sg = try SavitzkyGolay(window: options.window, polyorder: options.polyorder)
        var state: RunState?
        var index = 0
        for file in options.files {
            let reader = try TrajectoryOpener.open(path: file, format: options.format, options: options.source)
            while true {
                if let stop = options.stop, index >= stop { break }
                let wanted = index >= options.start && (index - options.start) % options.stride == 0
                if !wanted {
                    guard try reader.skip() else { break }
                    index += 1
                    continue
                }
                guard let frame = try reader.next() else { break }
                index += 1
                if state == nil { state = try RunState(first: frame, options: options, filter: sg, logger: logger) }
                try state!.consume(frame, file: file)
                summary.frames += 1
            }
        }
        guard var state else { throw StageError("no frame selected from \(options.files.joined(separator: ", "))") }
        try state.finish()
        summary.intervals = state.rawRows
        summary.smoothedRows = state.smoothedRows
        summary.centres = state.centreIndices.count
        summary.environment = state.environmentCount
        summary.warnings = state.warnings
        summary.seconds = WallClock.monotonic() - t0
        return summary
    }

    /// The LENS stage and the archive it writes to.
    private struct RunState {
        let stage: LensStage
        let writer: H5MDWriter
        let raw: H5MDSeries
        let smoothed: H5MDSeries
        var smoothedRows = 0
        var warnings: [String] = []
        let logger: Logger
        var rawRows: Int { stage.rawRows }
        var centreIndices: [Int64] { stage.centreIDs }
        var environmentCount: Int { stage.environmentIDs.count }

        init(first: Frame, options: DescribeOptions, filter: SavitzkyGolay, logger: Logger) throws {
            let settings = LensSettings(
                cutoff: options.cutoff, lag: options.lag, window: options.window, polyorder: options.polyorder,
                centres: options.centres, environment: options.lensEnvironment, typeNames: options.source.speciesMap)
            stage = try LensStage(first: first, settings: settings)
            self.logger = logger
            writer = try H5MDWriter(path: options.output, periodicity: first.periodicity, creatorVersion: SoapLensBuild.version)
            try writer.writeIDs("centres", stage.centreIDs, attributes: ["selection": .string(options.centres.description)])
            try writer.writeIDs("lens_environment", stage.environmentIDs, attributes: ["selection": .string(settings.environmentText)])
            let common: [String: AttributeValue] = [
                "r_cut": .double(options.cutoff), "lens_lag_frames": .int(Int64(options.lag)),
                "neighbour_rule": .string("0 < d < r_cut, ids within the LENS environment, every periodic image"),
                "centres": .string(options.centres.description), "environment": .string(settings.environmentText),
                "pbc": .strings(first.periodicity.array.map { $0 ? "T" : "F" }),
                "layout": .string("rows = interval from analysed frame k to k+lag, labelled with frame k's step and time; columns = centres"),
            ]
            raw = try writer.addSeries("lens", columns: stage.centreIDs.count, attributes: common)
            var smoothAttributes = common
            smoothAttributes["sg_window"] = .int(Int64(options.window))
            smoothAttributes["sg_polyorder"] = .int(Int64(options.polyorder))
            smoothAttributes["sg_mode"] = .string("interp (scipy.signal.savgol_filter defaults)")
            smoothAttributes["lag_frames"] = .int(Int64(filter.lagFrames))
            smoothAttributes["clipped"] = .bool(false)
            smoothed = try writer.addSeries("lens_smoothed", columns: stage.centreIDs.count, attributes: smoothAttributes)
        }

        mutating func consume(_ frame: Frame, file: String) throws {
            let out: (raw: LensStage.Row?, smoothed: [LensStage.Row])
            do {
                out = try stage.consume(frame)
            } catch let error as StageError {
                throw StageError("\(file): \(error)")
            }
            if let r = out.raw { try raw.append(step: r.step, time: r.time ?? .nan, values: r.values) }
            try write(out.smoothed)
        }

        mutating func finish() throws {
            do {
                try write(stage.finish())
            } catch let short as LensStage.ShortStretch {
                // scipy's interp mode needs at least a window of samples.
                let text = "only \(short.rows) LENS intervals, fewer than the Savitzky–Golay window \(short.window): no smoothed series"
                warnings.append(text)
                logger.warning("\(text)")
            }
            try writer.flush()
        }

        private mutating func write(_ rows: [LensStage.Row]) throws {
            for r in rows {
                try smoothed.append(step: r.step, time: r.time ?? .nan, values: r.values)
                smoothedRows += 1
            }
        }
    }
}
