extension SystemConfiguration {
    /// The canonical TOML text of the effective configuration: every section this version
    /// interprets, every key with its default filled in, fixed order (that of
    /// `docs/configuration.md`), no comments. Keys that are absent and have no default
    /// (`soap.r_cut` in LENS-only mode, an unused clustering subtable, `[pca]` in LENS-only
    /// mode) are left out, so `parse(text: tomlText) == self`. Reserved sections are not
    /// rendered (they are not interpreted). This text is stored in model bundles.
    public var tomlText: String {
        var lines: [String] = []
        func section(_ name: String) {
            if !lines.isEmpty { lines.append("") }
            lines.append("[\(name)]")
        }
        func key(_ k: String, _ v: String) { lines.append("\(k) = \(v)") }

        section("system")
        key("name", TOMLWriter.string(system.name))
        key("frame_interval_ps", TOMLWriter.float(system.frameIntervalPS))
        if !system.species.isEmpty { key("species", TOMLWriter.inlineTable(system.species)) }

        section("selection")
        key("centres", TOMLWriter.string(selection.centres.description))
        key("soap_environment", TOMLWriter.string(selection.soapEnvironment.description))
        key("lens_environment", TOMLWriter.string(selection.lensEnvironment.description))

        section("features")
        key("mode", TOMLWriter.string(features.mode.rawValue))

        section("soap")
        if let r = soap.rCut { key("r_cut", TOMLWriter.float(r)) }
        key("n_max", "\(soap.nMax)")
        key("l_max", "\(soap.lMax)")
        key("sigma", TOMLWriter.float(soap.sigma))
        key("layout", TOMLWriter.string(soap.layout.rawValue))
        key("normalised", "\(soap.normalised)")

        section("lens")
        if let r = lens.rCut { key("r_cut", TOMLWriter.float(r)) }
        key("lag", "\(lens.lag)")
        if let w = lens.window { key("window", "\(w)") }
        key("polyorder", "\(lens.polyorder)")
        key("clip", "\(lens.clip)")

        switch pca {
        case .variance(let v)?:
            section("pca")
            key("variance", TOMLWriter.float(v))
        case .components(let n)?:
            section("pca")
            key("components", "\(n)")
        case nil:
            break
        }

        section("clustering")
        if let m = clustering.method { key("method", TOMLWriter.string(m.rawValue)) }
        if let h = clustering.hdbscan {
            section("clustering.hdbscan")
            key("min_cluster_size", "\(h.minClusterSize)")
            key("min_samples", "\(h.minSamples)")
            key("selection", TOMLWriter.string(h.selection.rawValue))
            key("soft", TOMLWriter.string(h.soft.rawValue))
        }
        if let g = clustering.gmm {
            section("clustering.gmm")
            key("components", "\(g.components)")
            key("tolerance", TOMLWriter.float(g.tolerance))
            key("max_iterations", "\(g.maxIterations)")
            key("seed", "\(g.seed)")
        }
        if let k = clustering.kmeans {
            section("clustering.kmeans")
            key("clusters", "\(k.clusters)")
            key("n_init", "\(k.nInit)")
            key("seed", "\(k.seed)")
        }

        section("lens_classes")
        switch lensClasses {
        case .kmeans(let clusters, let nInit, let seed):
            key("clusters", "\(clusters)")
            key("n_init", "\(nInit)")
            key("seed", "\(seed)")
        case .thresholds(let t):
            key("thresholds", "[" + t.map(TOMLWriter.float).joined(separator: ", ") + "]")
        }

        section("merge")
        key("enabled", "\(merge.enabled)")
        key("cut", TOMLWriter.float(merge.cut))

        section("macro")
        key("names", TOMLWriter.inlineTable(macro.names))

        return lines.joined(separator: "\n") + "\n"
    }
}
