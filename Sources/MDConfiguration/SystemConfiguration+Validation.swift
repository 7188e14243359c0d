extension SystemConfiguration {
    /// Largest seed scikit-learn accepts for `random_state` (2³² − 1).
    public static let maximumSeed = 4_294_967_295

    /// Checks every value and the keys the mode needs; throws the first problem found.
    ///
    /// Order: `[system]`, `[soap]`, `[lens]`, `[pca]`, `[clustering]`, `[lens_classes]`,
    /// `[merge]`, `[macro]` ranges and cross-key rules, then the keys required by
    /// `features.mode`. A value set by a command-line override is reported as
    /// ``ConfigurationError/badOverride(option:key:reason:)``; any other as
    /// ``ConfigurationError/badValue(file:line:key:reason:)`` at the key's line (or its table's
    /// header line when the key took a default).
    ///
    /// Savitzky–Golay rule: `polyorder ≥ 0` and `window ≥ max(3, polyorder + 1)`. SciPy's
    /// `savgol_coeffs` only needs `polyorder < window_length` (any parity; `window ≥ 1`);
    /// a window below 3 does not smooth, so it is refused here.
    public func validate() throws(ConfigurationError) {
        // [system]
        if system.name.allSatisfy(\.isWhitespace) { throw failure("system.name", "must not be empty") }
        if !(system.frameIntervalPS.isFinite && system.frameIntervalPS > 0) {
            throw failure("system.frame_interval_ps", "must be a positive number of ps, got \(system.frameIntervalPS)")
        }
        for (type, symbol) in system.species.sorted(by: { $0.key < $1.key }) {
            let key = "system.species.\(type)"
            if type < 1 { throw failure(key, "LAMMPS type numbers start at 1, got \(type)") }
            if !ElementSymbols.all.contains(symbol) { throw failure(key, "'\(symbol)' is not an element symbol") }
        }

        // [soap]
        if let r = soap.rCut, !(r.isFinite && r > 1) { throw failure("soap.r_cut", "must be > 1 Å (dscribe's lower bound), got \(r)") }
        if soap.nMax < 1 { throw failure("soap.n_max", "must be ≥ 1, got \(soap.nMax)") }
        if !(0...20).contains(soap.lMax) { throw failure("soap.l_max", "must be in 0…20, got \(soap.lMax)") }
        if !(soap.sigma.isFinite && soap.sigma > 0) { throw failure("soap.sigma", "must be > 0 Å, got \(soap.sigma)") }

        // [lens]
        if let r = lens.rCut, !(r.isFinite && r > 0) { throw failure("lens.r_cut", "must be > 0 Å, got \(r)") }
        if lens.lag < 1 { throw failure("lens.lag", "must be ≥ 1 frame, got \(lens.lag)") }
        if lens.polyorder < 0 { throw failure("lens.polyorder", "must be ≥ 0, got \(lens.polyorder)") }
        if let w = lens.window {
            if w < 3 { throw failure("lens.window", "must be ≥ 3 frames, got \(w)") }
            if w < lens.polyorder + 1 {
                throw failure(
                    ["lens.window", "lens.polyorder"],
                    "the Savitzky–Golay window (\(w)) must exceed polyorder (\(lens.polyorder)): window ≥ polyorder + 1")
            }
        }

        // [pca]
        switch pca {
        case .variance(let v)? where !(v > 0 && v < 1): throw failure("pca.variance", "must be in (0, 1), got \(v)")
        case .components(let n)? where n < 1: throw failure("pca.components", "must be ≥ 1, got \(n)")
        default: break
        }

        // [clustering]
        if let h = clustering.hdbscan {
            if h.minClusterSize < 2 { throw failure("clustering.hdbscan.min_cluster_size", "must be ≥ 2, got \(h.minClusterSize)") }
            if h.minSamples < 1 { throw failure("clustering.hdbscan.min_samples", "must be ≥ 1, got \(h.minSamples)") }
        }
        if let g = clustering.gmm {
            if g.components < 1 { throw failure("clustering.gmm.components", "must be ≥ 1, got \(g.components)") }
            if !(g.tolerance.isFinite && g.tolerance > 0) { throw failure("clustering.gmm.tolerance", "must be > 0, got \(g.tolerance)") }
            if g.maxIterations < 1 { throw failure("clustering.gmm.max_iterations", "must be ≥ 1, got \(g.maxIterations)") }
            try checkSeed(g.seed, "clustering.gmm.seed")
        }
        if let k = clustering.kmeans {
            if k.clusters < 1 { throw failure("clustering.kmeans.clusters", "must be ≥ 1, got \(k.clusters)") }
            if k.nInit < 1 { throw failure("clustering.kmeans.n_init", "must be ≥ 1, got \(k.nInit)") }
            try checkSeed(k.seed, "clustering.kmeans.seed")
        }

        // [lens_classes]
        switch lensClasses {
        case .kmeans(let clusters, let nInit, let seed):
            if clusters < 2 { throw failure("lens_classes.clusters", "must be ≥ 2, got \(clusters)") }
            if nInit < 1 { throw failure("lens_classes.n_init", "must be ≥ 1, got \(nInit)") }
            try checkSeed(seed, "lens_classes.seed")
        case .thresholds(let t):
            if t.isEmpty { throw failure("lens_classes.thresholds", "must hold at least one threshold") }
            if let bad = t.first(where: { !$0.isFinite }) { throw failure("lens_classes.thresholds", "must be finite, got \(bad)") }
            for k in 1..<t.count where !(t[k - 1] < t[k]) {
                throw failure("lens_classes.thresholds", "must be strictly ascending, got \(t[k - 1]) then \(t[k])")
            }
        }

        // [merge]
        if !(merge.cut > 0 && merge.cut <= 2) { throw failure("merge.cut", "must be in (0, 2] (correlation distances lie in [0, 2]), got \(merge.cut)") }

        // [macro]
        for (id, name) in macro.names.sorted(by: { $0.key < $1.key }) {
            let key = "macro.names.\(id)"
            if id < 0 { throw failure(key, "macro cluster ids are ≥ 0, got \(id)") }
            if name.allSatisfy(\.isWhitespace) { throw failure(key, "the name must not be empty") }
        }

        try validateRuntime()

        // Keys the mode needs.
        let mode = features.mode
        if mode.usesSoap, soap.rCut == nil { throw missing("soap.r_cut") }
        if mode.usesLens {
            if lens.rCut == nil { throw missing("lens.r_cut") }
            if lens.window == nil { throw missing("lens.window") }
        }
        if mode.usesPCAAndClustering {
            if pca == nil { throw missing("pca.variance") }
            switch clustering.method {
            case nil: throw missing("clustering.method")
            case .hdbscan? where clustering.hdbscan == nil: throw missing("clustering.hdbscan.min_cluster_size")
            case .gmm? where clustering.gmm == nil: throw missing("clustering.gmm.components")
            case .kmeans? where clustering.kmeans == nil: throw missing("clustering.kmeans.clusters")
            default: break
            }
        }
    }

    /// `[endpoints]`, `[logging]`, `[rules]`.
    private func validateRuntime() throws(ConfigurationError) {
        for (key, endpoint) in [("endpoints.frames", endpoints.frames), ("endpoints.alerts", endpoints.alerts)] {
            let schemes = ["tcp://", "ipc://", "inproc://"]
            if !schemes.contains(where: endpoint.hasPrefix) || schemes.contains(endpoint) {
                throw failure(key, "expected a ZeroMQ endpoint (tcp://HOST:PORT, ipc://PATH), got \"\(endpoint)\"")
            }
        }
        if endpoints.frames == endpoints.alerts { throw failure("endpoints.alerts", "must differ from endpoints.frames (\(endpoints.frames))") }
        if endpoints.statsEvery < 0 { throw failure("endpoints.stats_every", "must be ≥ 0 analysed frames (0: only at a run's end), got \(endpoints.statsEvery)") }
        for (key, path) in [("logging.alerts_jsonl", logging.alertsJSONL), ("logging.summary_json", logging.summaryJSON)] {
            if let path, path.allSatisfy(\.isWhitespace) { throw failure(key, "must not be empty (leave the key out for none)") }
        }
        if rules.maxAlertsPerFrame < 1 { throw failure("rules.max_alerts_per_frame", "must be ≥ 1, got \(rules.maxAlertsPerFrame)") }
        for rule in rules.rules {
            let key = "rules.\(rule.name)"
            if rule.persistence < 1 { throw failure(key + ".persistence", "must be ≥ 1 analysed frame, got \(rule.persistence)") }
            if rule.cooldown < 0 { throw failure(key + ".cooldown", "must be ≥ 0 analysed frames, got \(rule.cooldown)") }
            guard let t = rule.threshold else { continue }
            switch rule.kind {
            case .rareTransition where !(t > 0 && t <= 1):
                throw failure(key + ".threshold", "a transition probability threshold must be in (0, 1], got \(t)")
            case .lensBurst where !(t >= 0 && t < 1):
                throw failure(key + ".threshold", "smoothed LENS lies in [0, 1]: the threshold must be in [0, 1), got \(t)")
            case .novelty where !(t >= 0 && t < 1):
                throw failure(key + ".threshold", "novelty lies in [0, 1]: the threshold must be in [0, 1), got \(t)")
            default: break
            }
        }
    }

    private func checkSeed(_ seed: Int, _ key: String) throws(ConfigurationError) {
        if !(0...Self.maximumSeed).contains(seed) { throw failure(key, "must be in 0…\(Self.maximumSeed), got \(seed)") }
    }

    private func missing(_ key: String) -> ConfigurationError {
        .missingKey(file: source.file, key: key)
    }

    private func failure(_ key: String, _ reason: String) -> ConfigurationError {
        failure([key], reason)
    }

    /// Blames the first of `keys` set on the command line, else the first key at its line.
    private func failure(_ keys: [String], _ reason: String) -> ConfigurationError {
        for key in keys {
            if let option = source.overriddenKeys[key] { return .badOverride(option: option, key: key, reason: reason) }
        }
        return .badValue(file: source.file, line: source.line(of: keys[0]), key: keys[0], reason: reason)
    }
}
