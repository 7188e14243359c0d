import Logging
import MDArchive
import MDCore
import MDDescriptors
import MDGeometry
import MDIngest
import MDSignal
import MDTrajectory

/// `soaplens describe`: reads a trajectory frame by frame, resolves the selections on the
/// first frame, and writes H5MD elements with every hyper-parameter as an attribute:
///
/// - `--lens`: `particles/all/lens` and `lens_smoothed` (row k = interval from analysed frame
///   k to k + lag, labelled with frame k's step and time; the smoothed series is
///   `scipy.signal.savgol_filter(lens, window, polyorder, axis=0)`, mode `interp`, edges
///   included, not clipped; conventions §2–§3);
/// - `--soap`: `particles/all/soap` with value (frames × centres × features), dscribe's GTO
///   SOAP in the full (576 per species pair) or compressed layout, normalised or not.
///
/// Streaming: memory is O(atoms × window) plus one frame of spectra, whatever the length.
public final class DescribePipeline {
    public let options: DescribeOptions
    private let logger: Logger

    public init(options: DescribeOptions, logger: Logger) throws {
        guard !options.files.isEmpty else { throw StageError("no trajectory file given") }
        guard options.stride >= 1 else { throw StageError("--stride must be ≥ 1, got \(options.stride)") }
        guard options.computeLens || options.soap != nil else { throw StageError("nothing to compute: ask for LENS and/or SOAP") }
        self.options = options
        self.logger = logger
    }

    public func run() throws -> DescribeSummary {
        let t0 = WallClock.monotonic()
        var summary = DescribeSummary()
        var state: RunState?
        let scan = TrajectoryScan(
            files: options.files, format: options.format, source: options.source, start: options.start,
            stop: options.stop, stride: options.stride)
        summary.frames = try scan.forEach { frame, file in
            if state == nil { state = try RunState(first: frame, options: options, logger: logger) }
            try state!.consume(frame, file: file)
        }
        guard var state else { throw StageError("no frame selected from \(options.files.joined(separator: ", "))") }
        try state.finish()
        summary.intervals = state.lens?.stage.rawRows ?? 0
        summary.smoothedRows = state.lens?.smoothedRows ?? 0
        summary.centres = state.centreIDs.count
        summary.environment = state.lens?.stage.environmentIDs.count ?? 0
        summary.soapFrames = state.soap?.series.count ?? 0
        summary.soapFeatures = state.soap?.calculator.settings.featureCount ?? 0
        summary.warnings = state.warnings
        summary.seconds = WallClock.monotonic() - t0
        return summary
    }

    /// The LENS stage and its two series.
    private struct LensPart {
        let stage: LensStage
        let raw: H5MDSeries
        let smoothed: H5MDSeries
        var smoothedRows = 0
    }

    /// The SOAP calculator, the resolved indices and the series.
    private struct SoapPart {
        let calculator: SoapCalculator
        let centres: [Int32]
        let environment: [Int32]
        let series: H5MDSeries
    }

    /// Everything fixed by the first frame.
    private struct RunState {
        let writer: H5MDWriter
        let ids: [Int64]
        let centreIDs: [Int64]
        var lens: LensPart?
        let soap: SoapPart?
        /// With both LENS and SOAP: their one shared neighbour search per frame.
        let pass: DescriptorPass?
        var warnings: [String] = []
        let logger: Logger

