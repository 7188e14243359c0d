import MDCore
import MDIngest
import MDLearning

/// The online analysis of one live run against a fitted model: frames on the model's grid
/// in, analysed frames out (``OnlineFrame``), in frame order.
///
/// Per frame it computes exactly what `soaplens fit` computes for the same frame (the same
/// ``FeatureExtraction``: one neighbour search for SOAP and LENS, streaming Savitzky–Golay,
/// the study's pairing and analysed frames), so replaying a trajectory gives the labels the
/// model gives offline. Each analysed frame is then projected on the model's frozen PCA basis,
/// assigned to micro clusters (and through the merge map to macro clusters), scored for
/// novelty, and counted into the live transition matrices; the per-atom ring
/// (``MDLearning/LabelHistory``) keeps the last frames for the alert rules, and an exact
/// streaming PCA of the live rows measures drift every `driftEvery` analysed frames.
///
/// A jump of the analysed index (frames of the grid lost) ends the stretch: the smoothing
/// restarts, the ring is cleared and no transition is counted across the jump.
/// Memory: O(centres × (window + lag) × row width) for the features, d² for the drift
/// statistics, depth × centres for the ring, plus the labels when they are kept for a file.
final class OnlineRun {
    let runID: String
    let model: FittedModel
    /// The model's frame interval, ps.
    let frameInterval: Double
    let centreIDs: [Int64]
    /// Frame rows of the centres.
    private let centreRows: [Int32]
    private let features: FeatureExtraction
    private let driftEvery: Int
    private(set) var microTransitions: TransitionMatrix
    private(set) var macroTransitions: TransitionMatrix
    private(set) var history: LabelHistory
    private var liveRows: PCAAccumulator?
    private(set) var lastDrift: SubspaceDrift?
    /// Previous analysed frame's labels (nil at the start of a stretch).
    private var previous: (micro: [Int32], macro: [Int32])?
    /// Analysed index, time and centre positions (Å, flat) of recent frames, by step (the
    /// assembler reports steps); pruned, so bounded by the smoothing lag.
    private var recent: [Int64: (index: Int, time: Double?, sequence: UInt64, positions: [Double])] = [:]
    private(set) var newestIndex = -1
    private(set) var analysedFrames = 0
    private(set) var breaks = 0
    /// Wall time of projection + assignment + novelty + transitions per analysed frame.
    private(set) var assignmentTimes = LatencyHistogram()
    /// Wall time of the descriptors (SOAP, LENS, smoothing) per consumed frame.
    private(set) var descriptorTimes = LatencyHistogram()
    /// Labels of every analysed frame, when kept for a labels file.
    let keepsLabels: Bool
    private(set) var labelSteps: [Int64] = []
    private(set) var labelTimes: [Double] = []
    private(set) var microLabels: [Int32] = []
    private(set) var macroLabels: [Int32] = []
    let periodicity: Periodicity
    /// Repeated in every result (a run analysed despite a frame-interval mismatch).
    var warning: String?

    /// Sets up the run on its first analysed frame; refuses a model fitted with other settings.
    init(first: Frame, runID: String, model: FittedModel, modelPath: String, options: OnlineOptions, keepsLabels: Bool) throws {
        self.runID = runID
        self.model = model
        frameInterval = options.configuration.system.frameIntervalPS
        features = try FeatureExtraction(
            first: first, settings: FeatureExtraction.Settings(configuration: options.configuration, typeNames: options.typeNames, threads: options.threads),
            keepsRows: false)
        centreRows = features.soapCentres
        try model.checkCompatible(with: options.configuration, soap: features.soapSettings, model: modelPath)
        centreIDs = features.centreIDs
        driftEvery = options.driftEvery
        microTransitions = try TransitionMatrix(classCount: model.clustering.classCount)
        macroTransitions = try TransitionMatrix(classCount: model.macroCount)
        history = try LabelHistory(depth: options.historyDepth, atomCount: centreIDs.count)
        if let pca = model.pca, options.driftEvery > 0 { liveRows = try PCAAccumulator(featureCount: pca.featureCount) }
        self.keepsLabels = keepsLabels
        periodicity = first.periodicity
    }

    /// Analysed frames between a frame and its result (the smoothing's lag).
    var lagFrames: Int { features.settings.lens.resultLagFrames }

    /// Centres per macro cluster in the newest analysed frame (empty before the first).
    private(set) var lastMacroPopulations: [Int] = []

