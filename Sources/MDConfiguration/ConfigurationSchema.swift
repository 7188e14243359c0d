/// The keys a system configuration may contain, for the strict unknown-key check.
enum ConfigurationSchema {
    /// Top-level sections this version interprets, in canonical order.
    static let sections = [
        "system", "selection", "features", "soap", "lens", "pca", "clustering", "lens_classes", "merge", "macro", "endpoints", "logging", "rules",
    ]

    /// Sections reserved for later versions: accepted, not interpreted, reported.
    static let reservedSections: Set<String> = ["archive"]

    /// Allowed keys of each table; `nil` marks a free-form table whose keys are data
    /// (`system.species`, `macro.names`) and are checked when read.
    static let tables: [[String]: Set<String>?] = [
        ["system"]: ["name", "frame_interval_ps", "species"],
        ["system", "species"]: .none,
        ["selection"]: ["centres", "soap_environment", "lens_environment"],
        ["features"]: ["mode"],
        ["soap"]: ["r_cut", "n_max", "l_max", "sigma", "layout", "normalised"],
        ["lens"]: ["r_cut", "lag", "window", "polyorder", "clip"],
        ["pca"]: ["variance", "components"],
        ["clustering"]: ["method", "hdbscan", "gmm", "kmeans"],
        ["clustering", "hdbscan"]: ["min_cluster_size", "min_samples", "selection", "soft"],
        ["clustering", "gmm"]: ["components", "tolerance", "max_iterations", "seed"],
        ["clustering", "kmeans"]: ["clusters", "n_init", "seed"],
        ["lens_classes"]: ["clusters", "n_init", "seed", "thresholds"],
        ["merge"]: ["enabled", "cut"],
        ["macro"]: ["names"],
        ["macro", "names"]: .none,
        ["endpoints"]: ["frames", "frames_mode", "frames_bind", "alerts", "stats_every"],
        ["logging"]: ["level", "alerts_jsonl", "summary_json"],
        // Rule names are data: each [rules.<name>] table's keys are checked when read.
        ["rules"]: .none,
    ]

    /// Every key not in the schema, as paths, in file order (by the locator's line, then path).
    static func unknownPaths(in root: [String: TOMLNode], locator: TOMLKeyLocator) -> [[String]] {
        var unknown: [[String]] = []
        for (key, value) in root {
            if reservedSections.contains(key) { continue }
            guard sections.contains(key) else {
                unknown.append([key])
                continue
            }
            walk(value, path: [key], into: &unknown)
        }
        return unknown.sorted { a, b in
            let la = locator.nearestLine(of: a), lb = locator.nearestLine(of: b)
            return la != lb ? la < lb : a.joined(separator: ".") < b.joined(separator: ".")
        }
    }

    private static func walk(_ node: TOMLNode, path: [String], into unknown: inout [[String]]) {
        guard case .table(let entries) = node, let allowedOrFree = tables[path], let allowed = allowedOrFree else { return }
        for (key, value) in entries {
            if allowed.contains(key) {
                walk(value, path: path + [key], into: &unknown)
            } else {
                unknown.append(path + [key])
            }
        }
    }
}
