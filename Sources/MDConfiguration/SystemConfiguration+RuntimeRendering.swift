extension SystemConfiguration {
    /// The canonical TOML text of the runtime sections, `[endpoints]`, `[logging]` and
    /// `[rules]` (one `[rules.<name>]` table per rule, in order), defaults filled in. Not stored
    /// in a model bundle: a fitted model serves daemons with any endpoints and rules.
    public var runtimeTOMLText: String {
        var out = TOMLLines()
        func references(_ refs: [MacroReference]) -> String {
            "[" + refs.map { ref in
                switch ref {
                case .id(let i): "\(i)"
                case .name(let n): TOMLWriter.string(n)
                }
            }.joined(separator: ", ") + "]"
        }

        out.section("endpoints")
        out.key("frames", TOMLWriter.string(endpoints.frames))
        out.key("frames_mode", TOMLWriter.string(endpoints.framesMode.rawValue))
        out.key("frames_bind", "\(endpoints.framesBind)")
        out.key("alerts", TOMLWriter.string(endpoints.alerts))
        out.key("stats_every", "\(endpoints.statsEvery)")

        out.section("logging")
        out.key("level", TOMLWriter.string(logging.level))
        if let p = logging.alertsJSONL { out.key("alerts_jsonl", TOMLWriter.string(p)) }
        if let p = logging.summaryJSON { out.key("summary_json", TOMLWriter.string(p)) }

        out.section("rules")
        out.key("max_alerts_per_frame", "\(rules.maxAlertsPerFrame)")
        for rule in rules.rules {
            out.section("rules.\(rule.name)")
            out.key("kind", TOMLWriter.string(rule.kind.rawValue))
            out.key("severity", TOMLWriter.string(rule.severity.rawValue))
            if let t = rule.threshold { out.key("threshold", TOMLWriter.float(t)) }
            if !rule.from.isEmpty { out.key("from", references(rule.from)) }
            if !rule.to.isEmpty { out.key("to", references(rule.to)) }
            out.key("persistence", "\(rule.persistence)")
            out.key("cooldown", "\(rule.cooldown)")
        }
        return out.text
    }

    /// Everything configured: ``tomlText`` (the analysis) then ``runtimeTOMLText``.
    public var canonicalTOMLText: String { tomlText + "\n" + runtimeTOMLText }
}
