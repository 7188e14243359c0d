import Foundation
import Logging
import MDArchive
import MDConfiguration
import MDCore
import MDTrajectory

/// The daemon's online analysis across runs: the model (read at start, or learnt from the
/// first frames: bootstrap), one ``FrameGrid`` and ``OnlineRun`` per run, the labels files and
/// the per-run summaries. Runs on the ingest thread; never throws per frame: a run that
/// cannot be analysed (other settings, a frame interval that does not fit) is refused with a
/// logged reason and the daemon goes on with the others.
final class OnlineAnalysis {
    let options: OnlineOptions
    private let logger: Logger
    /// The model in use: nil until a bootstrap has learnt one.
    private(set) var model: FittedModel?
    private(set) var modelID: String?
    private(set) var modelPath: String?
    private(set) var bootstrapped = false
    private var runs: [String: RunState] = [:]
    private var summaries: [DaemonSummary.OnlineRunSummary] = []
    private var firstLabelsWritten = false

    private enum RunState {
        /// Learning a model from the run's first frames (admitted frames, in order).
        case bootstrapping(FrameGrid, [(frame: Frame, index: Int)], Counters)
        case running(FrameGrid, OnlineRun?, Counters)
        case refused(String, Counters)
    }

    /// Frames of the run received, and those the grid admitted (the rest were between grid points).
    private struct Counters {
        var received = 0
        var used = 0
    }

    /// Reads the model (when given) and compares its settings with the configuration's.
    init(options: OnlineOptions, logger: Logger) throws {
        let c = options.configuration
        guard c.lens.rCut != nil, c.lens.window != nil else {
            throw StageError("the online analysis needs lens.r_cut and lens.window in every mode (as fit; conventions §4)")
        }
        self.options = options
        self.logger = logger
        if let path = options.modelPath {
            try load(path)
            try model!.checkCompatibleBeforeFrames(with: c, model: path)
        } else {
            guard let n = options.bootstrapFrames, options.bootstrapOutput != nil else {
                throw StageError("give a model (--model) or the frames to learn one from (--bootstrap N --write-model PATH)")
            }
            let window = c.lens.window!
            guard n >= window + 3 else {
                throw StageError("--bootstrap \(n) frames give \(max(n - 1 - window, 0)) analysed frames with lens.window \(window); transitions need at least 2 (≥ \(window + 3) frames)")
            }
        }
    }

    private func load(_ path: String) throws {
        let bundle = try FittedModel.readBundle(path: path)
        model = try FittedModel.restore(bundle, path: path)
        modelID = bundle.modelID
        modelPath = path
        if model!.novelty == nil {
            logger.warning("the model has no novelty calibration (fitted by an older soaplens): novelty is NaN; refit to get it", metadata: ["model": "\(path)"])
        }
    }

    /// Every k-th frame of the run is analysed.
    func stride(of run: String) -> Int {
        if case .running(let grid, _, _) = runs[run] { return grid.stride }
        return 1
    }

    /// The macro names in use (configuration over the model's defaults).
    var macroNames: [String] { model?.macroNames(with: options.configuration) ?? [] }

    /// One accepted frame; returns the analysed frames that became final.
    func consume(_ frame: Frame) -> [OnlineFrame] {
        let run = frame.runID
        let state = runs[run] ?? newRun()
        do {
            switch state {
            case .refused(let reason, var counters):
                counters.received += 1
                runs[run] = .refused(reason, counters)
                return []
            case .bootstrapping(var grid, var buffer, var counters):
                counters.received += 1
                runs[run] = .bootstrapping(grid, buffer, counters)
                let admitted = try grid.admit(frame)
                counters.used += admitted.count
                for a in admitted {
                    if let last = buffer.last, a.index != last.index + 1 {
                        logger.warning("frames lost while learning the model: starting the bootstrap again", metadata: ["run": "\(run)", "seq": "\(a.frame.sequence)"])
                        buffer.removeAll()
                    }
                    buffer.append(a)
                }
                if buffer.count >= options.bootstrapFrames! {
                    try learn(from: buffer, run: run)
                    runs[run] = .running(grid, nil, counters)
                    return buffer.flatMap { analyse($0.frame, index: $0.index, run: run) }
                }
                runs[run] = .bootstrapping(grid, buffer, counters)
                return []
            case .running(var grid, let online, var counters):
                counters.received += 1
                runs[run] = .running(grid, online, counters)
                let admitted = try grid.admit(frame)
                counters.used += admitted.count
                runs[run] = .running(grid, online, counters)
                if let note = grid.note, online == nil, admitted.count > 0 { logger.notice("\(note)", metadata: ["run": "\(run)"]) }
                if let w = grid.warning, online == nil, admitted.count > 0 { logger.warning("\(w)", metadata: ["run": "\(run)"]) }
                return admitted.flatMap { analyse($0.frame, index: $0.index, run: run) }
            }
        } catch {
            refuse(run, reason: "\(error)")
            return []
        }
    }

