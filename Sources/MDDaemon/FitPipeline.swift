import Foundation
import MDArchive
import MDConfiguration
import MDCore
import MDDescriptors
import MDIngest
import MDLearning
import MDTrajectory

/// `soaplens fit`: the study's bottom-up protocol offline (conventions §4–§8), on one
/// trajectory, as the system configuration says:
///
/// 1. **features**: frame by frame, SOAP and LENS with one neighbour search, streaming
///    Savitzky–Golay smoothing, and the analysed rows (``FeatureExtraction``); the frame
///    spacing is checked against `system.frame_interval_ps` (``FrameIntervalCheck``);
/// 2. **PCA** (SOAP and SOAP+LENS modes): exact, on all analysed rows, components by the
///    configured rule, then every row projected;
/// 3. **clustering**: HDBSCAN*, KMeans or a full-covariance Gaussian mixture on the reduced rows; in
///    LENS-only mode the LENS classes (KMeans on the 1-D values and the notebook's thresholds,
///    or manual thresholds). HDBSCAN* labels every row by the argmax of its soft membership
///    (or only the noise rows, `soft = "noise"`);
/// 4. **transitions** between consecutive analysed frames, per atom, and the **merge** of micro
///    into macro clusters (correlation distance, average linkage, cut; identity when off);
/// 5. the **model bundle** (``FittedModel``, ``MDArchive/ModelBundle``) and, if asked, the
///    **labels** of every analysed frame and centre (``MDArchive/LabelsFile``).
///
/// Memory: the analysed rows (analysed frames × centres × row width doubles: 79 × 900 × 577 ×
/// 8 B = 330 MB for the bundled demo, 3.3 GB for 481 frames as in the study) plus their
/// projection. Progress lines go to `progress` as each stage ends.
public final class FitPipeline {
    public let options: FitOptions
    private let progress: (String) -> Void

    public init(options: FitOptions, progress: @escaping (String) -> Void = { _ in }) throws {
        guard !options.files.isEmpty || options.frames != nil else { throw StageError("no trajectory file given") }
        guard options.stride >= 1 else { throw StageError("--stride must be ≥ 1, got \(options.stride)") }
        let c = options.configuration
        guard c.lens.rCut != nil, c.lens.window != nil else {
            throw StageError(
                "fit analyses the frames with an interior smoothed LENS value in every mode (conventions §4), so it needs "
                    + "lens.r_cut and lens.window even in SOAP-only mode")
        }
        self.options = options
        self.progress = progress
    }

