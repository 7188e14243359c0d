import MDAlerts
import Testing

/// Cooldown, storm control, sequence breaks and the order of a frame's alerts.
@Suite struct EngineControlTests {
    static func burst(_ name: String = "burst", severity: AlertSeverity = .warning, persistence: Int = 1, cooldown: Int = 0) throws -> AlertRule {
        try AlertRule(name: name, severity: severity, condition: .lensBurst(threshold: 0.5), persistence: persistence, cooldown: cooldown)
    }

    @Test func cooldownSuppressesThenAllows() throws {
        let hot = 0.9, cold = 0.1
        // A burst (K = 1) every other frame.
        let lens: [[Double]] = [[hot, cold, hot, cold, hot, cold, hot, cold, hot]]
        var results: [Int: [String]] = [:]
        for cooldown in [0, 1, 2, 3] {
            var engine = try Script.engine([Self.burst(cooldown: cooldown)], atoms: 1)
            results[cooldown] = Script.brief(try Script.run(&engine, Script.frames(atoms: 1, lens: lens)))
        }
        #expect(results[0] == ["burst@0#0", "burst@2#0", "burst@4#0", "burst@6#0", "burst@8#0"])
        // C = 1: the next firing must be at ≥ f + 2, which index 2 is.
        #expect(results[1] == results[0])
        // C = 2: index 2 = f + C is still quiet, 4 = f + C + 2 is not.
        #expect(results[2] == ["burst@0#0", "burst@4#0", "burst@8#0"])
        // C = 3: fired at 0 → quiet through 3; 2 dropped (not deferred), 4 fires, 6 dropped, 8 fires.
        #expect(results[3] == ["burst@0#0", "burst@4#0", "burst@8#0"])
    }

    @Test func cooldownIsPerAtomAndPerRule() throws {
        let rules = [try Self.burst("a", cooldown: 5), try Self.burst("b", cooldown: 0)]
        var engine = try Script.engine(rules, atoms: 2)
        let alerts = try Script.run(&engine, Script.frames(atoms: 2, lens: [
            [0.9, 0.1, 0.9],
            [0.1, 0.1, 0.9],
        ]))
        #expect(Script.brief(alerts) == ["a@0#0", "b@0#0", "a@2#1", "b@2#0", "b@2#1"])
    }

    @Test func cooldownSurvivesABreak() throws {
        // Fired at 0 with C = 3; frames 1 lost: the new streak at 2 is still in cooldown, the one at 4 is not.
        var engine = try Script.engine([Self.burst(cooldown: 3)], atoms: 1)
        let alerts = try Script.run(&engine, Script.frames(atoms: 1, lens: [[0.9, 0.9, 0.1, 0.9]], indices: [0, 2, 3, 4]))
        #expect(Script.brief(alerts) == ["burst@0#0", "burst@4#0"])
        #expect(engine.breaks == 1)
    }

