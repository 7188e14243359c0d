import MDArchive
import MDLearning

/// A fitted model in memory: everything `soaplens fit` learns and the online daemon needs to
/// assign new frames (conventions §4–§8), and its conversion to and from a ``ModelBundle``.
///
/// Bundle sections (besides the settings, configuration and selections of the bundle itself):
/// * `pca` (absent in LENS-only mode): `mean` d, `components` k × d, `explained_variance` k,
///   `explained_variance_ratio` k, `total_variance`, `n_samples`; attribute `rule`;
/// * `clustering`: see ``MicroClusterModel``;
/// * `transitions`: `micro_counts` and `macro_counts` (int64), `micro_probabilities` and
///   `macro_probabilities` (row-normalised, zero rows stay zero), square;
/// * `merge`: `micro_to_macro` (int64, one per micro cluster); with merging on, `linkage`
///   ((m − 1) × 4, SciPy's) and `cut`; attribute `enabled`;
/// * `populations`: `micro` and `macro` (int64): analysed rows per cluster in the fit;
/// * `novelty` (bundles from this version on): the calibration of the online novelty score,
///   see ``NoveltyModel``.
struct FittedModel: Sendable {
    /// The settings a user of the model must match (``ModelSettings``).
    var settings: [String: String]
    /// The effective configuration's canonical TOML.
    var configurationTOML: String
    var centreIDs: [Int64]
    var soapEnvironmentIDs: [Int64]
    var lensEnvironmentIDs: [Int64]
    /// nil in LENS-only mode.
    var pca: PCAModel?
    /// Text of the PCA component rule (`variance > 0.995`, `5 components`).
    var pcaRule: String
    var clustering: MicroClusterModel
    var microTransitions: TransitionMatrix
    var macroTransitions: TransitionMatrix
    var microToMacro: [Int]
    /// SciPy linkage of the merge ((m − 1) × 4), empty when merging is off.
    var linkage: [Double]
    /// The cut, nil when merging is off.
    var mergeCut: Double?
    var microPopulations: [Int]
    var macroPopulations: [Int]
    /// Default names of the macro clusters.
    var macroNames: [String]
    /// The novelty calibration (nil in bundles written before it existed).
    var novelty: NoveltyModel?

    var macroCount: Int { macroNames.count }

    /// The bundle, with `provenance` (not part of the model id).
    func bundle(provenance: [String: String]) -> ModelBundle {
        var sections: [String: [String: ModelArray]] = [:]
        var attributes: [String: [String: String]] = [:]
        if let pca {
            let k = pca.componentCount, d = pca.featureCount
            sections["pca"] = [
                "mean": .vector(pca.mean),
                "components": .matrix(pca.components, rows: k, columns: d),
                "explained_variance": .vector(pca.explainedVariance),
                "explained_variance_ratio": .vector(pca.explainedVarianceRatio),
                "total_variance": .vector([pca.totalVariance]),
                "n_samples": .integers([Int64(pca.sampleCount)]),
            ]
            attributes["pca"] = ["rule": pcaRule]
        }
        let (arrays, clusteringAttributes) = clustering.section
        sections["clustering"] = arrays
        attributes["clustering"] = clusteringAttributes
        let m = microTransitions.classCount, n = macroTransitions.classCount
        sections["transitions"] = [
            "micro_counts": .int64(shape: [m, m], values: microTransitions.counts.map(Int64.init)),
            "micro_probabilities": .matrix(microTransitions.probabilities, rows: m, columns: m),
            "macro_counts": .int64(shape: [n, n], values: macroTransitions.counts.map(Int64.init)),
            "macro_probabilities": .matrix(macroTransitions.probabilities, rows: n, columns: n),
        ]
        var merge: [String: ModelArray] = ["micro_to_macro": .integers(microToMacro.map(Int64.init))]
        if let mergeCut {
            merge["linkage"] = .matrix(linkage, rows: linkage.count / 4, columns: 4)
            merge["cut"] = .vector([mergeCut])
        }
        sections["merge"] = merge
        attributes["merge"] = ["enabled": mergeCut == nil ? "false" : "true"]
        if let novelty {
            let (arrays, noveltyAttributes) = novelty.section
            sections["novelty"] = arrays
            attributes["novelty"] = noveltyAttributes
        }
        sections["populations"] = [
            "micro": .integers(microPopulations.map(Int64.init)), "macro": .integers(macroPopulations.map(Int64.init)),
        ]
        return ModelBundle(
            settings: settings, configurationTOML: configurationTOML, centreIDs: centreIDs,
            soapEnvironmentIDs: soapEnvironmentIDs, lensEnvironmentIDs: lensEnvironmentIDs, sections: sections,
            sectionAttributes: attributes, macroNames: macroNames, provenance: provenance)
    }