    public func run() throws -> FitSummary {
        let t0 = WallClock.monotonic()
        let c = options.configuration
        var summary = FitSummary()
        var source = options.source
        if source.speciesMap.isEmpty { source.speciesMap = c.system.species }

        // 1. Features.
        var stageStart = WallClock.monotonic()
        var extraction: FeatureExtraction?
        var intervals = FrameIntervalCheck(expected: c.system.frameIntervalPS, stride: options.stride, acceptMismatch: options.acceptIntervalMismatch)
        var times: [Int64: Double] = [:]
        var periodicity = Periodicity.none
        let settings = featureSettings(typeNames: source.speciesMap)
        var lastReport = stageStart
        let scan = TrajectoryScan(
            files: options.files, format: options.format, source: source, start: options.start, stop: options.stop,
            stride: options.stride)
        summary.framesRead = try forEachFrame(scan) { frame, file in
            try intervals.observe(frame, file: file)
            if extraction == nil {
                extraction = try FeatureExtraction(first: frame, settings: settings)
                periodicity = frame.periodicity
            }
            try extraction!.consume(frame, file: file)
            times[frame.step] = frame.time ?? .nan
            let now = WallClock.monotonic()
            if now - lastReport >= 10 {
                lastReport = now
                progress("fit: features: \(extraction!.framesRead) frames read, \(extraction!.analysedFrames) analysed (\(Report.fixed(now - stageStart, 1)) s)")
            }
        }
        guard let features = extraction else { throw StageError("no frame selected from \(inputDescription)") }
        try features.finish()
        summary.warnings += intervals.warnings
        summary.measuredIntervalPS = intervals.measured
        let n = features.centreIDs.count
        let frames = features.analysedFrames
        let window = c.lens.window!
        guard frames >= 2 else {
            throw StageError(
                "\(summary.framesRead) frames give \(frames) analysed frame(s) with window \(window) (analysed frames = frames − 1 − window, "
                    + "conventions §4); transitions need at least 2: read more frames or use a smaller lens.window")
        }
        let rowCount = frames * n
        summary.analysedFrames = frames
        summary.centres = n
        summary.rows = rowCount
        summary.width = features.width
        progress("fit: features: \(summary.framesRead) frames read, \(frames) analysed × \(n) centres = \(rowCount) rows of \(features.width) (\(c.features.mode.rawValue)) (\(Report.fixed(WallClock.monotonic() - stageStart, 1)) s)")

        // 2. PCA and 3. clustering.
        stageStart = WallClock.monotonic()
        var pca: PCAModel?
        let clustering: MicroClusterModel
        let micro: [Int32]
        var novelty: NoveltyModel?
        if c.features.mode.usesPCAAndClustering {
            var accumulator = try PCAAccumulator(featureCount: features.width)
            try accumulator.add(rows: features.rows, count: rowCount)
            let model = try accumulator.fit(rule: pcaRule)
            let reduced = try model.project(features.rows, count: rowCount)
            pca = model
            summary.components = model.componentCount
            summary.explainedVariance = model.explainedVarianceRatio.reduce(0, +)
            progress("fit: pca: \(model.componentCount) components (\(pcaRuleText)), explained variance \(Report.fixed(summary.explainedVariance, 5)): "
                + model.explainedVarianceRatio.map { Report.fixed($0, 5) }.joined(separator: " ") + " (\(Report.fixed(WallClock.monotonic() - stageStart, 1)) s)")
            stageStart = WallClock.monotonic()
            (clustering, micro) = try cluster(reduced, count: rowCount, width: model.componentCount)
            // The novelty calibration: the fit's own rows' scores (docs/online.md).
            novelty = try NoveltyModel(
                reconstructionErrors: try model.reconstructionErrors(rows: features.rows, reduced: reduced, count: rowCount),
                clusterScores: try clustering.trainingScores(rows: reduced, count: rowCount, labels: micro),
                clusterScoreName: clustering.scoreName)
        } else {
            (clustering, micro) = try classifyLens(features.lens)
        }
        summary.method = clustering.method
        summary.microCount = clustering.classCount
        progress("fit: clustering: \(clustering.method), \(clustering.classCount) micro clusters (\(Report.fixed(WallClock.monotonic() - stageStart, 1)) s)")

        // 4. Transitions and merging.
        stageStart = WallClock.monotonic()
        let m = clustering.classCount
        let microTransitions = try TransitionMatrix(frameMajorLabels: micro, atomCount: n, classCount: m)
        var microToMacro = Array(0..<m)
        var linkage: [Double] = []
        var mergeCut: Double?
        if c.merge.enabled, m >= 2 {
            let merge = try HierarchicalMerge(probabilities: microTransitions.probabilities, classCount: m, cutoff: c.merge.cut)
            microToMacro = merge.microToMacro
            linkage = merge.linkage
            mergeCut = c.merge.cut
            if merge.undefinedDistanceCount > 0 {
                summary.warnings.append("\(merge.undefinedDistanceCount) correlation distance(s) between transition rows were undefined (a constant row) and set to 2, never merged (conventions §8)")
            }
        }
        let macroTransitions = try microTransitions.mapped(through: microToMacro)
        let macroCount = macroTransitions.classCount
        let macro = micro.map { Int32(microToMacro[Int($0)]) }
        var microPopulations = [Int](repeating: 0, count: m)
        for label in micro { microPopulations[Int(label)] += 1 }
        var macroPopulations = [Int](repeating: 0, count: macroCount)
        for label in macro { macroPopulations[Int(label)] += 1 }
        let macroNames = (0..<macroCount).map { c.macro.names[$0] ?? "macro \($0)" }
        progress("fit: transitions: \(microTransitions.transitionCount) per-atom transitions between \(frames) analysed frames; merge "
            + (mergeCut.map { "at \($0): \(m) micro → \(macroCount) macro clusters" } ?? "off: \(m) clusters")
            + " (\(Report.fixed(WallClock.monotonic() - stageStart, 2)) s)")

        // 5. The model bundle and the labels.
        stageStart = WallClock.monotonic()
        let model = FittedModel(
            settings: ModelSettings.make(configuration: c, soap: features.soapSettings), configurationTOML: c.tomlText,
            centreIDs: features.centreIDs, soapEnvironmentIDs: features.soapSettings == nil ? [] : features.soapEnvironmentIDs,
            lensEnvironmentIDs: features.lensEnvironmentIDs, pca: pca, pcaRule: pca == nil ? "" : pcaRuleText,
            clustering: clustering, microTransitions: microTransitions, macroTransitions: macroTransitions,
            microToMacro: microToMacro, linkage: linkage, mergeCut: mergeCut, microPopulations: microPopulations,
            macroPopulations: macroPopulations, macroNames: macroNames, novelty: novelty)
        let bundle = model.bundle(provenance: provenance(summary: summary, intervalWarnings: intervals.warnings))
        do {
            summary.modelID = try bundle.write(to: options.output, soaplensVersion: SoapLensBuild.version, created: Self.utcNow())
        } catch {
            throw StageError("cannot write the model to \(options.output): \(error)")
        }
        var written = "model \(summary.modelID) → \(options.output)"
        if let labels = options.labels {
            do {
                try LabelsFile.write(
                    path: labels, periodicity: periodicity, creatorVersion: SoapLensBuild.version, centreIDs: features.centreIDs,
                    steps: features.steps, times: features.steps.map { times[$0] ?? .nan }, micro: micro, macro: macro,
                    attributes: ["model_id": .string(summary.modelID), "method": .string(clustering.method)])
            } catch {
                throw StageError("cannot write the labels to \(labels): \(error)")
            }
            written += ", labels → \(labels)"
        }
        progress("fit: wrote \(written) (\(Report.fixed(WallClock.monotonic() - stageStart, 2)) s)")

        summary.macroCount = macroCount
        summary.microToMacro = microToMacro
        summary.microPopulations = microPopulations
        summary.macroPopulations = macroPopulations
        summary.macroCounts = macroTransitions.counts
        summary.macroProbabilities = macroTransitions.probabilities
        summary.macroNames = macroNames
        summary.seconds = WallClock.monotonic() - t0
        return summary
    }

