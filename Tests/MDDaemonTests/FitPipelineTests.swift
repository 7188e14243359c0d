@testable import MDDaemon
import Foundation
import HDF5Kit
import MDArchive
import MDConfiguration
import MDCore
import MDLearning
import MDTrajectory
import Testing

/// `soaplens fit` end to end on the bundled Cu(211) run with small settings (n_max = l_max = 2,
/// r_cut 4 Å, the top layers as centres, window 4): the bundle restores into a model that gives
/// back every written label, counts agree with the labels, the fit is deterministic, and bad
/// set-ups are refused with messages that say what to do.
@Suite struct FitPipelineTests {
    static func configuration(mode: String = "soap+lens", clustering: String = "kmeans", interval: Double = 1, extra: String = "") throws -> SystemConfiguration {
        try SystemConfiguration.parse(text: """
            [system]
            name = "test slab"
            frame_interval_ps = \(interval)
            species = { 1 = "Cu" }
            [selection]
            centres = "z > 31"
            [features]
            mode = "\(mode)"
            [soap]
            r_cut = 4.0
            n_max = 2
            l_max = 2
            [lens]
            r_cut = 4.0
            window = 4
            [pca]
            components = 3
            [clustering]
            method = "\(clustering)"
            [clustering.kmeans]
            clusters = 4
            n_init = 3
            seed = 7
            [clustering.gmm]
            components = 3
            tolerance = 1e-6
            max_iterations = 200
            [clustering.hdbscan]
            min_cluster_size = 20
            [lens_classes]
            clusters = 3
            \(extra)
            """, file: "test.toml")
    }

    static func options(_ c: SystemConfiguration, frames: Int = 12, labels: Bool = true, timestep: Double? = 0.005) -> FitOptions {
        FitOptions(
            files: [DescribePipelineTests.bundled], source: SourceOptions(timestep: timestep), stop: frames, configuration: c,
            output: Fixtures.temporaryPath(".model.h5"), labels: labels ? Fixtures.temporaryPath(".labels.h5") : nil, threads: 2)
    }

    /// The written labels: (steps, micro, macro, centre ids).
    static func readLabels(_ path: String) throws -> (steps: [Int64], micro: [Int32], macro: [Int32], ids: [Int64], shape: [Int]) {
        let file = try HDF5File.open(path)
        let all = try file.openGroup("/particles/all")
        let micro = try all.openGroup("micro_label").openDataset("value")
        #expect(micro.elementClass == .integer && micro.elementSize == 4)
        return (
            try all.openGroup("micro_label").openDataset("step").read(as: Int64.self), try micro.read(as: Int32.self),
            try all.openGroup("macro_label").openDataset("value").read(as: Int32.self), try all.openDataset("centres").read(as: Int64.self),
            try micro.shape)
    }

    /// Features of the same frames as `fit` computes them, to predict with the restored model.
    static func features(_ c: SystemConfiguration, frames: Int) throws -> FeatureExtraction {
        let fit = try FitPipeline(options: options(c, frames: frames))
        let reader = try LammpsDumpReader(path: DescribePipelineTests.bundled, options: SourceOptions(speciesMap: [1: "Cu"], timestep: 0.005))
        var extraction: FeatureExtraction?
        for _ in 0..<frames {
            let frame = try #require(try reader.next())
            if extraction == nil { extraction = try FeatureExtraction(first: frame, settings: fit.featureSettings(typeNames: [1: "Cu"])) }
            try extraction!.consume(frame, file: "bundled")
        }
        try extraction!.finish()
        return try #require(extraction)
    }