    /// Restores a model from a bundle (read with ``ModelBundle/read(from:)``), checking that
    /// the parts agree with each other.
    init(bundle: ModelBundle) throws {
        func section(_ name: String) throws -> [String: ModelArray] {
            guard let s = bundle.sections[name] else { throw StageError("model bundle: section '\(name)' is missing") }
            return s
        }
        func array(_ section: [String: ModelArray], _ sectionName: String, _ name: String) throws -> ModelArray {
            guard let a = section[name] else { throw StageError("model bundle: \(sectionName)/\(name) is missing") }
            return a
        }
        func integers(_ section: [String: ModelArray], _ sectionName: String, _ name: String) throws -> [Int] {
            guard let v = try array(section, sectionName, name).integers else {
                throw StageError("model bundle: \(sectionName)/\(name) must be an integer array")
            }
            return v.map(Int.init)
        }
        settings = bundle.settings
        configurationTOML = bundle.configurationTOML
        centreIDs = bundle.centreIDs
        soapEnvironmentIDs = bundle.soapEnvironmentIDs
        lensEnvironmentIDs = bundle.lensEnvironmentIDs
        if let p = bundle.sections["pca"] {
            let ratio = try array(p, "pca", "explained_variance_ratio").doubles
            let mean = try array(p, "pca", "mean").doubles
            pca = try PCAModel(
                featureCount: mean.count, sampleCount: try integers(p, "pca", "n_samples").first ?? 0, mean: mean,
                components: try array(p, "pca", "components").doubles,
                explainedVariance: try array(p, "pca", "explained_variance").doubles, explainedVarianceRatio: ratio,
                totalVariance: try array(p, "pca", "total_variance").doubles.first ?? .nan)
            pcaRule = bundle.sectionAttributes["pca"]?["rule"] ?? ""
        } else {
            pca = nil
            pcaRule = ""
        }
        clustering = try MicroClusterModel(arrays: try section("clustering"), attributes: bundle.sectionAttributes["clustering"] ?? [:])
        if let pca, pca.componentCount != clustering.width {
            throw StageError("model bundle: the clustering works on \(clustering.width) numbers per row but PCA keeps \(pca.componentCount) components")
        }
        let t = try section("transitions")
        let m = clustering.classCount
        microTransitions = try TransitionMatrix(counts: try integers(t, "transitions", "micro_counts"), classCount: m)
        let merge = try section("merge")
        microToMacro = try integers(merge, "merge", "micro_to_macro")
        guard microToMacro.count == m, microToMacro.allSatisfy({ $0 >= 0 && $0 < bundle.macroNames.count }) else {
            throw StageError("model bundle: merge/micro_to_macro must map \(m) micro clusters into 0..<\(bundle.macroNames.count) (macro_names)")
        }
        macroTransitions = try TransitionMatrix(counts: try integers(t, "transitions", "macro_counts"), classCount: bundle.macroNames.count)
        if let cut = merge["cut"] {
            mergeCut = cut.doubles.first
            linkage = try array(merge, "merge", "linkage").doubles
        } else {
            mergeCut = nil
            linkage = []
        }
        let populations = try section("populations")
        microPopulations = try integers(populations, "populations", "micro")
        macroPopulations = try integers(populations, "populations", "macro")
        macroNames = bundle.macroNames
        novelty = try bundle.sections["novelty"].map { try NoveltyModel(arrays: $0, attributes: bundle.sectionAttributes["novelty"] ?? [:]) }
    }

    init(
        settings: [String: String], configurationTOML: String, centreIDs: [Int64], soapEnvironmentIDs: [Int64],
        lensEnvironmentIDs: [Int64], pca: PCAModel?, pcaRule: String, clustering: MicroClusterModel,
        microTransitions: TransitionMatrix, macroTransitions: TransitionMatrix, microToMacro: [Int], linkage: [Double],
        mergeCut: Double?, microPopulations: [Int], macroPopulations: [Int], macroNames: [String], novelty: NoveltyModel?
    ) {
        self.settings = settings
        self.configurationTOML = configurationTOML
        self.centreIDs = centreIDs
        self.soapEnvironmentIDs = soapEnvironmentIDs
        self.lensEnvironmentIDs = lensEnvironmentIDs
        self.pca = pca
        self.pcaRule = pcaRule
        self.clustering = clustering
        self.microTransitions = microTransitions
        self.macroTransitions = macroTransitions
        self.microToMacro = microToMacro
        self.linkage = linkage
        self.mergeCut = mergeCut
        self.microPopulations = microPopulations
        self.macroPopulations = macroPopulations
        self.macroNames = macroNames
        self.novelty = novelty
    }
}
