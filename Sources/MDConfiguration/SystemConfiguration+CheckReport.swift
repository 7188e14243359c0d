extension SystemConfiguration {
    /// What `soaplens check-config FILE` prints for a valid configuration: what it configures,
    /// in words and units; the reserved sections that this version ignores; the defaults that
    /// were filled in (keys of sections the mode does not use are not listed); and the keys
    /// overridden on the command line.
    public func checkReport() -> String {
        var out: [String] = []
        let mode = features.mode
        out.append("\(source.file): valid configuration for '\(system.name)'")
        var systemLine = "  system: Δt = \(number(system.frameIntervalPS)) ps between analysed frames"
        if !system.species.isEmpty {
            systemLine += "; species " + system.species.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
        out.append(systemLine)

        switch mode {
        case .soapAndLens:
            out.append(
                "  features: soap+lens — χ = (\(soap.normalised ? "unit-norm " : "")SOAP spectrum, smoothed\(lens.clip ? " and clipped" : "") LENS of the following interval)")
        case .soap: out.append("  features: soap — SOAP spectra only")
        case .lens: out.append("  features: lens — smoothed LENS only, classified by [lens_classes]")
        }

        let lensEnv: String
        switch selection.lensEnvironment {
        case .centres: lensEnv = "the centres"
        case .selection(let s): lensEnv = "'\(s)'"
        }
        var selectionLine = "  selection: centres '\(selection.centres)'"
        if mode.usesSoap { selectionLine += "; SOAP environment '\(selection.soapEnvironment)'" }
        if mode.usesLens { selectionLine += "; LENS environment \(lensEnv)" }
        out.append(selectionLine + " (resolved on the first frame)")

        if mode.usesSoap, let r = soap.rCut {
            out.append(
                "  SOAP: r_cut \(number(r)) Å, n_max \(soap.nMax), l_max \(soap.lMax), σ \(number(soap.sigma)) Å, \(soap.layout.rawValue) layout, "
                    + (soap.normalised ? "unit-norm" : "not normalised"))
        }
        if mode.usesLens, let r = lens.rCut, let w = lens.window {
            let span = Double(w) * system.frameIntervalPS
            out.append(
                "  LENS: r_cut \(number(r)) Å, lag \(lens.lag) frame\(lens.lag == 1 ? "" : "s") (\(number(Double(lens.lag) * system.frameIntervalPS)) ps); "
                    + "Savitzky–Golay window \(w) frames (\(number(span)) ps), polyorder \(lens.polyorder)"
                    + (lens.clip ? ", clipped to [0, 1]" : ", not clipped")
                    + "; \(w / 2) intervals trimmed at each end")
        }
        if mode.usesPCAAndClustering {
            switch pca {
            case .variance(let v)?: out.append("  PCA: the fewest components with cumulative explained variance > \(number(v))")
            case .components(let n)?: out.append("  PCA: \(n) component\(n == 1 ? "" : "s")")
            case nil: break
            }
            switch clustering.method {
            case .hdbscan?:
                if let h = clustering.hdbscan {
                    out.append(
                        "  clustering: HDBSCAN* min_cluster_size \(h.minClusterSize), min_samples \(h.minSamples), \(h.selection.rawValue) selection, "
                            + (h.soft == .all ? "soft argmax for every point" : "soft argmax for noise points only"))
                }
            case .gmm?:
                if let g = clustering.gmm {
                    out.append(
                        "  clustering: Gaussian mixture, \(g.components) components (full covariance), tol \(number(g.tolerance)), "
                            + "max \(g.maxIterations) iterations, seed \(g.seed)")
                }
            case .kmeans?:
                if let k = clustering.kmeans {
                    out.append("  clustering: KMeans, \(k.clusters) clusters, n_init \(k.nInit), seed \(k.seed)")
                }
            case nil: break
            }
        } else {
            switch lensClasses {
            case .kmeans(let clusters, let nInit, let seed):
                out.append("  LENS classes: KMeans, \(clusters) clusters ordered by centre, n_init \(nInit), seed \(seed)")
            case .thresholds(let t):
                out.append("  LENS classes: thresholds " + t.map(number).joined(separator: ", "))
            }
        }
        out.append(
            merge.enabled
                ? "  merge: correlation distance, average linkage, cut at \(number(merge.cut))"
                : "  merge: off (micro clusters are the macro clusters)")
        if !macro.names.isEmpty {
            out.append("  macro names: " + macro.names.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }

        out.append(
            "  endpoints: frames \(endpoints.framesMode == .pull ? "PULL" : "SUB") \(endpoints.framesBind ? "binds" : "connects to") \(endpoints.frames); "
                + "alerts published on \(endpoints.alerts)"
                + (endpoints.statsEvery > 0 ? ", stats every \(endpoints.statsEvery) analysed frames" : ", stats at each run's end"))
        var loggingLine = "  logging: level \(logging.level)"
        if let p = logging.alertsJSONL { loggingLine += "; alert journal \(p)" }
        if let p = logging.summaryJSON { loggingLine += "; summary JSON \(p)" }
        out.append(loggingLine)
        if rules.rules.isEmpty {
            out.append("  rules: none (no alerts; stats only)")
        } else {
            out.append("  rules (storm above \(rules.maxAlertsPerFrame) alerts per frame):")
            for rule in rules.rules { out.append("    " + ruleLine(rule)) }
        }

        if !source.reservedSections.isEmpty {
            out.append(
                "reserved for later versions, ignored: " + source.reservedSections.map { "[\($0)]" }.joined(separator: ", "))
        }
        let defaults = source.defaultedKeys.filter(isUsed)
        if !defaults.isEmpty {
            out.append("defaults filled in: " + defaults.map { "\($0) = \(value(of: $0))" }.joined(separator: ", "))
        }
        if !source.overriddenKeys.isEmpty {
            out.append(
                "overridden on the command line: "
                    + source.overriddenKeys.sorted { $0.key < $1.key }.map { "\($0.key) = \(value(of: $0.key)) (\($0.value))" }
                    .joined(separator: ", "))
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// One rule in words: `edge-detachment [warning]: LENS > 0.3 for 3 frames, cooldown 50`.
    private func ruleLine(_ rule: Rule) -> String {
        let what: String
        switch rule.kind {
        case .transition:
            what = "macro " + rule.from.map(\.description).joined(separator: "|") + " → " + rule.to.map(\.description).joined(separator: "|")
        case .rareTransition: what = "a macro transition with fitted probability < \(number(rule.threshold ?? .nan))"
        case .lensBurst: what = "smoothed LENS > \(number(rule.threshold ?? .nan))"
        case .novelty: what = "novelty > \(number(rule.threshold ?? .nan))"
        }
        return "\(rule.name) [\(rule.severity.rawValue)]: \(what), held \(rule.persistence) analysed frame\(rule.persistence == 1 ? "" : "s"), cooldown \(rule.cooldown)"
    }

    /// Whether a key's section matters in the configured mode.
    private func isUsed(_ key: String) -> Bool {
        let mode = features.mode
        if key.hasPrefix("soap.") || key == "selection.soap_environment" { return mode.usesSoap }
        if key.hasPrefix("lens.") || key == "selection.lens_environment" { return mode.usesLens }
        if key.hasPrefix("clustering.") || key.hasPrefix("pca.") { return mode.usesPCAAndClustering }
        if key.hasPrefix("lens_classes.") { return !mode.usesPCAAndClustering }
        return true
    }

    /// The effective value of a key, as its TOML line shows it.
    private func value(of key: String) -> String {
        let prefix = key + " = "
        var table = ""
        for line in tomlText.split(separator: "\n") {
            if line.hasPrefix("[") {
                table = String(line.dropFirst().dropLast())
                continue
            }
            let full = table.isEmpty ? String(line) : table + "." + line
            if full.hasPrefix(prefix) { return String(full.dropFirst(prefix.count)) }
        }
        return "?"
    }

    private func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : "\(v)"
    }
}
