import MDAlerts

extension SystemConfiguration {
    /// `[endpoints]` (defaults for absent keys; values checked in ``validate()``).
    static func readEndpoints(_ r: inout ConfigurationReader) throws(ConfigurationError) -> Endpoints {
        _ = try r.table(["endpoints"])
        return Endpoints(
            frames: try r.string(["endpoints", "frames"]) ?? Endpoints.defaultFrames,
            framesMode: try r.choice(["endpoints", "frames_mode"], Endpoints.FramesMode.self) ?? .subscribe,
            framesBind: try r.bool(["endpoints", "frames_bind"]) ?? false,
            alerts: try r.string(["endpoints", "alerts"]) ?? Endpoints.defaultAlerts,
            statsEvery: try r.integer(["endpoints", "stats_every"]) ?? 10)
    }

    /// `[logging]`.
    static func readLogging(_ r: inout ConfigurationReader) throws(ConfigurationError) -> Logging {
        _ = try r.table(["logging"])
        let level = try r.string(["logging", "level"]) ?? "info"
        guard Logging.levels.contains(level) else {
            throw r.bad(["logging", "level"], "expected one of " + Logging.levels.map { "\"\($0)\"" }.joined(separator: ", ") + ", got \"\(level)\"")
        }
        return Logging(level: level, alertsJSONL: try r.string(["logging", "alerts_jsonl"]), summaryJSON: try r.string(["logging", "summary_json"]))
    }

    /// The keys a `[rules.<name>]` table may hold.
    static let ruleKeys: Set<String> = ["kind", "severity", "threshold", "from", "to", "persistence", "cooldown"]

    /// `[rules]`: `max_alerts_per_frame` and one subtable per rule, in file order. The keys of
    /// each rule table are checked here (the schema cannot: rule names are data).
    static func readRules(_ r: inout ConfigurationReader) throws(ConfigurationError) -> Rules {
        guard let entries = try r.table(["rules"]) else { return Rules() }
        var rules = Rules()
        for (key, value) in r.inFileOrder(entries, under: ["rules"]) {
            let path = ["rules", key]
            if key == "max_alerts_per_frame" {
                guard case .integer(let n) = value else { throw r.bad(path, "expected an integer, got \(value.kindDescription)") }
                rules.maxAlertsPerFrame = n
                continue
            }
            guard case .table(let table) = value else {
                throw r.bad(path, "expected max_alerts_per_frame or a rule table [rules.\(key)], got \(value.kindDescription)")
            }
            guard isTopicSafe(key) else {
                throw r.bad(path, "a rule name is the alert topic's suffix (alert.<name>): letters, digits, '-', '_' and '.' only")
            }
            if let unknown = r.inFileOrder(table, under: path).first(where: { !ruleKeys.contains($0.key) }) {
                throw .unknownKey(file: r.file, line: r.locator.nearestLine(of: path + [unknown.key]), key: ConfigurationReader.dotted(path + [unknown.key]))
            }
            guard let kind = try r.choice(path + ["kind"], Rule.Kind.self) else { throw r.missing(path + ["kind"]) }
            let severity = try r.choice(path + ["severity"], AlertSeverity.self) ?? .warning
            let threshold = try r.float(path + ["threshold"])
            let from = try macroReferences(&r, path + ["from"])
            let to = try macroReferences(&r, path + ["to"])
            switch kind {
            case .transition:
                if threshold != nil { throw r.bad(path + ["threshold"], "a transition rule names its clusters (from, to); it takes no threshold") }
                if from.isEmpty { throw r.missing(path + ["from"]) }
                if to.isEmpty { throw r.missing(path + ["to"]) }
            case .rareTransition, .lensBurst, .novelty:
                if threshold == nil { throw r.missing(path + ["threshold"]) }
                for k in ["from", "to"] where r.node(path + [k]) != nil {
                    throw r.bad(path + [k], "only kind = \"transition\" names clusters")
                }
            }
            rules.rules.append(
                Rule(
                    name: key, kind: kind, severity: severity, threshold: threshold, from: from, to: to,
                    persistence: try r.integer(path + ["persistence"]) ?? 1, cooldown: try r.integer(path + ["cooldown"]) ?? 0))
        }
        return rules
    }

    /// `from` / `to`: one id or name, or an array of them.
    private static func macroReferences(_ r: inout ConfigurationReader, _ path: [String]) throws(ConfigurationError) -> [MacroReference] {
        guard let node = r.node(path) else { return [] }
        func one(_ n: TOMLNode, _ what: String) throws(ConfigurationError) -> MacroReference {
            switch n {
            case .integer(let i) where i >= 0: return .id(i)
            case .string(let s) where !s.isEmpty: return .name(s)
            default: throw r.bad(path, "\(what)expected a macro cluster id (≥ 0) or name, got \(n.kindDescription)")
            }
        }
        guard case .array(let items) = node else { return [try one(node, "")] }
        guard !items.isEmpty else { throw r.bad(path, "give at least one macro cluster") }
        var out: [MacroReference] = []
        for (k, item) in items.enumerated() { out.append(try one(item, "element \(k + 1): ")) }
        return out
    }

    private static func isTopicSafe(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}
