import MDAlerts
import MDConfiguration
import Testing

private typealias S = ConfigurationTestSupport

/// `[endpoints]`, `[logging]` and `[rules]`: read strictly, validated, rendered, and kept out of
/// the text a model stores.
@Suite struct RuntimeSectionsTests {
    static let runtime = """

        [endpoints]
        frames = "tcp://127.0.0.1:6000"
        frames_mode = "pull"
        frames_bind = true
        alerts = "tcp://127.0.0.1:6001"
        stats_every = 5

        [logging]
        level = "notice"
        alerts_jsonl = "/var/lib/soaplens/alerts.jsonl"

        [rules]
        max_alerts_per_frame = 20

        [rules.edge-detachment]
        kind = "transition"
        from = ["step edge", 2]
        to = "adatom"
        severity = "critical"
        persistence = 3
        cooldown = 40

        [rules.burst]
        kind = "lens_burst"
        threshold = 0.25
        persistence = 2

        [rules.rare]
        kind = "rare_transition"
        threshold = 0.001

        [rules.new-environment]
        kind = "novelty"
        threshold = 0.99
        severity = "info"
        """

    @Test func readsEveryKey() throws {
        let c = try SystemConfiguration.parse(text: S.minimal + "\n" + Self.runtime)
        #expect(c.endpoints == .init(frames: "tcp://127.0.0.1:6000", framesMode: .pull, framesBind: true, alerts: "tcp://127.0.0.1:6001", statsEvery: 5))
        #expect(c.logging == .init(level: "notice", alertsJSONL: "/var/lib/soaplens/alerts.jsonl", summaryJSON: nil))
        #expect(c.rules.maxAlertsPerFrame == 20)
        #expect(c.rules.rules.map(\.name) == ["edge-detachment", "burst", "rare", "new-environment"])  // file order
        #expect(
            c.rules.rules[0]
                == .init(name: "edge-detachment", kind: .transition, severity: .critical, from: [.name("step edge"), .id(2)], to: [.name("adatom")], persistence: 3, cooldown: 40))
        #expect(c.rules.rules[1] == .init(name: "burst", kind: .lensBurst, severity: .warning, threshold: 0.25, persistence: 2, cooldown: 0))
        #expect(c.rules.rules[2] == .init(name: "rare", kind: .rareTransition, threshold: 0.001))
        #expect(c.rules.rules[3] == .init(name: "new-environment", kind: .novelty, severity: .info, threshold: 0.99))
    }

    @Test func defaultsWithoutTheSections() throws {
        let c = try SystemConfiguration.parse(text: S.minimal)
        #expect(c.endpoints == .init())
        #expect(c.endpoints.frames == "tcp://127.0.0.1:5555" && c.endpoints.alerts == "tcp://127.0.0.1:5556" && c.endpoints.framesMode == .subscribe)
        #expect(c.logging == .init())
        #expect(c.rules == .init())
        #expect(c.rules.maxAlertsPerFrame == 50)
    }

    /// The model stores `tomlText`: rules and endpoints must not change it (nor the model id).
    @Test func runtimeSectionsStayOutOfTheModelText() throws {
        let plain = try SystemConfiguration.parse(text: S.minimal)
        let withRuntime = try SystemConfiguration.parse(text: S.minimal + "\n" + Self.runtime)
        #expect(plain.tomlText == withRuntime.tomlText)
        #expect(!withRuntime.tomlText.contains("[rules"))
        #expect(plain != withRuntime)
        let back = try SystemConfiguration.parse(text: withRuntime.canonicalTOMLText)
        #expect(back == withRuntime)
        #expect(back.canonicalTOMLText == withRuntime.canonicalTOMLText)
        #expect(withRuntime.canonicalTOMLText.contains("[rules.edge-detachment]\nkind = \"transition\"\nseverity = \"critical\"\nfrom = [\"step edge\", 2]\nto = [\"adatom\"]\npersistence = 3\ncooldown = 40\n"))
    }

    @Test func checkReportListsTheRules() throws {
        let report = try SystemConfiguration.parse(text: S.minimal + "\n" + Self.runtime, file: "sys.toml").checkReport()
        #expect(report.contains("  endpoints: frames PULL binds tcp://127.0.0.1:6000; alerts published on tcp://127.0.0.1:6001, stats every 5 analysed frames\n"))
        #expect(report.contains("  logging: level notice; alert journal /var/lib/soaplens/alerts.jsonl\n"))
        #expect(report.contains("  rules (storm above 20 alerts per frame):\n"))
        #expect(report.contains("    edge-detachment [critical]: macro \"step edge\"|2 → \"adatom\", held 3 analysed frames, cooldown 40\n"))
        #expect(report.contains("    burst [warning]: smoothed LENS > 0.25, held 2 analysed frames, cooldown 0\n"))
        #expect(report.contains("    rare [warning]: a macro transition with fitted probability < 0.001, held 1 analysed frame, cooldown 0\n"))
    }

    /// Each mistake names the file, the line and the dotted key.
    @Test func badValuesAreNamed() throws {
        func error(_ extra: String) -> ConfigurationError? { S.error(S.minimal + "\n" + extra) }
        let base = S.minimal.split(separator: "\n", omittingEmptySubsequences: false).count + 1  // line of the first extra line
        #expect(error("[endpoints]\nframes_mode = \"push\"") == .badValue(file: "t.toml", line: base + 1, key: "endpoints.frames_mode", reason: "expected one of \"subscribe\", \"pull\", got \"push\""))
        #expect(error("[endpoints]\nalerts = \"127.0.0.1:5556\"") == .badValue(file: "t.toml", line: base + 1, key: "endpoints.alerts", reason: "expected a ZeroMQ endpoint (tcp://HOST:PORT, ipc://PATH), got \"127.0.0.1:5556\""))
        #expect(error("[endpoints]\nframes = \"tcp://127.0.0.1:7\"\nalerts = \"tcp://127.0.0.1:7\"") == .badValue(file: "t.toml", line: base + 2, key: "endpoints.alerts", reason: "must differ from endpoints.frames (tcp://127.0.0.1:7)"))
        #expect(error("[endpoints]\nstats_every = -1") == .badValue(file: "t.toml", line: base + 1, key: "endpoints.stats_every", reason: "must be ≥ 0 analysed frames (0: only at a run's end), got -1"))
        #expect(error("[logging]\nlevel = \"loud\"") == .badValue(file: "t.toml", line: base + 1, key: "logging.level", reason: "expected one of \"trace\", \"debug\", \"info\", \"notice\", \"warning\", \"error\", \"critical\", got \"loud\""))
        #expect(error("[logging]\nsummary = \"x\"") == .unknownKey(file: "t.toml", line: base + 1, key: "logging.summary"))
        #expect(error("[rules]\nmax_alerts_per_frame = 0") == .badValue(file: "t.toml", line: base + 1, key: "rules.max_alerts_per_frame", reason: "must be ≥ 1, got 0"))
        #expect(error("[rules]\nlimit = 3") == .badValue(file: "t.toml", line: base + 1, key: "rules.limit", reason: "expected max_alerts_per_frame or a rule table [rules.limit], got the integer 3"))
        #expect(error("[rules.a]\nkind = \"novelty\"\nthreshold = 0.9\nwhen = 3") == .unknownKey(file: "t.toml", line: base + 3, key: "rules.a.when"))
        #expect(error("[rules.a]\nthreshold = 0.9") == .missingKey(file: "t.toml", key: "rules.a.kind"))
        #expect(error("[rules.a]\nkind = \"spike\"") == .badValue(file: "t.toml", line: base + 1, key: "rules.a.kind", reason: "expected one of \"transition\", \"rare_transition\", \"lens_burst\", \"novelty\", got \"spike\""))
        #expect(error("[rules.a]\nkind = \"novelty\"") == .missingKey(file: "t.toml", key: "rules.a.threshold"))
        #expect(error("[rules.a]\nkind = \"novelty\"\nthreshold = 1.5") == .badValue(file: "t.toml", line: base + 2, key: "rules.a.threshold", reason: "novelty lies in [0, 1]: the threshold must be in [0, 1), got 1.5"))
        #expect(error("[rules.a]\nkind = \"rare_transition\"\nthreshold = 0") == .badValue(file: "t.toml", line: base + 2, key: "rules.a.threshold", reason: "a transition probability threshold must be in (0, 1], got 0.0"))
        #expect(error("[rules.a]\nkind = \"lens_burst\"\nthreshold = 0.3\nfrom = 1") == .badValue(file: "t.toml", line: base + 3, key: "rules.a.from", reason: "only kind = \"transition\" names clusters"))
        #expect(error("[rules.a]\nkind = \"transition\"\nto = 1") == .missingKey(file: "t.toml", key: "rules.a.from"))
        #expect(error("[rules.a]\nkind = \"transition\"\nfrom = 0\nto = 1\nthreshold = 0.1") == .badValue(file: "t.toml", line: base + 4, key: "rules.a.threshold", reason: "a transition rule names its clusters (from, to); it takes no threshold"))
        #expect(error("[rules.a]\nkind = \"transition\"\nfrom = -1\nto = 1") == .badValue(file: "t.toml", line: base + 2, key: "rules.a.from", reason: "expected a macro cluster id (≥ 0) or name, got the integer -1"))
        #expect(error("[rules.a]\nkind = \"transition\"\nfrom = [0, 1.5]\nto = 1") == .badValue(file: "t.toml", line: base + 2, key: "rules.a.from", reason: "element 2: expected a macro cluster id (≥ 0) or name, got the floating-point number 1.5"))
        #expect(error("[rules.a]\nkind = \"novelty\"\nthreshold = 0.9\npersistence = 0") == .badValue(file: "t.toml", line: base + 3, key: "rules.a.persistence", reason: "must be ≥ 1 analysed frame, got 0"))
        #expect(error("[rules.a]\nkind = \"novelty\"\nthreshold = 0.9\nseverity = \"fatal\"") == .badValue(file: "t.toml", line: base + 3, key: "rules.a.severity", reason: "expected one of \"info\", \"warning\", \"critical\", got \"fatal\""))
        #expect(error("[rules.\"a b\"]\nkind = \"novelty\"\nthreshold = 0.9") == .badValue(file: "t.toml", line: base, key: "rules.a b", reason: "a rule name is the alert topic's suffix (alert.<name>): letters, digits, '-', '_' and '.' only"))
    }
}