    /// `agreement`: the share of analysed rows the restored model must assign to the label
    /// written (1 for KMeans, GMM and LENS classes; HDBSCAN* labels training rows by
    /// `all_points_membership_vectors` but new rows by `membership_vector`, which differ slightly).
    func checkRoundTrip(_ c: SystemConfiguration, method: String, agreement: Double = 1) throws {
        let options = Self.options(c)
        let summary = try FitPipeline(options: options).run()
        let n = summary.centres
        // 12 frames: 11 intervals, interior [2, 9): 7 analysed frames.
        #expect(summary.framesRead == 12 && summary.analysedFrames == 7 && summary.rows == 7 * n && n > 50)
        #expect(summary.method == method)
        #expect(summary.measuredIntervalPS.map { abs($0 - 1) < 1e-9 } == true)
        #expect(summary.warnings.isEmpty, "\(summary.warnings)")

        let bundle = try ModelBundle.read(from: options.output)
        #expect(bundle.modelID == summary.modelID)
        let model = try FittedModel(bundle: bundle)
        #expect(model.clustering.method == method)
        #expect(model.centreIDs.count == n)
        #expect(try SystemConfiguration.parse(text: bundle.configurationTOML) == c)
        #expect(bundle.settings["lens.window"] == "4" && bundle.settings["features.mode"] == c.features.mode.rawValue)
        #expect(bundle.provenance["inputs_sha256"]?.count == 64)

        let labels = try Self.readLabels(try #require(options.labels))
        #expect(labels.shape == [7, n])
        #expect(labels.steps == (2...8).map { Int64(200 * $0) })
        #expect(labels.ids == model.centreIDs)
        #expect(labels.macro == labels.micro.map { Int32(model.microToMacro[Int($0)]) })
        // Counts, populations and transitions agree with the labels written.
        var populations = [Int](repeating: 0, count: model.clustering.classCount)
        for l in labels.micro { populations[Int(l)] += 1 }
        #expect(populations == model.microPopulations && populations.reduce(0, +) == 7 * n)
        let transitions = try TransitionMatrix(frameMajorLabels: labels.micro, atomCount: n, classCount: model.clustering.classCount)
        #expect(transitions == model.microTransitions)
        #expect(model.microTransitions.transitionCount == 6 * n)
        #expect(try model.microTransitions.mapped(through: model.microToMacro) == model.macroTransitions)

        // The restored model assigns the same rows to the same labels (what the online daemon relies on).
        let features = try Self.features(c, frames: 12)
        let rows = try model.pca.map { try $0.project(features.rows, count: 7 * n) } ?? features.lens
        let predicted = try model.clustering.predict(rows: rows, count: 7 * n)
        let same = zip(predicted, labels.micro).filter { $0 == $1 }.count
        #expect(Double(same) >= agreement * Double(7 * n), "\(same) of \(7 * n) rows")
        if agreement == 1 { #expect(predicted == labels.micro) }
    }

    @Test func kmeansModelRoundTrips() throws { try checkRoundTrip(try Self.configuration(clustering: "kmeans"), method: "kmeans") }

    @Test func gaussianMixtureModelRoundTrips() throws { try checkRoundTrip(try Self.configuration(clustering: "gmm"), method: "gmm") }

    @Test func lensOnlyModelRoundTrips() throws { try checkRoundTrip(try Self.configuration(mode: "lens"), method: "lens_classes") }

    @Test func theSameFitGivesTheSameModelID() throws {
        let c = try Self.configuration(mode: "lens")
        let a = try FitPipeline(options: Self.options(c, labels: false)).run()
        let b = try FitPipeline(options: Self.options(c, labels: false)).run()
        #expect(a.modelID == b.modelID && a.modelID.count == 16)
        var other = c
        try other.apply(ConfigurationOverrides(window: 5))
        let d = try FitPipeline(options: Self.options(other, labels: false)).run()
        #expect(d.modelID != a.modelID)
    }

    @Test func loadingRefusesOtherSettingsAndNamesEachDifference() throws {
        let c = try Self.configuration(extra: "[macro]\nnames = { 0 = \"bulk\" }")
        let options = Self.options(c, labels: false)
        let summary = try FitPipeline(options: options).run()
        let model = try FittedModel.read(path: options.output)
        #expect(model.macroNames[0] == "bulk" && summary.macroNames[0] == "bulk")
        let soap = try #require(try Self.features(c, frames: 12).soapSettings)
        try model.checkCompatible(with: c, soap: soap, model: options.output)
        var other = c
        try other.apply(ConfigurationOverrides(window: 6, nMax: 3))
        var otherSoap = soap
        otherSoap.nMax = 3
        let error = #expect(throws: StageError.self) { try model.checkCompatible(with: other, soap: otherSoap, model: options.output) }
        let text = error?.description ?? ""
        #expect(text.contains("lens.window: model 4, now 6") && text.contains("soap.n_max: model 2, now 3"), "\(text)")
        // Names in the configuration in use override the model's defaults.
        var renamed = c
        renamed.macro.names = [1: "edge"]
        #expect(Array(model.macroNames(with: renamed).prefix(2)) == ["bulk", "edge"])
        // A damaged file is refused, naming it.
        let damaged = Fixtures.temporaryPath(".h5")
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: damaged))
        #expect((#expect(throws: StageError.self) { try FittedModel.read(path: damaged) })?.description.contains(damaged) == true)
    }