    /// The files' frames, or the frames given in memory.
    private func forEachFrame(_ scan: TrajectoryScan, _ body: (Frame, String) throws -> Void) throws -> Int {
        guard let given = options.frames else { return try scan.forEach(body) }
        for frame in given.frames { try body(frame, given.description) }
        return given.frames.count
    }

    /// What was read, for messages.
    private var inputDescription: String { options.frames?.description ?? options.files.joined(separator: ", ") }

    // MARK: the stages' settings

    /// Feature settings from the configuration.
    func featureSettings(typeNames: [Int: String]) -> FeatureExtraction.Settings {
        FeatureExtraction.Settings(configuration: options.configuration, typeNames: typeNames, threads: options.threads)
    }

    private var pcaRule: PCAComponentRule {
        switch options.configuration.pca {
        case .variance(let v): .varianceFraction(v)
        case .components(let k): .count(k)
        case nil: .varianceFraction(0.995)  // unreachable: validation requires [pca] in these modes
        }
    }

    private var pcaRuleText: String {
        switch pcaRule {
        case .varianceFraction(let v): "cumulative variance > \(v)"
        case .count(let k): "\(k) components"
        }
    }

    /// KMeans or a Gaussian mixture on the PCA-reduced rows.
    private func cluster(_ rows: [Double], count: Int, width: Int) throws -> (MicroClusterModel, [Int32]) {
        let c = options.configuration.clustering
        switch c.method {
        case .kmeans:
            guard let k = c.kmeans else { throw StageError("clustering.method = \"kmeans\" needs a [clustering.kmeans] table") }
            let model = try KMeans(clusters: k.clusters, initCount: k.nInit, seed: UInt64(k.seed)).fit(rows: rows, count: count, width: width)
            return (.kmeans(model), model.labels)
        case .gmm:
            guard let g = c.gmm else { throw StageError("clustering.method = \"gmm\" needs a [clustering.gmm] table") }
            let model = try GaussianMixture(
                components: g.components, tolerance: g.tolerance, maxIterations: g.maxIterations, seed: UInt64(g.seed)
            ).fit(rows: rows, count: count, width: width)
            if !model.converged {
                progress("fit: clustering: warning: the Gaussian mixture did not converge in \(g.maxIterations) EM iterations (tolerance \(g.tolerance))")
            }
            return (.gaussianMixture(model), model.labels)
        case .hdbscan:
            guard let h = c.hdbscan else { throw StageError("clustering.method = \"hdbscan\" needs a [clustering.hdbscan] table") }
            let model = try HDBSCAN(
                minClusterSize: h.minClusterSize, minSamples: h.minSamples, selection: h.selection == .leaf ? .leaf : .eom
            ).fit(rows: rows, count: count, width: width)
            let rule: HDBSCANSoftLabelRule = h.soft == .all ? .everyPoint : .noiseOnly
            let (labels, relabelled) = model.softLabels(rule: rule)
            let noise = model.labels.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
            progress("fit: clustering: hdbscan: \(model.clusterCount) clusters (min_cluster_size \(h.minClusterSize), min_samples \(h.minSamples), \(h.selection.rawValue)); "
                + "\(noise) noise rows (\(Report.fixed(100 * Double(noise) / Double(max(count, 1)), 2)) %) labelled by their membership argmax"
                + (rule == .everyPoint ? ", \(relabelled) clustered rows moved by it" : ""))
            return (.hdbscan(model, soft: rule), labels)
        case nil:
            throw StageError("clustering.method is required in this mode")
        }
    }

