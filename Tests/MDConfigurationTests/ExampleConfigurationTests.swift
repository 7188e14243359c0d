import Foundation
import MDConfiguration
import MDCore
import Testing

/// The worked examples in `configs/`: every file parses, renders back to an equal
/// configuration, and holds the study's values.
@Suite struct ExampleConfigurationTests {
    private typealias S = ConfigurationTestSupport

    private func load(_ name: String) throws -> SystemConfiguration {
        try SystemConfiguration.load(path: S.configsDirectory.appendingPathComponent(name).path)
    }

    @Test func everyFileInConfigsLoadsAndRoundTrips() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: S.configsDirectory.path).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(names == ["au-nanoparticle.toml", "cu211-demo.toml", "cu211.toml", "ice-water.toml"])
        for name in names {
            let c = try load(name)
            #expect(c.reservedSections.isEmpty, "\(name)")
            let back = try SystemConfiguration.parse(text: c.canonicalTOMLText, file: name)
            #expect(back == c, "\(name)")
            #expect(back.canonicalTOMLText == c.canonicalTOMLText, "\(name)")
            // The examples spell out every key: nothing relevant is left to defaults.
            #expect(c.source.defaultedKeys.isEmpty, "\(name): \(c.source.defaultedKeys)")
        }
    }

    @Test func cu211() throws {
        let c = try load("cu211.toml")
        #expect(c.system == .init(name: "Cu(211)", frameIntervalPS: 300, species: [1: "Cu"]))
        #expect(c.selection == .init(centres: .coordinate(axis: 2, comparison: .greater, value: 28.09), soapEnvironment: .all, lensEnvironment: .centres))
        #expect(c.features.mode == .soapAndLens)
        #expect(c.soap == .init(rCut: 6, nMax: 8, lMax: 8, sigma: 1, layout: .full, normalised: true))
        #expect(c.lens == .init(rCut: 6, lag: 1, window: 20, polyorder: 2, clip: true))
        #expect(c.pca == .variance(0.995))
        #expect(c.clustering == .init(method: .hdbscan, hdbscan: .init(minClusterSize: 80, minSamples: 80, selection: .eom, soft: .all)))
        #expect(c.lensClasses == .kmeans(clusters: 3, nInit: 10, seed: 666))
        #expect(c.merge == .init(enabled: true, cut: 1))
        #expect(c.macro.names.isEmpty)
    }

    @Test func cu211Demo() throws {
        let c = try load("cu211-demo.toml")
        let study = try load("cu211.toml")
        #expect(c.system.frameIntervalPS == 1.0)
        #expect(c.system.species == [1: "Cu"])
        #expect(c.clustering.method == .hdbscan)
        #expect(c.clustering.gmm == .init(components: 7, tolerance: 1e-9, maxIterations: 1000, seed: 0))
        #expect(c.clustering.hdbscan == study.clustering.hdbscan)
        // Everything else is the study's Cu(211) configuration.
        #expect(c.selection == study.selection && c.features == study.features && c.soap == study.soap && c.lens == study.lens)
        #expect(c.pca == study.pca && c.lensClasses == study.lensClasses && c.merge == study.merge)
    }

    @Test func auNanoparticle() throws {
        let c = try load("au-nanoparticle.toml")
        #expect(c.system.frameIntervalPS == 1000)
        #expect(c.system.species == [1: "Au"])
        #expect(c.selection == .init(centres: .all, soapEnvironment: .all, lensEnvironment: .centres))
        #expect(c.soap.rCut == 4.48 && c.lens.rCut == 4.48)
        #expect(c.lens.window == 100 && c.lens.polyorder == 2)
        #expect(c.pca == .variance(0.995))
        #expect(c.clustering.method == .hdbscan && c.clustering.hdbscan?.minClusterSize == 150)
        #expect(c.lensClasses == .kmeans(clusters: 4, nInit: 10, seed: 666))
        #expect(c.merge == .init(enabled: true, cut: 1))
    }

    @Test func iceWater() throws {
        let c = try load("ice-water.toml")
        #expect(c.system.frameIntervalPS == 100)
        #expect(c.system.species == [1: "O", 2: "H"])
        #expect(c.selection.centres == .elements(["O"]))
        #expect(c.selection.soapEnvironment == .all)
        #expect(c.selection.lensEnvironment == .centres)
        #expect(c.soap.rCut == 6 && c.lens.rCut == 6 && c.lens.window == 100)
        #expect(c.pca == .variance(0.99))
        #expect(c.clustering.method == .gmm)
        #expect(c.clustering.gmm == .init(components: 3, tolerance: 1e-9, maxIterations: 1000, seed: 0))
        #expect(c.merge.enabled == false)
        #expect(c.lensClasses == .kmeans(clusters: 3, nInit: 10, seed: 666))
    }
}
