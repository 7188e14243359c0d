import MDConfiguration
import MDCore
import Testing

@Suite struct SystemConfigurationTests {
    private typealias S = ConfigurationTestSupport

    @Test func defaultsAreFilledIn() throws {
        let c = try SystemConfiguration.parse(text: S.minimal, file: "m.toml")
        #expect(c.system == .init(name: "test", frameIntervalPS: 2.5, species: [:]))
        #expect(c.selection.centres == .all)
        #expect(c.selection.soapEnvironment == .all)
        #expect(c.selection.lensEnvironment == .centres)
        #expect(c.features.mode == .soapAndLens)
        #expect(c.soap == .init(rCut: 6, nMax: 8, lMax: 8, sigma: 1, layout: .full, normalised: true))
        #expect(c.lens == .init(rCut: 5.5, lag: 1, window: 20, polyorder: 2, clip: true))
        #expect(c.pca == .variance(0.995))
        #expect(c.clustering == .init(method: .kmeans, kmeans: .init(clusters: 4, nInit: 10, seed: 0)))
        #expect(c.lensClasses == .kmeans(clusters: 3, nInit: 10, seed: 666))
        #expect(c.merge == .init(enabled: true, cut: 1))
        #expect(c.macro.names.isEmpty)
        #expect(c.reservedSections.isEmpty)
        #expect(c.source.file == "m.toml")
        #expect(
            c.source.defaultedKeys == [
                "selection.centres", "selection.soap_environment", "selection.lens_environment", "features.mode", "soap.n_max",
                "soap.l_max", "soap.sigma", "soap.layout", "soap.normalised", "lens.lag", "lens.polyorder", "lens.clip",
                "clustering.kmeans.n_init", "clustering.kmeans.seed", "lens_classes.clusters", "lens_classes.n_init",
                "lens_classes.seed", "merge.enabled", "merge.cut",
            ])
    }

    @Test func subtableDefaults() throws {
        let text = S.minimal + "\n[clustering.hdbscan]\nmin_cluster_size = 80\n[clustering.gmm]\ncomponents = 3\n"
        let c = try SystemConfiguration.parse(text: text)
        #expect(c.clustering.hdbscan == .init(minClusterSize: 80, minSamples: 80, selection: .eom, soft: .all))
        #expect(c.clustering.gmm == .init(components: 3, tolerance: 1e-9, maxIterations: 1000, seed: 0))
        #expect(c.source.defaultedKeys.contains("clustering.hdbscan.min_samples"))
        let explicit = try SystemConfiguration.parse(
            text: S.minimal + "\n[clustering.hdbscan]\nmin_cluster_size = 80\nmin_samples = 5\nselection = \"leaf\"\nsoft = \"noise\"\n")
        #expect(explicit.clustering.hdbscan == .init(minClusterSize: 80, minSamples: 5, selection: .leaf, soft: .noise))
        #expect(!explicit.source.defaultedKeys.contains("clustering.hdbscan.min_samples"))
    }

    @Test func explicitValuesOfEverySection() throws {
        let text = """
            [system]
            name = "ice"
            frame_interval_ps = 100
            species = { 1 = "O", 2 = "H" }
            [selection]
            centres = "element O and z > 3"
            soap_environment = "element O H"
            lens_environment = "type 1"
            [features]
            mode = "soap"
            [soap]
            r_cut = 6
            n_max = 4
            l_max = 6
            sigma = 0.5
            layout = "compressed"
            normalised = false
            [lens]
            r_cut = 3.5
            lag = 2
            window = 21
            polyorder = 3
            clip = false
            [pca]
            components = 5
            [clustering]
            method = "gmm"
            [clustering.gmm]
            components = 3
            tolerance = 1e-6
            max_iterations = 50
            seed = 42
            [lens_classes]
            thresholds = [0.1, 0.25, 0.5]
            [merge]
            enabled = false
            cut = 0.5
            [macro]
            names = { 0 = "ice", 2 = "liquid" }
            """
        let c = try SystemConfiguration.parse(text: text)
        #expect(c.system.species == [1: "O", 2: "H"])
        #expect(c.system.frameIntervalPS == 100)
        #expect(c.selection.centres == .and(.elements(["O"]), .coordinate(axis: 2, comparison: .greater, value: 3)))
        #expect(c.selection.soapEnvironment == .elements(["O", "H"]))
        #expect(c.selection.lensEnvironment == .selection(.types([1])))
        #expect(c.features.mode == .soap)
        #expect(c.soap == .init(rCut: 6, nMax: 4, lMax: 6, sigma: 0.5, layout: .compressed, normalised: false))
        #expect(c.lens == .init(rCut: 3.5, lag: 2, window: 21, polyorder: 3, clip: false))
        #expect(c.pca == .components(5))
        #expect(c.clustering == .init(method: .gmm, gmm: .init(components: 3, tolerance: 1e-6, maxIterations: 50, seed: 42)))
        #expect(c.lensClasses == .thresholds([0.1, 0.25, 0.5]))
        #expect(c.merge == .init(enabled: false, cut: 0.5))
        #expect(c.macro.names == [0: "ice", 2: "liquid"])
        #expect(c.source.defaultedKeys.isEmpty)
        try roundTrip(c)
    }

    /// parse(render(c)) == c, and rendering is a fixed point.
    private func roundTrip(_ c: SystemConfiguration, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let text = c.tomlText
        let back = try SystemConfiguration.parse(text: text, file: "rendered.toml")
        #expect(back == c, sourceLocation: sourceLocation)
        #expect(back.tomlText == text, sourceLocation: sourceLocation)
        #expect(c.description == text + "\n" + c.runtimeTOMLText, sourceLocation: sourceLocation)
        let full = try SystemConfiguration.parse(text: c.canonicalTOMLText, file: "rendered.toml")
        #expect(full == c && full.canonicalTOMLText == c.canonicalTOMLText, sourceLocation: sourceLocation)
        // Every key is written: nothing is left to defaults.
        #expect(back.source.defaultedKeys.isEmpty, "defaulted: \(back.source.defaultedKeys)", sourceLocation: sourceLocation)
    }

    @Test func roundTripOfUnusualValues() throws {
        var c = try SystemConfiguration.parse(text: S.minimal)
        c.system.name = "quote \" backslash \\ tab\t newline\n unicode Å ∆ \u{1}"
        c.system.frameIntervalPS = 0.1 + 0.2  // 0.30000000000000004
        c.selection.centres = try Selection(parsing: "(z > 12.5 and not type 2) or id 1-5 7")
        c.selection.lensEnvironment = .selection(.all)
        c.soap.sigma = 1e-3
        c.lens.rCut = 1e16
        c.pca = .components(12)
        c.clustering.hdbscan = .init(minClusterSize: 7)
        c.lensClasses = .thresholds([-0.5, 0, 1e-9])
        c.macro.names = [0: "bulk", 3: "step edge", 10: "adatom \"hopping\""]
        c.system.species = [1: "Cu", 2: "O", 10: "H"]
        try c.validate()
        try roundTrip(c)
    }

    @Test func renderingOmitsOnlyKeysWithoutValue() throws {
        let lensOnly = "[system]\nname = \"l\"\nframe_interval_ps = 1\n[features]\nmode = \"lens\"\n[lens]\nr_cut = 3\nwindow = 5\n"
        let c = try SystemConfiguration.parse(text: lensOnly)
        let text = c.tomlText
        #expect(!text.contains("[pca]"))
        #expect(!text.contains("method ="))
        #expect(!text.contains("[soap]\nr_cut"))
        #expect(text.contains("[soap]\nn_max = 8\n"))
        #expect(text.contains("[lens_classes]\nclusters = 3\nn_init = 10\nseed = 666\n"))
        try roundTrip(c)
    }

    @Test func canonicalTextOfTheMinimalConfiguration() throws {
        let c = try SystemConfiguration.parse(text: S.minimal)
        #expect(
            c.tomlText == """
                [system]
                name = "test"
                frame_interval_ps = 2.5

                [selection]
                centres = "all"
                soap_environment = "all"
                lens_environment = "centres"

                [features]
                mode = "soap+lens"

                [soap]
                r_cut = 6.0
                n_max = 8
                l_max = 8
                sigma = 1.0
                layout = "full"
                normalised = true

                [lens]
                r_cut = 5.5
                lag = 1
                window = 20
                polyorder = 2
                clip = true

                [pca]
                variance = 0.995

                [clustering]
                method = "kmeans"

                [clustering.kmeans]
                clusters = 4
                n_init = 10
                seed = 0

                [lens_classes]
                clusters = 3
                n_init = 10
                seed = 666

                [merge]
                enabled = true
                cut = 1.0

                [macro]
                names = {}

                """)
    }

    @Test func equalityIgnoresTheSource() throws {
        let a = try SystemConfiguration.parse(text: S.minimal, file: "a.toml")
        let b = try SystemConfiguration.parse(text: "# shifted\n\n" + S.minimal, file: "b.toml")
        #expect(a == b)
        #expect(a.source != b.source)
        var d = a
        d.lens.clip = false
        #expect(d != a)
    }

    @Test func checkReportSaysWhatIsConfigured() throws {
        let text = "[logging]\nlevel = \"info\"\n" + S.minimal + "\n[archive]\npath = \"x.h5\"\n"
        var c = try SystemConfiguration.parse(text: text, file: "sys.toml")
        try c.apply(ConfigurationOverrides(window: 30))
        let report = c.checkReport()
        #expect(report.hasPrefix("sys.toml: valid configuration for 'test'\n"))
        #expect(report.contains("Δt = 2.5 ps"))
        #expect(report.contains("SOAP: r_cut 6 Å, n_max 8, l_max 8, σ 1 Å, full layout, unit-norm"))
        #expect(report.contains("Savitzky–Golay window 30 frames (75 ps), polyorder 2, clipped to [0, 1]; 15 intervals trimmed at each end"))
        #expect(report.contains("PCA: the fewest components with cumulative explained variance > 0.995"))
        #expect(report.contains("clustering: KMeans, 4 clusters, n_init 10, seed 0"))
        #expect(report.contains("reserved for later versions, ignored: [archive]\n"))
        #expect(report.contains("  logging: level info\n"))
        #expect(report.contains("  endpoints: frames SUB connects to tcp://127.0.0.1:5555; alerts published on tcp://127.0.0.1:5556, stats every 10 analysed frames\n"))
        #expect(report.contains("  rules: none (no alerts; stats only)\n"))
        #expect(report.contains("defaults filled in: selection.centres = \"all\", "))
        #expect(report.contains("soap.n_max = 8"))
        #expect(report.contains("merge.cut = 1.0"))
        // lens_classes is not used in soap+lens mode: its defaults are not listed.
        #expect(!report.contains("lens_classes.seed"))
        #expect(report.contains("overridden on the command line: lens.window = 30 (--window)\n"))
    }
}