    private func newRun() -> RunState {
        let grid = FrameGrid(expected: options.configuration.system.frameIntervalPS, acceptMismatch: options.acceptIntervalMismatch)
        return model == nil ? .bootstrapping(grid, [], Counters()) : .running(grid, nil, Counters())
    }

    private func refuse(_ run: String, reason: String) {
        logger.error("run not analysed", metadata: ["run": "\(run)", "reason": "\(reason)"])
        var counters = Counters()
        switch runs[run] {
        case .bootstrapping(_, _, let c), .running(_, _, let c), .refused(_, let c): counters = c
        case nil: break
        }
        runs[run] = .refused(reason, counters)
    }

    /// One admitted frame through the run's analysis (created on its first frame).
    private func analyse(_ frame: Frame, index: Int, run: String) -> [OnlineFrame] {
        guard case .running(let grid, var online, let counters) = runs[run], let model else { return [] }
        do {
            if online == nil {
                let created = try OnlineRun(
                    first: frame, runID: run, model: model, modelPath: modelPath ?? "-", options: options,
                    keepsLabels: labelsPath(for: run) != nil)
                created.warning = grid.warning
                let common = created.centresInCommonWithModel
                logger.info("online analysis on", metadata: [
                    "run": "\(run)", "centres": "\(created.centreIDs.count)", "model": "\(modelID ?? "-")",
                    "lag_frames": "\(created.lagFrames)",
                    "stride": "\(grid.stride)"])
                if common != created.centreIDs.count || common != model.centreIDs.count {
                    logger.notice("the run's centres differ from the model's", metadata: [
                        "run": "\(run)", "in_common": "\(common)", "run_centres": "\(created.centreIDs.count)", "model_centres": "\(model.centreIDs.count)"])
                }
                online = created
                runs[run] = .running(grid, created, counters)
            }
            return try online!.consume(frame, index: index)
        } catch {
            if let online { summaries.append(summary(run, online: online, grid: grid, counters: counters, refused: "\(error)")) }
            refuse(run, reason: "\(error)")
            return []
        }
    }

    /// The bootstrap: fits a model on the buffered frames, writes it and reads it back (the
    /// online path then uses exactly what was written).
    private func learn(from buffer: [(frame: Frame, index: Int)], run: String) throws {
        let output = options.bootstrapOutput!
        logger.info("learning a model from the first frames", metadata: ["run": "\(run)", "frames": "\(buffer.count)", "output": "\(output)"])
        let fit = try FitPipeline(
            options: FitOptions(
                files: [], source: SourceOptions(speciesMap: options.typeNames), configuration: options.configuration, output: output,
                threads: options.threads, acceptIntervalMismatch: true,
                frames: ("the first \(buffer.count) frames of run \(run)", buffer.map(\.frame))),
            progress: { [logger] line in logger.info("\(line)") })
        let summary = try fit.run()
        for w in summary.warnings { logger.warning("bootstrap fit: \(w)") }
        try load(output)
        bootstrapped = true
        logger.info("model learnt", metadata: [
            "model": "\(summary.modelID)", "micro": "\(summary.microCount)", "macro": "\(summary.macroCount)", "seconds": "\(Report.fixed(summary.seconds, 1))"])
    }

    /// The end of a run: finishes it, writes its labels, records its summary.
    func endRun(_ run: String) {
        guard let state = runs.removeValue(forKey: run) else { return }
        switch state {
        case .refused(let reason, let counters):
            if !summaries.contains(where: { $0.run_id == run }) {
                summaries.append(emptySummary(run, counters: counters, refused: reason))
            }
        case .bootstrapping(_, let buffer, let counters):
            summaries.append(emptySummary(run, counters: counters, refused: "the run ended after \(buffer.count) of the \(options.bootstrapFrames ?? 0) frames the bootstrap needs"))
        case .running(let grid, let online, let counters):
            guard let online else {
                summaries.append(emptySummary(run, counters: counters, refused: "no frame to analyse"))
                return
            }
            online.finish()
            var s = summary(run, online: online, grid: grid, counters: counters, refused: nil)
            s.labels_file = writeLabels(online)
            summaries.append(s)
        }
    }