    /// The LENS classes of LENS-only mode (conventions §6).
    private func classifyLens(_ values: [Double]) throws -> (MicroClusterModel, [Int32]) {
        let classifier: LensThresholdClassifier
        switch options.configuration.lensClasses {
        case .kmeans(let k, let nInit, let seed):
            let kmeans = try KMeans(clusters: k, initCount: nInit, seed: UInt64(seed)).fit(rows: values, count: values.count, width: 1)
            classifier = try LensThresholdClassifier(values: values, labels: kmeans.labels, centres: kmeans.centres)
        case .thresholds(let t):
            classifier = try LensThresholdClassifier(manualThresholds: t)
        }
        return (.lensClasses(classifier), try classifier.classify(values))
    }

    /// Inputs, their SHA-256, the frame selection and the date (not part of the model id).
    private func provenance(summary: FitSummary, intervalWarnings: [String]) -> [String: String] {
        var p: [String: String] = [
            "inputs": inputDescription,
            "frames": "start \(options.start), stop \(options.stop.map(String.init) ?? "end"), stride \(options.stride): \(summary.framesRead) read, \(summary.analysedFrames) analysed",
            "command": options.frames == nil ? "soaplens fit" : "soaplens run --bootstrap",
            "soaplens_version": SoapLensBuild.version,
        ]
        if options.frames == nil {
            p["inputs_sha256"] = options.files.map { SHA256.hexDigest(ofFile: $0) ?? "unreadable" }.joined(separator: "\n")
        } else {
            p["frames"] = "the first \(summary.framesRead) frames of the live run: \(summary.analysedFrames) analysed"
        }
        if let dt = summary.measuredIntervalPS { p["measured_frame_interval_ps"] = "\(dt)" }
        if !intervalWarnings.isEmpty { p["warnings"] = intervalWarnings.joined(separator: "\n") }
        if !options.configuration.source.file.isEmpty { p["configuration_file"] = options.configuration.source.file }
        return p
    }

    static func utcNow() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }
}
