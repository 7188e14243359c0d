import Foundation
import MDConfiguration
import Testing

/// Every kind of ``ConfigurationError`` with the exact line and key it names. Snippets are
/// ``ConfigurationTestSupport/minimal`` (valid, 19 lines) with lines changed or appended, so
/// the expected line numbers can be read off.
@Suite struct ConfigurationErrorTests {
    private typealias S = ConfigurationTestSupport

    /// `minimal` with `extra` appended after its last line (line 19); the first appended line is 20.
    private func appended(_ extra: String) -> String { S.minimal + "\n" + extra }

    /// `minimal` with `old` replaced by `new`.
    private func replaced(_ old: String, _ new: String) -> String {
        precondition(S.minimal.contains(old))
        return S.minimal.replacingOccurrences(of: old, with: new)
    }

    @Test func descriptionsNameFileLineAndKey() {
        let e = ConfigurationError.badValue(file: "cu211.toml", line: 12, key: "lens.window", reason: "must be ≥ 3")
        #expect(e.description == "cu211.toml:12: lens.window: must be ≥ 3")
        #expect(ConfigurationError.unknownKey(file: "a.toml", line: 3, key: "lens.windw").description == "a.toml:3: unknown key 'lens.windw'")
        #expect(ConfigurationError.missingKey(file: "a.toml", key: "soap.r_cut").description == "a.toml: missing required key 'soap.r_cut'")
        #expect(
            ConfigurationError.badOverride(option: "--window", key: "lens.window", reason: "must be ≥ 3 frames, got 2").description
                == "command line --window (lens.window): must be ≥ 3 frames, got 2")
    }

    @Test func minimalIsValid() {
        #expect(S.error(S.minimal) == nil)
    }

    // MARK: - syntax

    @Test func syntaxErrorsCarryTOMLKitPositions() {
        #expect(
            S.error("[lens\nwindow = 1")
                == .syntax(file: "t.toml", line: 1, column: 6, message: "Error while parsing table header: expected ']', saw '\\n'"))
        guard case .syntax(_, let line, _, let message)? = S.error("[lens]\nwindow = 1\nwindow = 2") else {
            Issue.record("expected a syntax error")
            return
        }
        #expect(line == 3)
        #expect(message.contains("window"))
    }

    // MARK: - unknown keys

    @Test func unknownKeyInASection() {
        #expect(S.error(replaced("window = 20", "windw = 20")) == .unknownKey(file: "t.toml", line: 10, key: "lens.windw"))
    }

    @Test func unknownSection() {
        #expect(S.error(appended("\n[lense]\nwindow = 3")) == .unknownKey(file: "t.toml", line: 21, key: "lense"))
    }

    @Test func unknownTopLevelKey() {
        #expect(S.error("mode = \"soap\"\n" + S.minimal) == .unknownKey(file: "t.toml", line: 1, key: "mode"))
    }

    @Test func unknownSubtableHeader() {
        #expect(S.error(appended("[clustering.dbscan]\neps = 1")) == .unknownKey(file: "t.toml", line: 20, key: "clustering.dbscan"))
    }

    @Test func unknownDottedKey() {
        let text = replaced("method = \"kmeans\"", "method = \"kmeans\"\nhdbscan.min_size = 3")
        #expect(S.error(text) == .unknownKey(file: "t.toml", line: 17, key: "clustering.hdbscan.min_size"))
    }

    @Test func unknownKeyInsideAnInlineTable() {
        let text = replaced("[clustering.kmeans]\nclusters = 4", "kmeans = { clusters = 4, n_int = 10 }")
        #expect(S.error(text) == .unknownKey(file: "t.toml", line: 18, key: "clustering.kmeans.n_int"))
    }

    @Test func theFirstUnknownKeyInFileOrderIsReported() {
        let text = replaced("r_cut = 6.0", "r_cut = 6.0\nzz = 1\naa = 2")
        #expect(S.error(text) == .unknownKey(file: "t.toml", line: 7, key: "soap.zz"))
    }

    // MARK: - types

    @Test func stringWhereAnIntegerIsExpected() {
        #expect(
            S.error(replaced("window = 20", "window = \"20\""))
                == .badValue(file: "t.toml", line: 10, key: "lens.window", reason: "expected an integer, got the string \"20\""))
    }

    @Test func floatWhereAnIntegerIsExpected() {
        #expect(
            S.error(replaced("window = 20", "window = 20.5"))
                == .badValue(file: "t.toml", line: 10, key: "lens.window", reason: "expected an integer, got the floating-point number 20.5"))
        #expect(
            S.error(replaced("window = 20", "window = 20.0"))
                == .badValue(file: "t.toml", line: 10, key: "lens.window", reason: "expected an integer, got the floating-point number 20.0"))
    }

    @Test func integerWhereAFloatIsExpectedIsAccepted() throws {
        let c = try SystemConfiguration.parse(text: replaced("r_cut = 6.0", "r_cut = 6"))
        #expect(c.soap.rCut == 6.0)
    }

    @Test func wrongTypesOfOtherKinds() {
        #expect(
            S.error(appended("[merge]\nenabled = \"yes\""))
                == .badValue(file: "t.toml", line: 21, key: "merge.enabled", reason: "expected true or false, got the string \"yes\""))
        #expect(
            S.error(replaced("name = \"test\"", "name = 1979-05-27"))
                == .badValue(file: "t.toml", line: 2, key: "system.name", reason: "expected a string, got a date"))
        #expect(
            S.error(replaced("variance = 0.995", "variance = true"))
                == .badValue(file: "t.toml", line: 13, key: "pca.variance", reason: "expected a number, got the boolean true"))
        #expect(
            S.error("features = 3\n" + S.minimal)
                == .badValue(file: "t.toml", line: 1, key: "features", reason: "expected a table, got the integer 3"))
    }

    @Test func enumeratedChoices() {
        #expect(
            S.error(replaced("r_cut = 6.0", "r_cut = 6.0\nlayout = \"fulll\""))
                == .badValue(file: "t.toml", line: 7, key: "soap.layout", reason: "expected one of \"full\", \"compressed\", got \"fulll\""))
        #expect(
            S.error(replaced("method = \"kmeans\"", "method = \"dbscan\""))
                == .badValue(
                    file: "t.toml", line: 16, key: "clustering.method", reason: "expected one of \"hdbscan\", \"gmm\", \"kmeans\", got \"dbscan\""))
        #expect(
            S.error(appended("[features]\nmode = 2"))
                == .badValue(
                    file: "t.toml", line: 21, key: "features.mode", reason: "expected one of \"soap+lens\", \"soap\", \"lens\", got the integer 2"))
    }

    @Test func selectionSyntax() {
        #expect(
            S.error(appended("[selection]\ncentres = \"z >> 3\""))
                == .badValue(
                    file: "t.toml", line: 21, key: "selection.centres",
                    reason: "selection 'z >> 3', column 4: a number (Å) must follow 'z >'"))
        guard case .badValue(_, let line, let key, _)? = S.error(appended("[selection]\nlens_environment = \"centers\"")) else {
            Issue.record("expected a bad value")
            return
        }
        #expect(line == 21)
        #expect(key == "selection.lens_environment")
    }

    // MARK: - ranges

    @Test func outOfRangeValues() {
        func reason(_ e: ConfigurationError?) -> (Int, String)? {
            if case .badValue(_, let line, let key, _)? = e { return (line, key) }
            return nil
        }
        let cases: [(String, Int, String)] = [
            (replaced("frame_interval_ps = 2.5", "frame_interval_ps = 0"), 3, "system.frame_interval_ps"),
            (replaced("frame_interval_ps = 2.5", "frame_interval_ps = nan"), 3, "system.frame_interval_ps"),
            (replaced("name = \"test\"", "name = \" \""), 2, "system.name"),
            (replaced("r_cut = 6.0", "r_cut = 1.0"), 6, "soap.r_cut"),
            (replaced("r_cut = 6.0", "r_cut = 6.0\nl_max = 21"), 7, "soap.l_max"),
            (replaced("r_cut = 6.0", "r_cut = 6.0\nn_max = 0"), 7, "soap.n_max"),
            (replaced("r_cut = 6.0", "r_cut = 6.0\nsigma = 0"), 7, "soap.sigma"),
            (replaced("r_cut = 5.5", "r_cut = -1"), 9, "lens.r_cut"),
            (replaced("window = 20", "window = 2"), 10, "lens.window"),
            (replaced("window = 20", "window = 20\nlag = 0"), 11, "lens.lag"),
            (replaced("window = 20", "window = 20\npolyorder = -1"), 11, "lens.polyorder"),
            (replaced("variance = 0.995", "variance = 1.0"), 13, "pca.variance"),
            (replaced("variance = 0.995", "variance = 0"), 13, "pca.variance"),
            (replaced("variance = 0.995", "components = 0"), 13, "pca.components"),
            (replaced("clusters = 4", "clusters = 0"), 19, "clustering.kmeans.clusters"),
            (appended("seed = -1"), 20, "clustering.kmeans.seed"),
            (appended("seed = 4294967296"), 20, "clustering.kmeans.seed"),
            (appended("[clustering.hdbscan]\nmin_cluster_size = 1"), 21, "clustering.hdbscan.min_cluster_size"),
            (appended("[clustering.gmm]\ncomponents = 3\ntolerance = 0"), 22, "clustering.gmm.tolerance"),
            (appended("[merge]\ncut = 0"), 21, "merge.cut"),
            (appended("[merge]\ncut = 2.5"), 21, "merge.cut"),
            (appended("[lens_classes]\nclusters = 1"), 21, "lens_classes.clusters"),
            (appended("[lens_classes]\nthresholds = [0.1, 0.1]"), 21, "lens_classes.thresholds"),
            (appended("[lens_classes]\nthresholds = []"), 21, "lens_classes.thresholds"),
        ]
        for (text, line, key) in cases {
            let got = reason(S.error(text))
            #expect(got?.0 == line && got?.1 == key, "\(key): got \(String(describing: S.error(text)))")
        }
        #expect(
            S.error(appended("[merge]\ncut = 2.5"))
                == .badValue(file: "t.toml", line: 21, key: "merge.cut", reason: "must be in (0, 2] (correlation distances lie in [0, 2]), got 2.5"))
        #expect(S.error(appended("[merge]\ncut = 2")) == nil)
    }

    @Test func savitzkyGolayWindowRule() throws {
        // window ≥ polyorder + 1 (SciPy: polyorder < window_length), both parities.
        #expect(
            S.error(replaced("window = 20", "window = 4\npolyorder = 4"))
                == .badValue(
                    file: "t.toml", line: 10, key: "lens.window",
                    reason: "the Savitzky–Golay window (4) must exceed polyorder (4): window ≥ polyorder + 1"))
        #expect(S.error(replaced("window = 20", "window = 5\npolyorder = 4")) == nil)
        #expect(try SystemConfiguration.parse(text: replaced("window = 20", "window = 21")).lens.window == 21)
        #expect(try SystemConfiguration.parse(text: replaced("window = 20", "window = 3")).lens.window == 3)
    }

    @Test func bothVarianceAndComponents() {
        #expect(
            S.error(replaced("variance = 0.995", "variance = 0.995\ncomponents = 5"))
                == .badValue(file: "t.toml", line: 14, key: "pca.components", reason: "give either pca.variance or pca.components, not both"))
        #expect(
            S.error(replaced("variance = 0.995", "components = 5\nvariance = 0.995"))
                == .badValue(file: "t.toml", line: 14, key: "pca.variance", reason: "give either pca.variance or pca.components, not both"))
    }

    @Test func lensClassThresholdsAndKMeansKeysExcludeEachOther() {
        #expect(
            S.error(appended("[lens_classes]\nthresholds = [0.1, 0.3]\nseed = 1"))
                == .badValue(
                    file: "t.toml", line: 22, key: "lens_classes.seed",
                    reason: "give either lens_classes.thresholds or the KMeans keys (clusters, n_init, seed), not both"))
        #expect(
            S.error(appended("[lens_classes]\nthresholds = [0.1, \"x\"]"))
                == .badValue(file: "t.toml", line: 21, key: "lens_classes.thresholds", reason: "element 2: expected a number, got the string \"x\""))
        #expect(
            S.error(appended("[lens_classes]\nthresholds = [0.3,\n  0.1]"))
                == .badValue(file: "t.toml", line: 21, key: "lens_classes.thresholds", reason: "must be strictly ascending, got 0.3 then 0.1"))
    }

    @Test func speciesTable() {
        #expect(
            S.error(replaced("frame_interval_ps = 2.5", "frame_interval_ps = 2.5\nspecies = { 1 = \"Cu\", 2 = \"Cx\" }"))
                == .badValue(file: "t.toml", line: 4, key: "system.species.2", reason: "'Cx' is not an element symbol"))
        #expect(
            S.error(replaced("frame_interval_ps = 2.5", "frame_interval_ps = 2.5\nspecies = { Cu = 1 }"))
                == .badValue(file: "t.toml", line: 4, key: "system.species.Cu", reason: "keys are LAMMPS type numbers (1, 2, …), got 'Cu'"))
        #expect(
            S.error(replaced("frame_interval_ps = 2.5", "frame_interval_ps = 2.5\nspecies = { 0 = \"Cu\" }"))
                == .badValue(file: "t.toml", line: 4, key: "system.species.0", reason: "LAMMPS type numbers start at 1, got 0"))
        // "01" is type 1 but not the key "1": the line falls back to the [system.species] header.
        #expect(
            S.error(appended("[system.species]\n\n01 = \"Xx\""))
                == .badValue(file: "t.toml", line: 20, key: "system.species.1", reason: "'Xx' is not an element symbol"))
        #expect(
            S.error(appended("[system.species]\n1 = \"Cu\"\n01 = \"Cu\""))
                == .badValue(file: "t.toml", line: 22, key: "system.species.01", reason: "type 1 is given twice"))
    }

    @Test func macroNames() {
        #expect(
            S.error(appended("[macro]\nnames = { 0 = \"bulk\", 3 = \" \" }"))
                == .badValue(file: "t.toml", line: 21, key: "macro.names.3", reason: "the name must not be empty"))
        #expect(
            S.error(appended("[macro]\nnames = { edge = \"x\" }"))
                == .badValue(file: "t.toml", line: 21, key: "macro.names.edge", reason: "keys are macro cluster ids (0, 1, …), got 'edge'"))
        #expect(
            S.error(appended("[macro.names]\n0 = 5"))
                == .badValue(file: "t.toml", line: 21, key: "macro.names.0", reason: "expected a name (string), got the integer 5"))
    }

    // MARK: - missing keys

    @Test func missingKeysForTheMode() {
        #expect(S.error(replaced("[soap]\nr_cut = 6.0", "")) == .missingKey(file: "t.toml", key: "soap.r_cut"))
        #expect(S.error(replaced("method = \"kmeans\"", "")) == .missingKey(file: "t.toml", key: "clustering.method"))
        #expect(S.error(replaced("window = 20", "")) == .missingKey(file: "t.toml", key: "lens.window"))
        #expect(S.error(replaced("r_cut = 5.5", "")) == .missingKey(file: "t.toml", key: "lens.r_cut"))
        #expect(S.error(replaced("[pca]\nvariance = 0.995", "")) == .missingKey(file: "t.toml", key: "pca.variance"))
        #expect(S.error(replaced("name = \"test\"", "")) == .missingKey(file: "t.toml", key: "system.name"))
        #expect(S.error(replaced("frame_interval_ps = 2.5", "")) == .missingKey(file: "t.toml", key: "system.frame_interval_ps"))
        #expect(
            S.error(replaced("[clustering.kmeans]\nclusters = 4", "")) == .missingKey(file: "t.toml", key: "clustering.kmeans.clusters"))
        #expect(
            S.error(replaced("clusters = 4", "n_init = 3")) == .missingKey(file: "t.toml", key: "clustering.kmeans.clusters"))
        #expect(S.error(appended("[clustering.gmm]\nseed = 3")) == .missingKey(file: "t.toml", key: "clustering.gmm.components"))
        #expect(
            S.error(replaced("method = \"kmeans\"", "method = \"hdbscan\""))
                == .missingKey(file: "t.toml", key: "clustering.hdbscan.min_cluster_size"))
    }

    @Test func modesNeedOnlyTheirOwnKeys() throws {
        // LENS only: no SOAP cutoff, PCA or clustering needed.
        let lensOnly = "[system]\nname = \"l\"\nframe_interval_ps = 1\n[features]\nmode = \"lens\"\n[lens]\nr_cut = 3\nwindow = 5\n"
        let c = try SystemConfiguration.parse(text: lensOnly)
        #expect(c.soap.rCut == nil && c.pca == nil && c.clustering.method == nil)
        // SOAP only: no LENS keys needed.
        let soapOnly = "[system]\nname = \"s\"\nframe_interval_ps = 1\n[features]\nmode = \"soap\"\n[soap]\nr_cut = 3\n"
            + "[pca]\ncomponents = 2\n[clustering]\nmethod = \"gmm\"\n[clustering.gmm]\ncomponents = 2\n"
        let s = try SystemConfiguration.parse(text: soapOnly)
        #expect(s.lens.rCut == nil && s.lens.window == nil)
        #expect(S.error(soapOnly.replacingOccurrences(of: "[soap]\nr_cut = 3\n", with: "")) == .missingKey(file: "t.toml", key: "soap.r_cut"))
        // Unused sections are still validated.
        #expect(
            S.error(lensOnly + "[pca]\nvariance = 2\n")
                == .badValue(file: "t.toml", line: 10, key: "pca.variance", reason: "must be in (0, 1), got 2.0"))
    }

    // MARK: - reserved sections, unreadable files

    @Test func reservedSectionsAreAcceptedAndReported() throws {
        let c = try SystemConfiguration.parse(text: "[archive]\npath = \"x.h5\"\n\n" + S.minimal)
        #expect(c.reservedSections == ["archive"])
        #expect(
            S.error(appended("archive = 3"))
                == .unknownKey(file: "t.toml", line: 20, key: "clustering.kmeans.archive"))
        #expect(
            S.error("archive = 3\n" + S.minimal)
                == .badValue(file: "t.toml", line: 1, key: "archive", reason: "expected a table or an array of tables ([[archive]]), got the integer 3"))
        let archives = try SystemConfiguration.parse(text: S.minimal + "\n[[archive]]\nwhen = \"a\"\n[[archive]]\nwhen = \"b\"\n")
        #expect(archives.reservedSections == ["archive"])
        // [endpoints], [logging] and [rules] are interpreted now: their keys are checked.
        #expect(
            S.error("[logging]\nlevel = \"debug\"\n\n" + S.minimal + "\n[endpoints]\nfeed = \"tcp://x\"\n")
                == .unknownKey(file: "t.toml", line: 24, key: "endpoints.feed"))
    }

    @Test func unreadableFile() {
        let path = "/nonexistent-\(UInt64.random(in: 0...UInt64.max))/system.toml"
        do {
            _ = try SystemConfiguration.load(path: path)
            Issue.record("expected an error")
        } catch {
            guard case .unreadable(let file, let reason) = error else {
                Issue.record("expected unreadable, got \(error)")
                return
            }
            #expect(file == path)
            #expect(!reason.isEmpty)
        }
    }
}
