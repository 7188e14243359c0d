import Foundation
import MDCore

extension SystemConfiguration {
    /// Reads and parses the file at `path` (UTF-8 TOML); messages name the file by `path`.
    public static func load(path: String) throws(ConfigurationError) -> SystemConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try parse(text: text, file: path)
    }

    /// Parses and validates a configuration.
    ///
    /// Order of checks: TOML syntax; unknown sections and keys (the first in file order is
    /// reported); value types, enumerated strings and selections, section by section in the
    /// order of `docs/configuration.md`; then ``validate()`` (ranges, cross-key rules, keys
    /// required by the mode).
    /// - Parameter file: the name used in messages.
    public static func parse(text: String, file: String = "<configuration>") throws(ConfigurationError) -> SystemConfiguration {
        let root = try TOMLNode.parse(text: text, file: file)
        let locator = TOMLKeyLocator(text: text)
        if let first = ConfigurationSchema.unknownPaths(in: root, locator: locator).first {
            throw .unknownKey(file: file, line: locator.nearestLine(of: first), key: ConfigurationReader.dotted(first))
        }
        var r = ConfigurationReader(root: root, file: file, locator: locator)

        // [system]
        _ = try r.table(["system"])
        guard let name = try r.string(["system", "name"]) else { throw r.missing(["system", "name"]) }
        guard let interval = try r.float(["system", "frame_interval_ps"]) else { throw r.missing(["system", "frame_interval_ps"]) }
        var species: [Int: String] = [:]
        for (key, value) in r.inFileOrder(try r.table(["system", "species"]), under: ["system", "species"]) {
            let path = ["system", "species", key]
            guard let type = Int(key) else { throw r.bad(path, "keys are LAMMPS type numbers (1, 2, …), got '\(key)'") }
            guard case .string(let symbol) = value else { throw r.bad(path, "expected an element symbol, got \(value.kindDescription)") }
            guard species[type] == nil else { throw r.bad(path, "type \(type) is given twice") }
            species[type] = symbol
        }

        // [selection]
        _ = try r.table(["selection"])
        let centres = try r.selection(["selection", "centres"], default: .all)
        let soapEnvironment = try r.selection(["selection", "soap_environment"], default: .all)
        let lensEnvironment: LensEnvironment
        if let text = try r.string(["selection", "lens_environment"]) {
            lensEnvironment = try Self.lensEnvironment(text) { error in r.bad(["selection", "lens_environment"], error.description) }
        } else {
            r.noteDefault(["selection", "lens_environment"])
            lensEnvironment = .centres
        }

        // [features]
        _ = try r.table(["features"])
        let mode = try r.choice(["features", "mode"], default: FeatureMode.soapAndLens)

        // [soap]
        _ = try r.table(["soap"])
        let soap = Soap(
            rCut: try r.float(["soap", "r_cut"]),
            nMax: try r.integer(["soap", "n_max"], default: 8),
            lMax: try r.integer(["soap", "l_max"], default: 8),
            sigma: try r.float(["soap", "sigma"], default: 1),
            layout: try r.choice(["soap", "layout"], default: SoapLayout.full),
            normalised: try r.bool(["soap", "normalised"], default: true))

        // [lens]
        _ = try r.table(["lens"])
        let lens = Lens(
            rCut: try r.float(["lens", "r_cut"]),
            lag: try r.integer(["lens", "lag"], default: 1),
            window: try r.integer(["lens", "window"]),
            polyorder: try r.integer(["lens", "polyorder"], default: 2),
            clip: try r.bool(["lens", "clip"], default: true))

        // [pca]
        _ = try r.table(["pca"])
        let variance = try r.float(["pca", "variance"])
        let components = try r.integer(["pca", "components"])
        let pca: PCA?
        switch (variance, components) {
        case (let v?, nil): pca = .variance(v)
        case (nil, let n?): pca = .components(n)
        case (nil, nil): pca = nil
        case (_?, _?):
            let later = locator.nearestLine(of: ["pca", "variance"]) > locator.nearestLine(of: ["pca", "components"]) ? "variance" : "components"
            throw r.bad(["pca", later], "give either pca.variance or pca.components, not both")
        }

        // [clustering]
        let clustering = try Self.readClustering(&r)

        // [lens_classes]
        let lensClasses = try Self.readLensClasses(&r)

        // [merge]
        _ = try r.table(["merge"])
        let merge = Merge(enabled: try r.bool(["merge", "enabled"], default: true), cut: try r.float(["merge", "cut"], default: 1))

        // [macro]
        _ = try r.table(["macro"])
        var names: [Int: String] = [:]
        for (key, value) in r.inFileOrder(try r.table(["macro", "names"]), under: ["macro", "names"]) {
            let path = ["macro", "names", key]
            guard let id = Int(key) else { throw r.bad(path, "keys are macro cluster ids (0, 1, …), got '\(key)'") }
            guard case .string(let text) = value else { throw r.bad(path, "expected a name (string), got \(value.kindDescription)") }
            guard names[id] == nil else { throw r.bad(path, "macro cluster \(id) is named twice") }
            names[id] = text
        }

        // Runtime sections (not part of a model).
        let endpoints = try Self.readEndpoints(&r)
        let logging = try Self.readLogging(&r)
        let rules = try Self.readRules(&r)

        // Reserved sections: tables or arrays of tables (`[[rules]]`), not interpreted.
        var reserved: [String] = []
        for (key, value) in root where ConfigurationSchema.reservedSections.contains(key) {
            switch value {
            case .table: break
            case .array(let items) where items.allSatisfy({ if case .table = $0 { true } else { false } }): break
            default: throw r.bad([key], "expected a table or an array of tables ([[\(key)]]), got \(value.kindDescription)")
            }
            reserved.append(key)
        }
        reserved.sort { (locator.nearestLine(of: [$0]), $0) < (locator.nearestLine(of: [$1]), $1) }

        let configuration = SystemConfiguration(
            system: System(name: name, frameIntervalPS: interval, species: species),
            selection: Selections(centres: centres, soapEnvironment: soapEnvironment, lensEnvironment: lensEnvironment),
            features: Features(mode: mode), soap: soap, lens: lens, pca: pca, clustering: clustering, lensClasses: lensClasses,
            merge: merge, macro: Macro(names: names), endpoints: endpoints, rules: rules, logging: logging,
            source: ConfigurationSource(file: file, locator: locator, reservedSections: reserved, defaultedKeys: r.defaulted))
        try configuration.validate()
        return configuration
    }

    /// `"centres"` or a selection.
    static func lensEnvironment(
        _ text: String, failure: (SelectionError) -> ConfigurationError
    ) throws(ConfigurationError) -> LensEnvironment {
        if text.trimmingCharacters(in: .whitespaces).lowercased() == "centres" { return .centres }
        do {
            return .selection(try Selection(parsing: text))
        } catch {
            throw failure(error)
        }
    }

    private static func readClustering(_ r: inout ConfigurationReader) throws(ConfigurationError) -> Clustering {
        _ = try r.table(["clustering"])
        var c = Clustering(method: try r.choice(["clustering", "method"], SystemConfiguration.ClusteringMethod.self))
        if try r.table(["clustering", "hdbscan"]) != nil {
            let p = ["clustering", "hdbscan"]
            guard let m = try r.integer(p + ["min_cluster_size"]) else { throw r.missing(p + ["min_cluster_size"]) }
            let samples = try r.integer(p + ["min_samples"])
            if samples == nil { r.noteDefault(p + ["min_samples"]) }
            c.hdbscan = HDBSCAN(
                minClusterSize: m, minSamples: samples,
                selection: try r.choice(p + ["selection"], default: HDBSCANClusterSelection.eom),
                soft: try r.choice(p + ["soft"], default: HDBSCANSoftAssignment.all))
        }
        if try r.table(["clustering", "gmm"]) != nil {
            let p = ["clustering", "gmm"]
            guard let k = try r.integer(p + ["components"]) else { throw r.missing(p + ["components"]) }
            c.gmm = GaussianMixture(
                components: k, tolerance: try r.float(p + ["tolerance"], default: 1e-9),
                maxIterations: try r.integer(p + ["max_iterations"], default: 1000), seed: try r.integer(p + ["seed"], default: 0))
        }
        if try r.table(["clustering", "kmeans"]) != nil {
            let p = ["clustering", "kmeans"]
            guard let k = try r.integer(p + ["clusters"]) else { throw r.missing(p + ["clusters"]) }
            c.kmeans = KMeans(clusters: k, nInit: try r.integer(p + ["n_init"], default: 10), seed: try r.integer(p + ["seed"], default: 0))
        }
        return c
    }

    private static func readLensClasses(_ r: inout ConfigurationReader) throws(ConfigurationError) -> LensClasses {
        let p = ["lens_classes"]
        _ = try r.table(p)
        if let thresholds = try r.floats(p + ["thresholds"]) {
            for key in ["clusters", "n_init", "seed"] where r.node(p + [key]) != nil {
                throw r.bad(p + [key], "give either lens_classes.thresholds or the KMeans keys (clusters, n_init, seed), not both")
            }
            return .thresholds(thresholds)
        }
        return .kmeans(
            clusters: try r.integer(p + ["clusters"], default: 3), nInit: try r.integer(p + ["n_init"], default: 10),
            seed: try r.integer(p + ["seed"], default: 666))
    }
}
