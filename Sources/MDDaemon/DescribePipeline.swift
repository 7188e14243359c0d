import Logging
import MDArchive
import MDCore
import MDDescriptors
import MDGeometry
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
        guard !options.files.isEmpty else { throw ReplayError("no trajectory file given") }
        guard options.cutoff > 0, options.cutoff.isFinite else { throw ReplayError("--rcut must be > 0 Å, got \(options.cutoff)") }
        guard options.lag >= 1 else { throw ReplayError("--lag must be ≥ 1 frame, got \(options.lag)") }
        guard options.stride >= 1 else { throw ReplayError("--stride must be ≥ 1, got \(options.stride)") }
        self.options = options
        self.logger = logger
    }

    public func run() throws -> DescribeSummary {
        let t0 = WallClock.monotonic()
        var summary = DescribeSummary()
        let sg = try SavitzkyGolay(window: options.window, polyorder: options.polyorder)
        let search = NeighbourSearch(cutoff: options.cutoff)
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
                try state!.consume(frame, file: file, search: search)
                summary.frames += 1
            }
        }
        guard var state else { throw ReplayError("no frame selected from \(options.files.joined(separator: ", "))") }
        try state.finish()
        summary.intervals = state.rawRows
        summary.smoothedRows = state.smoothedRows
        summary.centres = state.centreIndices.count
        summary.environment = state.environmentCount
        summary.warnings = state.warnings
        summary.seconds = WallClock.monotonic() - t0
        return summary
    }

    /// Everything fixed by the first frame, and the streaming state.
    private struct RunState {
        let ids: [Int64]
        let centreIndices: [Int32]
        let environmentIndices: [Int32]
        let environmentMask: [Bool]
        let environmentCount: Int
        let cutoff: Double
        var lens: LensAccumulator
        var smoother: StreamingSavitzkyGolay
        let writer: H5MDWriter
        let raw: H5MDSeries
        let smoothed: H5MDSeries
        /// Step and time of every analysed frame (16 bytes a frame), to label rows.
        var steps: [Int64] = []
        var times: [Double] = []
        var rawRows = 0
        var smoothedRows = 0
        var warnings: [String] = []
        let lag: Int
        let window: Int
        let logger: Logger

        init(first: Frame, options: DescribeOptions, filter: SavitzkyGolay, logger: Logger) throws {
            ids = first.ids
            let typeNames = options.source.speciesMap
            let centreMask = options.centres.mask(in: first, typeNames: typeNames)
            let environment = options.lensEnvironment.map { $0.mask(in: first, typeNames: typeNames) } ?? centreMask
            centreIndices = centreMask.indices.compactMap { centreMask[$0] ? Int32($0) : nil }
            environmentIndices = environment.indices.compactMap { environment[$0] ? Int32($0) : nil }
            environmentMask = environment
            environmentCount = environmentIndices.count
            guard !centreIndices.isEmpty else {
                throw ReplayError("the centre selection '\(options.centres)' selects no atom in the first frame")
            }
            cutoff = options.cutoff
            lag = options.lag
            window = options.window
            self.logger = logger
            lens = LensAccumulator(centreCount: centreIndices.count, lag: options.lag)
            smoother = StreamingSavitzkyGolay(filter: filter, seriesCount: centreIndices.count)
            writer = try H5MDWriter(path: options.output, periodicity: first.periodicity, creatorVersion: SoapLensBuild.version)
            let centreIDs = centreIndices.map { first.ids[Int($0)] }
            let environmentText = options.lensEnvironment.map(\.description) ?? "centres (\(options.centres))"
            try writer.writeIDs("centres", centreIDs, attributes: ["selection": .string(options.centres.description)])
            try writer.writeIDs("lens_environment", environmentIndices.map { first.ids[Int($0)] }, attributes: ["selection": .string(environmentText)])
            let common: [String: AttributeValue] = [
                "r_cut": .double(options.cutoff), "lens_lag_frames": .int(Int64(options.lag)),
                "neighbour_rule": .string("0 < d < r_cut, ids within the LENS environment, minimum image and all periodic images"),
                "centres": .string(options.centres.description), "environment": .string(environmentText),
                "pbc": .strings(first.periodicity.array.map { $0 ? "T" : "F" }),
                "layout": .string("rows = interval from analysed frame k to k+lag, labelled with frame k's step and time; columns = centres"),
            ]
            raw = try writer.addSeries("lens", columns: centreIndices.count, attributes: common)
            var smoothAttributes = common
            smoothAttributes["sg_window"] = .int(Int64(options.window))
            smoothAttributes["sg_polyorder"] = .int(Int64(options.polyorder))
            smoothAttributes["sg_mode"] = .string("interp (scipy.signal.savgol_filter defaults)")
            smoothAttributes["lag_frames"] = .int(Int64(filter.lagFrames))
            smoothAttributes["clipped"] = .bool(false)
            smoothed = try writer.addSeries("lens_smoothed", columns: centreIndices.count, attributes: smoothAttributes)
        }

        mutating func consume(_ frame: Frame, file: String, search: NeighbourSearch) throws {
            guard frame.ids == ids else {
                throw ReplayError("\(file): frame at step \(frame.step) has another atom set than the first frame (\(frame.atomCount) atoms, first had \(ids.count)); describe analyses one fixed atom set")
            }
            let list = try search.compute(frame: frame, centres: centreIndices, environment: environmentIndices)
            steps.append(frame.step)
            times.append(frame.time ?? .nan)
            let mask = environmentMask
            let cutoff = self.cutoff
            lens.withNextSlot { $0.append(from: list, ids: frame.ids, environment: mask, cutoff: cutoff) }
            guard let row = lens.commit() else { return }
            let k = steps.count - 1 - lag  // the interval starts at analysed frame k
            try raw.append(step: steps[k], time: times[k], values: row)
            rawRows += 1
            try write(smoother.push(row))
        }

        mutating func finish() throws {
            do {
                try write(smoother.finish())
            } catch let error as SignalError {
                // scipy's interp mode needs at least a window of samples.
                let text = "only \(rawRows) LENS intervals, fewer than the Savitzky–Golay window \(window): no smoothed series (\(error))"
                warnings.append(text)
                logger.warning("\(text)")
            }
            try writer.flush()
        }

        private mutating func write(_ rows: [(index: Int, values: [Double])]) throws {
            for (i, values) in rows {
                try smoothed.append(step: steps[i], time: times[i], values: values)
                smoothedRows += 1
            }
        }
    }
}