    @Test func stormReplacesMoreThanRAlerts() throws {
        let rules = [try Self.burst("burst", severity: .info),
                     try AlertRule(name: "novel", severity: .critical, condition: .novelty(threshold: 0.9))]
        var engine = try Script.engine(rules, atoms: 4, maxAlertsPerFrame: 3)
        // Frame 0: 2 bursts + 2 novel = 4 > 3 → one storm. Frame 1: 2 + 1 = 3 → three alerts.
        let frames = [
            Script.frame(0, macro: [0, 0, 0, 0], lens: [0.9, 0.1, 0.9, 0.1], novelty: [0.5, 0.95, 0.5, 0.95]),
            Script.frame(1, macro: [0, 0, 0, 0], lens: [0.1, 0.9, 0.1, 0.9], novelty: [0.95, 0.5, 0.5, 0.5]),
        ]
        let storm = try engine.process(frames[0])
        #expect(storm == [Alert(rule: "storm", kind: .storm, severity: .critical, runID: Script.runID, step: 0, time: 0, index: 0,
                                storm: AlertStorm(counts: [.init(rule: "burst", count: 2), .init(rule: "novel", count: 2)], total: 4, limit: 3))])
        #expect(Script.brief(try engine.process(frames[1])) == ["burst@1#1", "burst@1#3", "novel@1#0"])
    }

    @Test func stormCountsOnlyRulesThatFiredAndTakesTheirHighestSeverity() throws {
        let rules = [try AlertRule(name: "novel", severity: .critical, condition: .novelty(threshold: 0.9)),
                     try Self.burst("loud", severity: .info),
                     try Self.burst("louder", severity: .warning, persistence: 2)]
        var engine = try Script.engine(rules, atoms: 3, maxAlertsPerFrame: 2)
        // Frame 0: loud fires for all 3 atoms (> 2): a storm of "loud" only, severity info (novel fired nothing).
        let a0 = try engine.process(Script.frame(0, macro: [0, 0, 0], lens: [0.9, 0.9, 0.9]))
        #expect(a0.count == 1)
        #expect(a0[0].storm == AlertStorm(counts: [.init(rule: "loud", count: 3)], total: 3, limit: 2))
        #expect(a0[0].severity == .info && a0[0].atomID == nil && a0[0].kind == .storm)
        // Frame 1: loud is inside its streaks (fires once per streak), louder reaches K = 2 on 3 atoms: a warning storm.
        let a1 = try engine.process(Script.frame(1, macro: [0, 0, 0], lens: [0.9, 0.9, 0.9]))
        #expect(a1.map(\.storm) == [AlertStorm(counts: [.init(rule: "louder", count: 3)], total: 3, limit: 2)])
        #expect(a1[0].severity == .warning)
        // Frame 2: nothing new.
        #expect(try engine.process(Script.frame(2, macro: [0, 0, 0], lens: [0.9, 0.9, 0.9])).isEmpty)
    }

    @Test func breakResetsStreaksAndPreviousLabels() throws {
        let rules = [try AlertRule(name: "detach", severity: .critical, condition: .namedTransition(from: [1], to: [2]), persistence: 2),
                     try AlertRule(name: "rare", severity: .warning, condition: .rareTransition(threshold: 0.06)),
                     try Self.burst(persistence: 3)]
        let macro: [[Int32]] = [[1, 2, 2, 2], [0, 0, 2, 2]]
        let lens: [[Double]] = [[0.1, 0.9, 0.9, 0.9], [0.1, 0.1, 0.1, 0.1]]
        // Consecutive: detach fires at 2, rare (terrace → adatom, K = 1) at 2 for atom 1 and (edge → adatom) at 1 for atom 0, burst at 3.
        var engine = try Script.engine(rules, atoms: 2)
        #expect(Script.brief(try Script.run(&engine, Script.frames(macro: macro, lens: lens)))
                    == ["rare@1#0", "detach@2#0", "rare@2#1", "burst@3#0"])
        // Lost frames between the 2nd and 3rd frame (index 1 → 5): the streaks restart, the previous labels are unknown.
        engine = try Script.engine(rules, atoms: 2)
        #expect(Script.brief(try Script.run(&engine, Script.frames(macro: macro, lens: lens, indices: [0, 1, 5, 6]))) == ["rare@1#0"])
        #expect(engine.breaks == 1)
        // The same with an explicit break on consecutive indices.
        engine = try Script.engine(rules, atoms: 2)
        let frames = Script.frames(macro: macro, lens: lens)
        var alerts = try Script.run(&engine, Array(frames[0..<2]))
        engine.breakSequence()
        alerts += try Script.run(&engine, Array(frames[2...]))
        #expect(Script.brief(alerts) == ["rare@1#0"])
    }

    @Test func alertsComeInRuleOrderThenAtomOrder() throws {
        let rules = [try Self.burst("burst"),
                     try AlertRule(name: "detach", severity: .critical, condition: .namedTransition(from: [1], to: [2])),
                     try AlertRule(name: "novel", severity: .info, condition: .novelty(threshold: 0.9))]
        var engine = try Script.engine(rules, atoms: 4)
        _ = try engine.process(Script.frame(0, macro: [1, 1, 1, 1]))
        let alerts = try engine.process(Script.frame(1, macro: [2, 1, 2, 2], lens: [0.1, 0.9, 0.9, 0.1], novelty: [0.95, 0.1, 0.1, 0.95]))
        #expect(Script.brief(alerts) == ["burst@1#1", "burst@1#2", "detach@1#0", "detach@1#2", "detach@1#3", "novel@1#0", "novel@1#3"])
        #expect(alerts.map(\.atomID) == [102, 103, 101, 103, 104, 101, 104])
    }
}
