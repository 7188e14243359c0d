@testable import MDDaemon
import Foundation
import MDAlerts
import MDArchive
import MDConfiguration
import MDCore
import MDIngest
import MDLearning
import MDWire
import MDTrajectory
import Testing
import ZeroMQ

/// The online daemon end to end over real loopback sockets (PUSH/PULL, so no frame is lost):
/// replaying the bundled run through `IngestService` with a model gives, for the analysed
/// frames, the labels `fit` gives (online = offline); the frame interval is measured and the
/// stream decimated or refused; settings that differ from the model's are refused at start;
/// a bootstrap learns a model from the first frames and stays consistent with it.
@Suite(.serialized) struct OnlineAnalysisTests {
    /// The bundled frames, 1 ps apart (dt 5 fs, dumped every 200 steps).
    static let frames: [Frame] = try! Fixtures.readAll(
        DescribePipelineTests.bundled, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))

    /// What the daemon did with one replay.
    struct Outcome {
        var summary: DaemonSummary
        var lines: [[String: Any]]
        var analysed: [[String: Any]] { lines.filter { $0["type"] as? String == "analysed" } }
        var online: DaemonSummary.OnlineRunSummary? { summary.online?.runs.first }
    }

    /// Publishes `frames` (sequence numbers 0…, except those in `lose`) to a daemon with `online`
    /// settings over PUSH/PULL and returns its summary and JSON lines.
    static func replay(_ frames: [Frame], online: OnlineOptions, run: String = "online", lose: Set<Int> = []) throws -> Outcome {
        let ctx = try ZMQContext()
        let publisher = try FramePublisher(context: ctx, mode: .push, endpoint: "tcp://127.0.0.1:*")
        let sink = Fixtures.temporaryPath(".jsonl")
        _ = FileManager.default.createFile(atPath: sink, contents: nil)
        let options = DaemonOptions(
            subscriber: .init(mode: .pull, endpoint: publisher.endpoint), exitOnEnd: true, report: .jsonl, online: online)
        let service = IngestService(
            options: options, context: ctx, logger: quietLogger,
            output: OutputSink(handle: try FileHandle(forWritingTo: URL(fileURLWithPath: sink))))
        let done = DispatchSemaphore(value: 0)
        let failure = LockedBox<(any Error)?>(nil)
        Thread {
            do { try service.receiveLoop(stop: StopFlag()) } catch { failure.set(error) }
            done.signal()
        }.start()
        guard try publisher.waitForSubscriber(timeoutSeconds: 10) else {
            // The daemon refused to start (its error), or never connected.
            _ = done.wait(timeout: .now() + 10)
            throw failure.value ?? TestTimeout(what: "the daemon's connection")
        }
        for (t, var f) in frames.enumerated() where !lose.contains(t) {
            f.runID = run
            f.sequence = UInt64(t)
            try publisher.send(f)
        }
        try publisher.send(ControlMessage(kind: .end, runID: run, sentAt: WallClock.now(), frames: UInt64(frames.count)))
        #expect(done.wait(timeout: .now() + 300) == .success)
        if let error = failure.value { throw error }
        let lines = try String(contentsOfFile: sink, encoding: .utf8).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return Outcome(summary: try #require(service.summary), lines: lines)
    }

    /// A fit of the first `frames` bundled frames (every `stride`-th) with `c`.
    static func fit(_ c: SystemConfiguration, frames: Int, stride: Int = 1) throws -> (FitOptions, FitSummary) {
        var options = FitPipelineTests.options(c, frames: frames)
        options.stride = stride
        return (options, try FitPipeline(options: options).run())
    }

    func checkOnlineEqualsOffline(_ c: SystemConfiguration, method: String, frames: Int = 16) throws {
        let (fitOptions, fit) = try Self.fit(c, frames: frames)
        let labels = Fixtures.temporaryPath(".online-labels.h5")
        let outcome = try Self.replay(
            Array(Self.frames.prefix(frames)),
            online: OnlineOptions(configuration: c, modelPath: fitOptions.output, labelsPath: labels, driftEvery: 3, threads: 2))
        let run = try #require(outcome.online)
        #expect(run.refused == nil, "\(run.refused ?? "")")
        #expect(run.analysed_frames == fit.analysedFrames && run.stride == 1 && run.breaks == 0)
        // The lag: ⌊4/2⌋ + 1 frames of 1 ps.
        #expect(run.lag_frames == 3 && run.lag_ps == 3)
        let offline = try FitPipelineTests.readLabels(try #require(fitOptions.labels))
        let online = try FitPipelineTests.readLabels(labels)
        #expect(online.steps == offline.steps && online.ids == offline.ids && online.shape == offline.shape)
        #expect(online.micro == offline.micro, "\(method): online labels differ from fit's")
        #expect(online.macro == offline.macro)
        // Live counts are the fit's counts (same frames, same pairing).
        let model = try FittedModel.read(path: fitOptions.output)
        #expect(run.micro_counts == model.microTransitions.counts && run.macro_counts == model.macroTransitions.counts)
        #expect(run.macro_probabilities == model.macroTransitions.probabilities)
        // Every analysed frame is reported in order with every centre's labels.
        let analysed = outcome.analysed
        #expect(analysed.map { $0["step"] as? Int64 ?? Int64($0["step"] as? Int ?? -1) } == offline.steps)
        let first = try #require(analysed.first)
        #expect((first["micro"] as? [Int])?.map(Int32.init) == Array(offline.micro.prefix(offline.ids.count)))
        #expect(first["lag_frames"] as? Int == 3 && first["warning"] == nil)
        let start = try #require(outcome.lines.first { $0["type"] as? String == "online_start" })
        #expect((start["centres"] as? [Int])?.map(Int64.init) == offline.ids)
        if c.features.mode != .lens {
            // Novelty in [0, 1]; drift measured every 3 analysed frames against the fitted basis.
            let novelty = analysed.flatMap { ($0["novelty"] as? [Double]) ?? [] }
            #expect(novelty.count == offline.micro.count && novelty.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(analysed.filter { $0["drift"] != nil }.count == fit.analysedFrames / 3)
            // Replaying the fit's own frames: the live PCA is the fitted one.
            #expect((run.drift_max_angle_degrees ?? 90) < 1e-6 || fit.analysedFrames % 3 != 0)
            #expect(abs((run.drift_fitted_share ?? 0) - (run.drift_live_share ?? 1)) < 1e-9 || fit.analysedFrames % 3 != 0)
        }
    }

    @Test func kmeansOnlineEqualsOffline() throws {
        try checkOnlineEqualsOffline(try FitPipelineTests.configuration(clustering: "kmeans"), method: "kmeans", frames: 15)
    }

    @Test func gaussianMixtureOnlineEqualsOffline() throws {
        try checkOnlineEqualsOffline(try FitPipelineTests.configuration(clustering: "gmm"), method: "gmm", frames: 15)
    }

    @Test func lensClassesOnlineEqualOffline() throws {
        try checkOnlineEqualsOffline(try FitPipelineTests.configuration(mode: "lens"), method: "lens_classes", frames: 15)
    }

    /// HDBSCAN* labels new rows with `membership_vector` (training rows by
    /// `all_points_membership_vectors`): online equals the model applied offline to the fit's
    /// rows exactly, and the fit's training labels to ≥ 95 %.
    @Test func hdbscanOnlineEqualsTheModelAppliedOffline() throws {
        let c = try FitPipelineTests.configuration(clustering: "hdbscan")
        let (fitOptions, fit) = try Self.fit(c, frames: 12)
        let labels = Fixtures.temporaryPath(".online-labels.h5")
        let outcome = try Self.replay(
            Array(Self.frames.prefix(12)), online: OnlineOptions(configuration: c, modelPath: fitOptions.output, labelsPath: labels, threads: 2))
        #expect(outcome.online?.analysed_frames == fit.analysedFrames)
        let model = try FittedModel.read(path: fitOptions.output)
        let features = try FitPipelineTests.features(c, frames: 12)
        let n = features.centreIDs.count
        let reduced = try model.pca!.project(features.rows, count: features.analysedFrames * n)
        let applied = try model.clustering.predict(rows: reduced, count: features.analysedFrames * n)
        let online = try FitPipelineTests.readLabels(labels)
        #expect(online.micro == applied)
        let training = try FitPipelineTests.readLabels(try #require(fitOptions.labels)).micro
        let same = zip(online.micro, training).filter { $0 == $1 }.count
        #expect(Double(same) >= 0.95 * Double(training.count), "\(same) of \(training.count)")
    }

    @Test func aStreamTwiceAsDenseIsDecimatedToTheModelsInterval() throws {
        // A model for 2 ps frames, fitted on every second frame; the stream has every frame (1 ps).
        let c = try FitPipelineTests.configuration(mode: "lens", interval: 2)
        let (fitOptions, fit) = try Self.fit(c, frames: 28, stride: 2)
        let labels = Fixtures.temporaryPath(".online-labels.h5")
        let outcome = try Self.replay(
            Array(Self.frames.prefix(28)), online: OnlineOptions(configuration: c, modelPath: fitOptions.output, labelsPath: labels))
        let run = try #require(outcome.online)
        #expect(run.stride == 2 && run.frames_skipped == 14 && run.frames_used == 14 && run.stream_interval_ps.map { abs($0 - 1) < 1e-9 } == true)
        #expect(run.analysed_frames == fit.analysedFrames && run.lag_ps == 6)
        let offline = try FitPipelineTests.readLabels(try #require(fitOptions.labels))
        let online = try FitPipelineTests.readLabels(labels)
        #expect(online.steps == offline.steps && online.micro == offline.micro)
    }

    @Test func anIntervalThatDoesNotFitIsRefusedUnlessAccepted() throws {
        let c = try FitPipelineTests.configuration(mode: "lens", interval: 1)
        let (fitOptions, _) = try Self.fit(c, frames: 12)
        // Frames 1.5 ps apart: neither equal nor a whole fraction of 1 ps.
        let stretched = Self.frames.prefix(14).map { f -> Frame in
            var g = f
            g.time = f.time.map { $0 * 1.5 }
            return g
        }
        let refused = try Self.replay(stretched, online: OnlineOptions(configuration: c, modelPath: fitOptions.output))
        let reason = try #require(refused.online?.refused)
        #expect(reason.contains("1.5") && reason.contains("--accept-interval"), "\(reason)")
        #expect(refused.analysed.isEmpty && refused.online?.frames_skipped == 14)
        let accepted = try Self.replay(stretched, online: OnlineOptions(configuration: c, modelPath: fitOptions.output, acceptIntervalMismatch: true))
        #expect(accepted.online?.refused == nil && accepted.analysed.count == 14 - 1 - 4)
        #expect(accepted.analysed.allSatisfy { ($0["warning"] as? String)?.contains("1.5") == true })
        #expect(accepted.online?.warning != nil)
    }

    @Test func lostFramesEndTheStretchAndNoTransitionSpansThem() throws {
        let c = try FitPipelineTests.configuration(mode: "lens")
        let (fitOptions, _) = try Self.fit(c, frames: 12)
        let outcome = try Self.replay(
            Array(Self.frames.prefix(24)), online: OnlineOptions(configuration: c, modelPath: fitOptions.output), lose: [11])
        let run = try #require(outcome.online)
        // Frames 0…10 and 12…23 are two stretches: 11 − 1 − 4 = 6 and 12 − 1 − 4 = 7 analysed frames.
        #expect(run.breaks == 1 && run.analysed_frames == 13)
        // Transitions only within each stretch: (6 − 1 + 7 − 1) × centres.
        #expect(run.micro_counts.reduce(0, +) == 11 * run.centres)
        let indices = outcome.analysed.compactMap { $0["index"] as? Int }
        #expect(indices == Array(2...7) + Array(14...20))
    }

    @Test func otherSettingsAreRefusedAtStartNamingEachDifference() throws {
        let c = try FitPipelineTests.configuration(mode: "soap+lens", clustering: "kmeans")
        let (fitOptions, _) = try Self.fit(c, frames: 12)
        var other = c
        try other.apply(ConfigurationOverrides(window: 6, nMax: 3))
        let error = #expect(throws: StageError.self) {
            try Self.replay(Array(Self.frames.prefix(3)), online: OnlineOptions(configuration: other, modelPath: fitOptions.output))
        }
        let text = error?.description ?? ""
        #expect(text.contains("lens.window: model 4, now 6") && text.contains("soap.n_max: model 2, now 3"), "\(text)")
        // The model's own configuration is what `run --model` uses without --config.
        #expect(try OnlineOptions.configuration(ofModel: fitOptions.output) == c)
    }

    /// No model: the daemon learns one from the first 12 frames and goes on with it. The
    /// bootstrap frames' analysed labels are those of `fit` on the same 12 frames (the frames
    /// interior to both), and the whole run's labels are those a daemon started with the
    /// written model gives.
    @Test func bootstrapLearnsAModelAndStaysConsistentWithIt() throws {
        let c = try FitPipelineTests.configuration(clustering: "kmeans")
        let written = Fixtures.temporaryPath(".bootstrap.h5")
        let labels = Fixtures.temporaryPath(".bootstrap-labels.h5")
        let frames = Array(Self.frames.prefix(20))
        let outcome = try Self.replay(
            frames, online: OnlineOptions(configuration: c, bootstrapFrames: 12, bootstrapOutput: written, labelsPath: labels, threads: 2))
        #expect(outcome.summary.online?.bootstrapped == true && outcome.online?.analysed_frames == 20 - 1 - 4)
        let bundle = try ModelBundle.read(from: written)
        #expect(bundle.provenance["command"] == "soaplens run --bootstrap")
        #expect(outcome.summary.online?.model_id == bundle.modelID)
        let online = try FitPipelineTests.readLabels(labels)

        // The same 12 frames fitted offline: identical model, identical labels on its 7 analysed frames.
        let (fitOptions, fit) = try Self.fit(c, frames: 12)
        #expect(fit.modelID == bundle.modelID)
        let offline = try FitPipelineTests.readLabels(try #require(fitOptions.labels))
        let n = offline.ids.count
        #expect(Array(online.steps.prefix(7)) == offline.steps)
        #expect(Array(online.micro.prefix(7 * n)) == offline.micro)

        // A daemon started with the written model gives the same labels for the whole run.
        let again = Fixtures.temporaryPath(".again-labels.h5")
        _ = try Self.replay(frames, online: OnlineOptions(configuration: c, modelPath: written, labelsPath: again, threads: 2))
        let second = try FitPipelineTests.readLabels(again)
        #expect(second.micro == online.micro && second.steps == online.steps)
    }
}

/// The online frames drive the alert rules (issue 8): a LENS-burst rule over the analysed
/// frames of the bundled run names exactly the atoms whose smoothed LENS stayed above the
/// threshold for K analysed frames (counted independently here), on the K-th frame, with their
/// position in that analysed frame as received.
@Suite struct OnlineAlertTests {
    @Test func aLensBurstRuleNamesTheAtomsAndTheirPositions() throws {
        let c = try FitPipelineTests.configuration(mode: "lens")
        let (fitOptions, _) = try OnlineAnalysisTests.fit(c, frames: 12)
        let model = try FittedModel.read(path: fitOptions.output)
        let frames = Array(OnlineAnalysisTests.frames.prefix(30))
        let run = try OnlineRun(
            first: frames[0], runID: "alerts", model: model, modelPath: fitOptions.output,
            options: OnlineOptions(configuration: c, modelPath: fitOptions.output), keepsLabels: false)
        var online: [OnlineFrame] = []
        for (t, f) in frames.enumerated() { online += try run.consume(f, index: t) }
        #expect(online.count == 30 - 1 - 4)
        #expect(online.map(\.sequence) == online.map { UInt64($0.index) })  // the bundled frames' own sequence numbers
        // The threshold: the 97th percentile of all analysed LENS values.
        let all = online.flatMap(\.lens).sorted()
        let threshold = all[all.count * 97 / 100]
        let k = 3
        let rule = try AlertRule(name: "burst", severity: .warning, condition: .lensBurst(threshold: threshold), persistence: k)
        var engine = try AlertEngine(
            rules: [rule], model: try AlertModel(model, macroNames: model.macroNames), atomCount: run.centreIDs.count, maxAlertsPerFrame: 100_000)
        var alerts: [Alert] = []
        for f in online { alerts += try engine.process(AlertFrame(f)) }

        var streak = [Int](repeating: 0, count: run.centreIDs.count)
        var expected: [(index: Int, atom: Int)] = []
        for f in online {
            for i in f.lens.indices {
                streak[i] = f.lens[i] > threshold ? streak[i] + 1 : 0
                if streak[i] == k { expected.append((f.index, i)) }
            }
        }
        #expect(!expected.isEmpty)
        #expect(alerts.map(\.index) == expected.map(\.index) && alerts.map { $0.atomIndex ?? -1 } == expected.map(\.atom))
        for a in alerts {
            let atom = try #require(a.atomIndex)
            #expect(a.atomID == run.centreIDs[atom] && a.rule == "burst" && a.lens.map { $0 > threshold } == true)
            // The position is the atom's in the analysed frame (frame index = analysed index here).
            let frame = frames[a.index]
            let row = try #require(frame.ids.firstIndex(of: run.centreIDs[atom]))
            #expect(a.position == frame.position(row))
        }
    }
}

/// The novelty score: the fit's cumulative shares of the reconstruction error and the cluster
/// score, the larger of the two; NaN without either part.
@Suite struct NoveltyModelTests {
    @Test func theScoreIsTheLargerShareOfTheFitsRows() throws {
        let model = try NoveltyModel(
            reconstructionErrors: (0...1000).map { Double($0) }, clusterScores: (0...1000).map { Double($0) / 10 },
            clusterScoreName: "kmeans_squared_distance")
        let s = model.scores(reconstruction: [500, 10, 2000, -1], cluster: [5, 90, 0, -5], count: 4)
        #expect(s.novelty == [0.5, 0.9, 1, 0])
        // Through the bundle section and back.
        let (arrays, attributes) = model.section
        let restored = try NoveltyModel(arrays: arrays, attributes: attributes)
        #expect(restored.scores(reconstruction: [500], cluster: [95], count: 1).novelty == [0.95])
        #expect(restored.clusterScoreName == "kmeans_squared_distance")
        let none = try NoveltyModel(reconstructionErrors: nil, clusterScores: nil, clusterScoreName: nil)
        #expect(none.scores(reconstruction: nil, cluster: nil, count: 2).novelty.allSatisfy { $0.isNaN })
    }
}

/// The bundled demo model (scripts/data/make_demo_model.sh) still fits the demo configuration
/// and this build's bundle reader: the README's main job depends on it.
@Suite struct DemoModelTests {
    @Test func theBundledModelFitsTheDemoConfiguration() throws {
        let data = URL(fileURLWithPath: DescribePipelineTests.bundled).deletingLastPathComponent()
        let path = data.appendingPathComponent("cu211-demo.model.h5").path
        let config = data.deletingLastPathComponent().appendingPathComponent("configs/cu211-demo.toml").path
        let model = try FittedModel.read(path: path)
        let c = try SystemConfiguration.load(path: config)
        try model.checkCompatibleBeforeFrames(with: c, model: path)
        #expect(model.clustering.method == "hdbscan" && model.novelty?.cluster != nil && model.novelty?.reconstruction != nil)
        #expect(model.centreIDs.count == 900 && model.pca?.componentCount == 5)
        #expect(try OnlineOptions.configuration(ofModel: path).lens == c.lens)
    }

    /// `soaplens run --model` with another window refuses to start, naming the difference.
    @Test func theCommandRefusesOtherSettingsAtStart() throws {
        let data = URL(fileURLWithPath: DescribePipelineTests.bundled).deletingLastPathComponent()
        let config = try String(contentsOf: data.deletingLastPathComponent().appendingPathComponent("configs/cu211-demo.toml"), encoding: .utf8)
        let other = Fixtures.temporaryPath(".toml")
        try config.replacingOccurrences(of: "window = 20", with: "window = 30").write(toFile: other, atomically: true, encoding: .utf8)
        let run = try DaemonProcess([
            "run", "--pull", "tcp://127.0.0.1:1", "--model", data.appendingPathComponent("cu211-demo.model.h5").path, "--config", other,
        ])
        #expect(run.waitForExit(seconds: 60) == 1)
        #expect(run.stderr.contains("lens.window: model 20, now 30"), "\(run.stderr)")
    }
}

/// A value shared with a worker thread.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func set(_ value: T) { lock.withLock { stored = value } }
}