    /// Ends every open run (shutdown).
    func finishAll() {
        for run in runs.keys.sorted() { endRun(run) }
    }

    /// The summary so far.
    var counts: DaemonSummary.OnlineCounts {
        DaemonSummary.OnlineCounts(
            model_id: modelID, model_path: modelPath, method: model?.clustering.method, bootstrapped: bootstrapped, runs: summaries)
    }

    private func labelsPath(for run: String) -> String? {
        guard let path = options.labelsPath else { return nil }
        if path.contains("{run}") { return path.replacingOccurrences(of: "{run}", with: run) }
        return firstLabelsWritten ? nil : path
    }

    private func writeLabels(_ online: OnlineRun) -> String? {
        guard online.keepsLabels, let path = labelsPath(for: online.runID), !online.labelSteps.isEmpty else { return nil }
        do {
            try LabelsFile.write(
                path: path, periodicity: online.periodicity, creatorVersion: SoapLensBuild.version, centreIDs: online.centreIDs,
                steps: online.labelSteps, times: online.labelTimes, micro: online.microLabels, macro: online.macroLabels,
                attributes: ["model_id": .string(modelID ?? ""), "method": .string(online.model.clustering.method), "run_id": .string(online.runID)])
            if !(options.labelsPath ?? "").contains("{run}") { firstLabelsWritten = true }
            logger.info("labels written", metadata: ["run": "\(online.runID)", "path": "\(path)", "frames": "\(online.labelSteps.count)"])
            return path
        } catch {
            logger.error("cannot write the labels", metadata: ["run": "\(online.runID)", "path": "\(path)", "error": "\(error)"])
            return nil
        }
    }

    private func emptySummary(_ run: String, counters: Counters, refused: String?) -> DaemonSummary.OnlineRunSummary {
        DaemonSummary.OnlineRunSummary(
            run_id: run, refused: refused, frames_used: counters.used, frames_skipped: counters.received - counters.used, stride: 1,
            stream_interval_ps: nil, analysed_frames: 0, breaks: 0, lag_frames: nil, lag_ps: nil, warning: nil, centres: 0,
            micro_counts: [], macro_counts: [], micro_probabilities: [], macro_probabilities: [], macro_names: macroNames, macro_populations: [], drift_max_angle_degrees: nil,
            drift_fitted_share: nil, drift_live_share: nil, assignment_ms_mean: nil, assignment_ms_p99: nil, descriptor_ms_mean: nil,
            labels_file: nil)
    }

    private func summary(_ run: String, online: OnlineRun, grid: FrameGrid, counters: Counters, refused: String?) -> DaemonSummary.OnlineRunSummary {
        let lag = online.lagFrames
        return DaemonSummary.OnlineRunSummary(
            run_id: run, refused: refused, frames_used: counters.used, frames_skipped: counters.received - counters.used, stride: grid.stride,
            stream_interval_ps: grid.streamInterval, analysed_frames: online.analysedFrames, breaks: online.breaks,
            lag_frames: lag, lag_ps: Double(lag) * online.frameInterval, warning: online.warning, centres: online.centreIDs.count,
            micro_counts: online.microTransitions.counts, macro_counts: online.macroTransitions.counts,
            micro_probabilities: online.microTransitions.probabilities, macro_probabilities: online.macroTransitions.probabilities,
            macro_names: macroNames,
            macro_populations: online.lastMacroPopulations, drift_max_angle_degrees: online.lastDrift?.maximumAngleDegrees,
            drift_fitted_share: online.lastDrift?.fittedShare, drift_live_share: online.lastDrift?.liveShare,
            assignment_ms_mean: online.assignmentTimes.mean.map { $0 * 1e3 }, assignment_ms_p99: online.assignmentTimes.quantile(0.99).map { $0 * 1e3 },
            descriptor_ms_mean: online.descriptorTimes.mean.map { $0 * 1e3 }, labels_file: nil)
    }
}
