import MDAlerts
import Testing

/// Named and rare transitions against scripted macro sequences (model in ``Script``).
@Suite struct TransitionRuleTests {
    static func detachment(persistence: Int, from: Set<Int32> = [1], to: Set<Int32> = [2]) throws -> AlertRule {
        try AlertRule(name: "edge-detachment", severity: .critical, condition: .namedTransition(from: from, to: to), persistence: persistence)
    }

    @Test func namedFiresOnThePersistenceFrameOnly() throws {
        var engine = try Script.engine([Self.detachment(persistence: 3)], atoms: 4)
        let alerts = try Script.run(&engine, Script.frames(macro: [
            [1, 1, 2, 2, 2, 2],  // edge → adatom held 4 frames: fires on the 3rd frame in adatom (index 4)
            [1, 1, 1, 2, 2, 1],  // held 2 frames: one short
            [0, 0, 2, 2, 2, 2],  // terrace → adatom: not FROM
            [1, 0, 0, 0, 0, 0],  // edge → terrace: not TO
        ]))
        let expected = Alert(rule: "edge-detachment", kind: .namedTransition, severity: .critical, runID: Script.runID, step: 4000, time: 4,
                             index: 4, atomID: 101, atomIndex: 0, macro: 2, micro: 12, fromMacro: 1, toMacro: 2, fromMicro: 11, toMicro: 12,
                             fromName: "edge", toName: "adatom", macroName: "adatom", lens: 0.1, transitionProbability: 0.05, novelty: 0.5)
        #expect(alerts == [expected])
    }

    @Test func namedWithPersistenceOneFiresOnTheFirstFrameInTo() throws {
        var engine = try Script.engine([Self.detachment(persistence: 1)], atoms: 2)
        let alerts = try Script.run(&engine, Script.frames(macro: [
            [1, 2, 2, 1, 2],
            [2, 2, 1, 1, 1],  // starts in TO: no known predecessor
        ]))
        #expect(Script.brief(alerts) == ["edge-detachment@1#0", "edge-detachment@4#0"])
    }

    @Test func namedToSetCountsAnyMemberAndReportsTheEnteredCluster() throws {
        // terrace → {edge, adatom}: the run may move between members; from / to are the transition's.
        var engine = try Script.engine([Self.detachment(persistence: 3, from: [0], to: [1, 2])], atoms: 2)
        let alerts = try Script.run(&engine, Script.frames(macro: [
            [0, 1, 2, 2, 0],
            [1, 0, 1, 0, 1],
        ]))
        #expect(Script.brief(alerts) == ["edge-detachment@3#0"])
        let a = try #require(alerts.first)
        #expect(a.fromMacro == 0 && a.toMacro == 1 && a.fromMicro == 10 && a.toMicro == 11 && a.macro == 2)
        #expect(a.fromName == "terrace" && a.toName == "edge" && a.macroName == "adatom")
        #expect(a.transitionProbability == 0.09)
    }

    @Test func rareFiresBelowTheThresholdOnlyAfterPersistence() throws {
        let rule = try AlertRule(name: "rare", severity: .warning, condition: .rareTransition(threshold: 0.06), persistence: 2)
        var engine = try Script.engine([rule], atoms: 5)
        let alerts = try Script.run(&engine, Script.frames(macro: [
            [0, 0, 2, 2, 2],  // terrace → adatom, P = 0.01: fires on index 3
            [0, 0, 1, 1, 1],  // terrace → edge, P = 0.09: probable, never
            [1, 2, 1, 1, 1],  // edge → adatom (0.05) held 1 frame; adatom → edge 0.20
            [1, 1, 1, 2, 2],  // edge → adatom, 0.05: fires on index 4
            [2, 2, 2, 2, 2],  // never moves
        ]))
        #expect(Script.brief(alerts) == ["rare@3#0", "rare@4#3"])
        #expect(alerts.map(\.transitionProbability) == [0.01, 0.05])
        #expect(alerts[0] == Alert(rule: "rare", kind: .rareTransition, severity: .warning, runID: Script.runID, step: 3000, time: 3, index: 3,
                                   atomID: 101, atomIndex: 0, macro: 2, micro: 12, fromMacro: 0, toMacro: 2, fromMicro: 10, toMicro: 12,
                                   fromName: "terrace", toName: "adatom", macroName: "adatom", lens: 0.1, transitionProbability: 0.01,
                                   novelty: 0.5))
    }

    @Test func rareThresholdIsStrict() throws {
        // P = 0.05 is not below 0.05; below 0.0500001 it is.
        for (threshold, expected) in [(0.05, [String]()), (0.0500001, ["rare@1#0"])] {
            let rule = try AlertRule(name: "rare", severity: .info, condition: .rareTransition(threshold: threshold))
            var engine = try Script.engine([rule], atoms: 1)
            #expect(Script.brief(try Script.run(&engine, Script.frames(macro: [[1, 2, 2]]))) == expected)
        }
    }

    @Test func alertsWithoutNamesCarryNone() throws {
        let model = try AlertModel(microClassCount: 20, macroProbabilities: Script.probabilities)
        var engine = try AlertEngine(rules: [Self.detachment(persistence: 1)], model: model, atomCount: 1)
        let alerts = try Script.run(&engine, Script.frames(macro: [[1, 2]]))
        #expect(alerts.count == 1)
        #expect(alerts[0].fromName == nil && alerts[0].toName == nil && alerts[0].macroName == nil)
        #expect(alerts[0].fromMacro == 1 && alerts[0].toMacro == 2)
    }
}