    /// How many of the model's centres this run's selection also picked (the model does not
    /// need the same atoms, but a user comparing with the fit does).
    var centresInCommonWithModel: Int { Set(centreIDs).intersection(model.centreIDs).count }

    /// The frame at analysed index `index` (from ``FrameGrid``); returns the analysed frames
    /// that became final.
    func consume(_ frame: Frame, index: Int) throws -> [OnlineFrame] {
        guard index > newestIndex else {
            throw StageError("run \(runID): frame \(frame.sequence) (step \(frame.step)) is not after the previous analysed frame; ignored")
        }
        if newestIndex >= 0 && index != newestIndex + 1 {
            features.breakSequence()
            previous = nil
            history.clear()
            breaks += 1
        }
        newestIndex = index
        var positions = [Double](repeating: 0, count: 3 * centreRows.count)
        for (c, row) in centreRows.enumerated() {
            for k in 0..<3 { positions[3 * c + k] = frame.positions[3 * Int(row) + k] }
        }
        recent[frame.step] = (index, frame.time, frame.sequence, positions)
        // A frame's result comes lag + ⌊w/2⌋ analysed frames later; keep a margin.
        if recent.count > 8 * (lagFrames + 2) {
            let keep = newestIndex - 4 * (lagFrames + 2)
            recent = recent.filter { $0.value.index >= keep }
        }
        let start = WallClock.monotonic()
        let analysed = try features.consume(frame, file: "run \(runID), frame \(frame.sequence)")
        descriptorTimes.record(WallClock.monotonic() - start)
        return try analysed.map(assign)
    }

    /// The end of the run: the smoothing's tail rows are edge rows, nothing more is analysed.
    func finish() {
        features.breakSequence()
    }

    private func assign(_ a: CombinedVectorAssembler.Frame) throws -> OnlineFrame {
        let start = WallClock.monotonic()
        let n = centreIDs.count
        guard let placed = recent[a.step] else { throw StageError("run \(runID): no frame recorded for analysed step \(a.step)") }
        let reduced = try model.pca.map { try $0.project(a.rows, count: n) } ?? a.lens
        let (micro, clusterScores) = try model.clustering.assign(rows: reduced, count: n)
        let reconstruction = try model.pca.map { try $0.reconstructionErrors(rows: a.rows, reduced: reduced, count: n) }
        let novelty = model.novelty?.scores(reconstruction: reconstruction, cluster: clusterScores, count: n).novelty
            ?? [Double](repeating: .nan, count: n)
        let map = model.microToMacro
        let macro = micro.map { Int32(map[Int($0)]) }
        var changes = 0
        if let previous {
            try microTransitions.add(previous: previous.micro, current: micro)
            try macroTransitions.add(previous: previous.macro, current: macro)
            for i in 0..<n where previous.macro[i] != macro[i] { changes += 1 }
        }
        previous = (micro, macro)
        var populations = [Int](repeating: 0, count: model.macroCount)
        for label in macro { populations[Int(label)] += 1 }
        lastMacroPopulations = populations
        try history.append(step: a.step, micro: micro, macro: macro, lens: a.lens, novelty: novelty)
        let elapsed = WallClock.monotonic() - start
        assignmentTimes.record(elapsed)
        analysedFrames += 1

        var drift: SubspaceDrift?
        if var live = liveRows, let pca = model.pca {
            liveRows = nil  // no copy of the d × d statistics while adding
            try live.add(rows: a.rows, count: n)
            if analysedFrames % driftEvery == 0, live.count > pca.componentCount {
                drift = try SubspaceDrift(fitted: pca, live: live)
                lastDrift = drift
            }
            liveRows = live
        }
        if keepsLabels {
            labelSteps.append(a.step)
            labelTimes.append(placed.time ?? .nan)
            microLabels += micro
            macroLabels += macro
        }
        return OnlineFrame(
            runID: runID, step: a.step, time: placed.time, sequence: placed.sequence, index: placed.index, lagFrames: newestIndex - placed.index,
            lagPS: Double(newestIndex - placed.index) * frameInterval, centreIDs: centreIDs, micro: micro, macro: macro,
            lens: a.lens, novelty: novelty, positions: placed.positions, macroPopulations: populations,
            macroTransitionCounts: macroTransitions.counts, macroChanges: changes, drift: drift, warning: warning,
            assignmentSeconds: elapsed)
    }
}