    @Test func hdbscanModelRoundTrips() throws {
        try checkRoundTrip(try Self.configuration(clustering: "hdbscan"), method: "hdbscan", agreement: 0.95)
        // The restored HDBSCAN* model is the fitted one: same tree, same predictions.
        let c = try Self.configuration(clustering: "hdbscan")
        let options = Self.options(c, labels: false)
        _ = try FitPipeline(options: options).run()
        let model = try FittedModel.read(path: options.output)
        guard case .hdbscan(let restored, let soft) = model.clustering else { Issue.record("not an HDBSCAN* model"); return }
        #expect(soft == .everyPoint && restored.minClusterSize == 20 && restored.minSamples == 20)
        let refit = try HDBSCAN(minClusterSize: 20).fit(rows: restored.rows, count: restored.count, width: restored.width)
        #expect(refit.condensedTree == restored.condensedTree && refit.labels == restored.labels)
    }

    @Test func aWrongFrameIntervalIsRefusedWithTheStride() throws {
        // The bundled frames are 1 ps apart; a model meant for 3 ps frames reads every third frame.
        let c = try Self.configuration(mode: "lens", interval: 3)
        let error = #expect(throws: StageError.self) { try FitPipeline(options: Self.options(c)).run() }
        #expect(error?.description.contains("--stride 3") == true, "\(String(describing: error))")
        // Proceeding on request records a warning; without times nothing can be checked.
        var accepted = Self.options(c)
        accepted.acceptIntervalMismatch = true
        #expect(try FitPipeline(options: accepted).run().warnings.contains { $0.contains("--accept-interval") })
        let untimed = try FitPipeline(options: Self.options(c, timestep: nil)).run()
        #expect(untimed.warnings.contains { $0.contains("carry no time") })
        // Every third frame of 36 is 3 ps apart: accepted.
        var strided = Self.options(c, frames: 36)
        strided.stride = 3
        let s = try FitPipeline(options: strided).run()
        #expect(s.warnings.isEmpty && s.framesRead == 12 && s.analysedFrames == 7)
    }

    @Test func tooFewFramesSayWhy() throws {
        let error = #expect(throws: StageError.self) { try FitPipeline(options: Self.options(try Self.configuration(mode: "lens"), frames: 6)).run() }
        #expect(error?.description.contains("analysed frame") == true)
    }

    @Test func theCommandLinePrintsTheReportAndChecksConfigurations() throws {
        let dir = Fixtures.temporaryPath("-fit")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let config = dir + "/lens.toml"
        try (try Self.configuration(mode: "lens")).tomlText.write(toFile: config, atomically: true, encoding: .utf8)
        let check = try DaemonProcess(["check-config", config, "--window", "6"])
        #expect(check.waitForExit(seconds: 60) == 0)
        #expect(check.stdout.contains("valid configuration"), "\(check.stderr)")
        let bad = try DaemonProcess(["check-config", config, "--window", "2"])
        #expect(bad.waitForExit(seconds: 60) == 1)
        #expect(bad.stderr.contains("--window"))

        let model = dir + "/model.h5"
        let fit = try DaemonProcess([
            "fit", DescribePipelineTests.bundled, "--config", config, "-o", model, "--labels", dir + "/labels.h5", "--stop", "12",
            "--dt", "0.005",
        ])
        #expect(fit.waitForExit(seconds: 300) == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("macro transition probabilities"))
        #expect(fit.stdout.contains("fit: pca") == false && fit.stdout.contains("fit: clustering: lens_classes"))
        #expect(try ModelBundle.read(from: model).sections["clustering"] != nil)
    }
}