        init(first: Frame, options: DescribeOptions, logger: Logger) throws {
            self.logger = logger
            ids = first.ids
            let typeNames = options.source.speciesMap
            let centreMask = options.centres.mask(in: first, typeNames: typeNames)
            let centreIndices = centreMask.indices.compactMap { centreMask[$0] ? Int32($0) : nil }
            guard !centreIndices.isEmpty else {
                throw StageError("the centre selection '\(options.centres)' selects no atom in the first frame (step \(first.step))")
            }
            centreIDs = centreIndices.map { first.ids[Int($0)] }
            writer = try H5MDWriter(path: options.output, periodicity: first.periodicity, creatorVersion: SoapLensBuild.version)
            try writer.writeIDs("centres", centreIDs, attributes: ["selection": .string(options.centres.description)])
            let pbc = AttributeValue.strings(first.periodicity.array.map { $0 ? "T" : "F" })

            if options.computeLens {
                let settings = LensSettings(
                    cutoff: options.cutoff, lag: options.lag, window: options.window, polyorder: options.polyorder,
                    centres: options.centres, environment: options.lensEnvironment, typeNames: typeNames)
                let stage = try LensStage(first: first, settings: settings)
                let filter = try SavitzkyGolay(window: options.window, polyorder: options.polyorder)
                try writer.writeIDs("lens_environment", stage.environmentIDs, attributes: ["selection": .string(settings.environmentText)])
                let common: [String: AttributeValue] = [
                    "r_cut": .double(options.cutoff), "lens_lag_frames": .int(Int64(options.lag)),
                    "neighbour_rule": .string("0 < d < r_cut, ids within the LENS environment, every periodic image"),
                    "centres": .string(options.centres.description), "environment": .string(settings.environmentText),
                    "pbc": pbc,
                    "layout": .string("rows = interval from analysed frame k to k+lag, labelled with frame k's step and time; columns = centres"),
                ]
                let raw = try writer.addSeries("lens", columns: centreIDs.count, attributes: common)
                var smoothAttributes = common
                smoothAttributes["sg_window"] = .int(Int64(options.window))
                smoothAttributes["sg_polyorder"] = .int(Int64(options.polyorder))
                smoothAttributes["sg_mode"] = .string("interp (scipy.signal.savgol_filter defaults)")
                smoothAttributes["lag_frames"] = .int(Int64(filter.lagFrames))
                smoothAttributes["clipped"] = .bool(false)
                let smoothed = try writer.addSeries("lens_smoothed", columns: centreIDs.count, attributes: smoothAttributes)
                lens = LensPart(stage: stage, raw: raw, smoothed: smoothed)
            }

            if let o = options.soap {
                let environment = SoapRunInputs.environment(first: first, selection: o.environment, typeNames: typeNames)
                let settings = try SoapRunInputs.settings(
                    first: first, centres: centreIndices, environment: environment, nMax: o.nMax, lMax: o.lMax,
                    rCut: options.cutoff, sigma: o.sigma, layout: o.layout, normalised: o.normalised)
                let calculator = try SoapCalculator(settings: settings, threads: o.threads)
                let envText = o.environment?.description ?? "all"
                try writer.writeIDs("soap_environment", environment.map { first.ids[Int($0)] }, attributes: ["selection": .string(envText)])
                let attributes: [String: AttributeValue] = [
                    "SOAPengine": .string("soaplens (dscribe 2.1.2 GTO conventions)"), "rbf": .string("gto"),
                    "r_cut": .double(settings.rCut), "n_max": .int(Int64(settings.nMax)), "l_max": .int(Int64(settings.lMax)),
                    "sigma": .double(settings.sigma), "species": .ints(settings.species.map(Int64.init)),
                    "species_symbols": .strings(settings.species.map { SoapElements.symbol(of: $0) ?? "\($0)" }),
                    "layout": .string(settings.layout == .full ? "full" : "dscribe-compressed"),
                    "normalised": .bool(settings.normalised), "search_radius": .double(settings.searchRadius),
                    "centres": .string(options.centres.description), "environment": .string(envText), "pbc": pbc,
                    "settings_json": .string(settings.jsonDescription),
                    "value_axes": .string("frames × centres (particles/all/centres order) × features"),
                ]
                let series = try writer.addSeries("soap", rowShape: [centreIDs.count, settings.featureCount], attributes: attributes)
                soap = SoapPart(calculator: calculator, centres: centreIndices, environment: environment, series: series)
            } else {
                soap = nil
            }
            if let soap, let lens {
                precondition(lens.stage.centreIndices == soap.centres, "LENS and SOAP resolve the same centre selection")
                pass = DescriptorPass(soap: soap.calculator, lensCutoff: options.cutoff)
            } else {
                pass = nil
            }
        }

        mutating func consume(_ frame: Frame, file: String) throws {
            guard frame.ids == ids else {
                throw StageError("\(file): frame at step \(frame.step) has another atom set than the first frame (\(frame.atomCount) atoms, first had \(ids.count)); describe analyses one fixed atom set")
            }
            var spectra: SoapSpectra?
            if var part = lens {
                let out: (raw: LensStage.Row?, smoothed: [LensStage.Row])
                if let pass, let soap {
                    // One search for both: SOAP's rows and LENS's sets from the same pairs.
                    let lensEnvironment = part.stage.environmentIndices
                    do {
                        out = try part.stage.consume(frame) { sets in
                            spectra = try pass.compute(
                                frame: frame, centres: soap.centres, soapEnvironment: soap.environment,
                                lensEnvironment: lensEnvironment, lensSets: &sets
                            ).soap
                        }
                    } catch let error as SoapError {
                        throw StageError("\(file): SOAP at step \(frame.step): \(error)")
                    } catch let error as GeometryError {
                        throw StageError("\(file): neighbour search at step \(frame.step): \(error)")
                    }
                } else {
                    out = try part.stage.consume(frame)
                }
                if let r = out.raw { try part.raw.append(step: r.step, time: r.time ?? .nan, values: r.values) }
                try write(out.smoothed, into: &part)
                lens = part
            }
            if let part = soap {
                if spectra == nil {
                    do {
                        spectra = try part.calculator.compute(frame: frame, centres: part.centres, environment: part.environment)
                    } catch {
                        throw StageError("\(file): SOAP at step \(frame.step): \(error)")
                    }
                }
                try part.series.append(step: frame.step, time: frame.time ?? .nan, values: spectra!.values)
            }
        }

        mutating func finish() throws {
            if var part = lens {
                do {
                    try write(part.stage.finish(), into: &part)
                } catch let short as LensStage.ShortStretch {
                    // scipy's interp mode needs at least a window of samples.
                    let text = "only \(short.rows) LENS intervals, fewer than the Savitzky–Golay window \(short.window): no smoothed series"
                    warnings.append(text)
                    logger.warning("\(text)")
                }
                lens = part
            }
            try writer.flush()
        }

        private func write(_ rows: [LensStage.Row], into part: inout LensPart) throws {
            for r in rows {
                try part.smoothed.append(step: r.step, time: r.time ?? .nan, values: r.values)
                part.smoothedRows += 1
            }
        }
    }
}
