extension SystemConfiguration {
    /// The canonical TOML text of the effective configuration: every section this version
    /// interprets, every key with its default filled in, fixed order (that of
    /// `docs/configuration.md`), no comments. Keys that are absent and have no default
    /// (`soap.r_cut` in LENS-only mode, an unused clustering subtable, `[pca]` in LENS-only
    /// mode) are left out, so `parse(text: tomlText) == self`. Reserved sections are not
    /// rendered (they are not interpreted). This text is stored in model bundles.
    public var tomlText: String {
        var out = TOMLLines()

        out.section("system")
        out.key("name", TOMLWriter.string(system.name))
        out.key("frame_interval_ps", TOMLWriter.float(system.frameIntervalPS))
        if !system.species.isEmpty { out.key("species", TOMLWriter.inlineTable(system.species)) }

        out.section("selection")
        out.key("centres", TOMLWriter.string(selection.centres.description))
        out.key("soap_environment", TOMLWriter.string(selection.soapEnvironment.description))
        out.key("lens_environment", TOMLWriter.string(selection.lensEnvironment.description))

        out.section("features")
        out.key("mode", TOMLWriter.string(features.mode.rawValue))

        out.section("soap")
        if let r = soap.rCut { out.key("r_cut", TOMLWriter.float(r)) }
        out.key("n_max", "\(soap.nMax)")
        out.key("l_max", "\(soap.lMax)")
        out.key("sigma", TOMLWriter.float(soap.sigma))
        out.key("layout", TOMLWriter.string(soap.layout.rawValue))
        out.key("normalised", "\(soap.normalised)")

        out.section("lens")
        if let r = lens.rCut { out.key("r_cut", TOMLWriter.float(r)) }
        out.key("lag", "\(lens.lag)")
        if let w = lens.window { out.key("window", "\(w)") }
        out.key("polyorder", "\(lens.polyorder)")
        out.key("clip", "\(lens.clip)")

        switch pca {
        case .variance(let v)?:
            out.section("pca")
            out.key("variance", TOMLWriter.float(v))
        case .components(let n)?:
            out.section("pca")
            out.key("components", "\(n)")
        case nil:
            break
        }

        out.section("clustering")
        if let m = clustering.method { out.key("method", TOMLWriter.string(m.rawValue)) }
        if let h = clustering.hdbscan {
            out.section("clustering.hdbscan")
            out.key("min_cluster_size", "\(h.minClusterSize)")
            out.key("min_samples", "\(h.minSamples)")
            out.key("selection", TOMLWriter.string(h.selection.rawValue))
            out.key("soft", TOMLWriter.string(h.soft.rawValue))
        }
        if let g = clustering.gmm {
            out.section("clustering.gmm")
            out.key("components", "\(g.components)")
            out.key("tolerance", TOMLWriter.float(g.tolerance))
            out.key("max_iterations", "\(g.maxIterations)")
            out.key("seed", "\(g.seed)")
        }
        if let k = clustering.kmeans {
            out.section("clustering.kmeans")
            out.key("clusters", "\(k.clusters)")
            out.key("n_init", "\(k.nInit)")
            out.key("seed", "\(k.seed)")
        }

        out.section("lens_classes")
        switch lensClasses {
        case .kmeans(let clusters, let nInit, let seed):
            out.key("clusters", "\(clusters)")
            out.key("n_init", "\(nInit)")
            out.key("seed", "\(seed)")
        case .thresholds(let t):
            out.key("thresholds", "[" + t.map(TOMLWriter.float).joined(separator: ", ") + "]")
        }

        out.section("merge")
        out.key("enabled", "\(merge.enabled)")
        out.key("cut", TOMLWriter.float(merge.cut))

        out.section("macro")
        out.key("names", TOMLWriter.inlineTable(macro.names))

        return out.text
    }
}
