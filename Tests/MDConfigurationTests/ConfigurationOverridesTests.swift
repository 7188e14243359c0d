import MDConfiguration
import MDCore
import Testing

@Suite struct ConfigurationOverridesTests {
    private typealias S = ConfigurationTestSupport

    private func minimal() throws -> SystemConfiguration { try SystemConfiguration.parse(text: S.minimal, file: "t.toml") }

    @Test func everyOverrideSetsItsKey() throws {
        var c = try minimal()
        let o = ConfigurationOverrides(
            rCut: 4.48, window: 100, polyorder: 3, lag: 2, centres: "z > 28.09", lensEnvironment: "all",
            soapEnvironment: "element Cu", frameIntervalPS: 1.0, nMax: 6, lMax: 4, sigma: 0.8, layout: "compressed",
            mode: "soap", clustering: "kmeans")
        #expect(!o.isEmpty)
        try c.apply(o)
        #expect(c.soap.rCut == 4.48 && c.lens.rCut == 4.48)
        #expect(c.lens.window == 100 && c.lens.polyorder == 3 && c.lens.lag == 2)
        #expect(c.selection.centres == .coordinate(axis: 2, comparison: .greater, value: 28.09))
        #expect(c.selection.lensEnvironment == .selection(.all))
        #expect(c.selection.soapEnvironment == .elements(["Cu"]))
        #expect(c.system.frameIntervalPS == 1.0)
        #expect(c.soap.nMax == 6 && c.soap.lMax == 4 && c.soap.sigma == 0.8 && c.soap.layout == .compressed)
        #expect(c.features.mode == .soap)
        #expect(c.clustering.method == .kmeans)
        #expect(c.source.overriddenKeys["lens.window"] == "--window")
        #expect(c.source.overriddenKeys["soap.r_cut"] == "--rcut")
        #expect(c.source.overriddenKeys["system.frame_interval_ps"] == "--frame-interval")
        #expect(c.source.overriddenKeys.count == 15)
        // Overridden keys no longer count as defaulted.
        #expect(!c.source.defaultedKeys.contains("soap.n_max"))
        #expect(c.source.defaultedKeys.contains("lens.clip"))
        // The rendering carries the overridden values.
        let back = try SystemConfiguration.parse(text: c.tomlText)
        #expect(back == c)
    }

    @Test func emptyOverridesChangeNothing() throws {
        var c = try minimal()
        let before = c
        #expect(ConfigurationOverrides().isEmpty)
        try c.apply(ConfigurationOverrides())
        #expect(c == before && c.source == before.source)
    }

    @Test func lensEnvironmentOverrideAcceptsCentres() throws {
        var c = try SystemConfiguration.parse(text: S.minimal + "\n[selection]\nlens_environment = \"all\"\n")
        #expect(c.selection.lensEnvironment == .selection(.all))
        try c.apply(ConfigurationOverrides(lensEnvironment: "centres"))
        #expect(c.selection.lensEnvironment == .centres)
    }

    private func overrideError(_ o: ConfigurationOverrides, on text: String = S.minimal) -> ConfigurationError? {
        do {
            var c = try SystemConfiguration.parse(text: text, file: "t.toml")
            let before = c
            do {
                try c.apply(o)
            } catch {
                #expect(c == before && c.source == before.source, "a failed apply leaves the configuration unchanged")
                return error
            }
            return nil
        } catch {
            Issue.record("the base configuration must parse: \(error)")
            return nil
        }
    }

    @Test func badOverridesNameTheOption() {
        #expect(overrideError(.init(window: 2)) == .badOverride(option: "--window", key: "lens.window", reason: "must be ≥ 3 frames, got 2"))
        #expect(
            overrideError(.init(polyorder: 20))
                == .badOverride(
                    option: "--polyorder", key: "lens.polyorder",
                    reason: "the Savitzky–Golay window (20) must exceed polyorder (20): window ≥ polyorder + 1"))
        #expect(overrideError(.init(rCut: 0.5)) == .badOverride(option: "--rcut", key: "soap.r_cut", reason: "must be > 1 Å (dscribe's lower bound), got 0.5"))
        #expect(
            overrideError(.init(frameIntervalPS: -1))
                == .badOverride(option: "--frame-interval", key: "system.frame_interval_ps", reason: "must be a positive number of ps, got -1.0"))
        #expect(overrideError(.init(lMax: 30)) == .badOverride(option: "--lmax", key: "soap.l_max", reason: "must be in 0…20, got 30"))
        #expect(
            overrideError(.init(centres: "z >"))
                == .badOverride(option: "--centres", key: "selection.centres", reason: "selection 'z >', column 4: a number (Å) must follow 'z >'"))
        #expect(
            overrideError(.init(layout: "dense"))
                == .badOverride(option: "--layout", key: "soap.layout", reason: "expected one of full, compressed, got 'dense'"))
        #expect(
            overrideError(.init(mode: "both"))
                == .badOverride(option: "--mode", key: "features.mode", reason: "expected one of soap+lens, soap, lens, got 'both'"))
        #expect(
            overrideError(.init(clustering: "dbscan"))
                == .badOverride(option: "--clustering", key: "clustering.method", reason: "expected one of hdbscan, gmm, kmeans, got 'dbscan'"))
    }

    @Test func aFileErrorUncoveredByAnOverrideNamesTheFileLine() {
        // The file's polyorder (line 11) meets an overridden window: the override is blamed.
        let text = S.minimal.replacingOccurrences(of: "window = 20", with: "window = 20\npolyorder = 5")
        #expect(
            overrideError(.init(window: 5), on: text)
                == .badOverride(
                    option: "--window", key: "lens.window",
                    reason: "the Savitzky–Golay window (5) must exceed polyorder (5): window ≥ polyorder + 1"))
    }

    @Test func modeOverridesChangeWhatIsRequired() throws {
        // Switching to HDBSCAN* without a [clustering.hdbscan] table.
        #expect(overrideError(.init(clustering: "hdbscan")) == .missingKey(file: "t.toml", key: "clustering.hdbscan.min_cluster_size"))
        // A LENS-only file cannot be switched to SOAP without soap.r_cut.
        let lensOnly = "[system]\nname = \"l\"\nframe_interval_ps = 1\n[features]\nmode = \"lens\"\n[lens]\nr_cut = 3\nwindow = 5\n"
        #expect(overrideError(.init(mode: "soap+lens"), on: lensOnly) == .missingKey(file: "t.toml", key: "soap.r_cut"))
        // ...but --rcut supplies it; PCA is still missing.
        #expect(overrideError(.init(rCut: 3, mode: "soap+lens"), on: lensOnly) == .missingKey(file: "t.toml", key: "pca.variance"))
        // And a full configuration can be switched to LENS only.
        var c = try minimal()
        try c.apply(.init(mode: "lens"))
        #expect(c.features.mode == .lens)
    }
}
