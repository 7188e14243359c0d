extension SystemConfiguration {
    /// The canonical TOML text of the runtime sections, `[endpoints]`, `[logging]` and
    /// `[rules]` (one `[rules.<name>]` table per rule, in order), defaults filled in. Not stored
    /// in a model bundle: a fitted model serves daemons with any endpoints and rules.
    public var runtimeTOMLText: String {
        var lines: [String] = []
        func section(_ name: String) {
            if !lines.isEmpty { lines.append("") }
            lines.append("[\(name)]")
        }
        func key(_ k: String, _ v: String) { lines.append("\(k) = \(v)") }
        func references(_ refs: [MacroReference]) -> String {
            "[" + refs.map { ref in
                switch ref {
                case .id(let i): "\(i)"
                case .name(let n): TOMLWriter.string(n)
                }
            }.joined(separator: ", ") + "]"
        }

        section("endpoints")
        key("frames", TOMLWriter.string(endpoints.frames))
        key("frames_mode", TOMLWriter.string(endpoints.framesMode.rawValue))
        key("frames_bind", "\(endpoints.framesBind)")
        key("alerts", TOMLWriter.string(endpoints.alerts))
        key("stats_every", "\(endpoints.statsEvery)")

        section("logging")
        key("level", TOMLWriter.string(logging.level))
        if let p = logging.alertsJSONL { key("alerts_jsonl", TOMLWriter.string(p)) }
        if let p = logging.summaryJSON { key("summary_json", TOMLWriter.string(p)) }

        section("rules")
        key("max_alerts_per_frame", "\(rules.maxAlertsPerFrame)")
        for rule in rules.rules {
            section("rules.\(rule.name)")
            key("kind", TOMLWriter.string(rule.kind.rawValue))
            key("severity", TOMLWriter.string(rule.severity.rawValue))
            if let t = rule.threshold { key("threshold", TOMLWriter.float(t)) }
            if !rule.from.isEmpty { key("from", references(rule.from)) }
            if !rule.to.isEmpty { key("to", references(rule.to)) }
            key("persistence", "\(rule.persistence)")
            key("cooldown", "\(rule.cooldown)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Everything configured: ``tomlText`` (the analysis) then ``runtimeTOMLText``.
    public var canonicalTOMLText: String { tomlText + "\n" + runtimeTOMLText }
}
