import MDAlerts
import Testing

/// LENS bursts and novelty against scripted value sequences.
@Suite struct ThresholdRuleTests {
    @Test func lensBurstFiresOnceAtPersistenceAndReArmsBelowTheThreshold() throws {
        let rule = try AlertRule(name: "burst", severity: .warning, condition: .lensBurst(threshold: 0.5), persistence: 2)
        var engine = try Script.engine([rule], atoms: 4)
        let alerts = try Script.run(&engine, Script.frames(atoms: 4, lens: [
            [0.6, 0.7, 0.8, 0.4, 0.6, 0.9, 0.9],  // streak 0–2 fires at 1; re-armed by 0.4; streak 4–6 fires at 5
            [0.6, 0.4, 0.6, 0.4, 0.6, 0.4, 0.6],  // one short every time
            [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],  // at the threshold: never
            [0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],  // one long streak: fires once, at 2
        ]))
        #expect(Script.brief(alerts) == ["burst@1#0", "burst@2#3", "burst@5#0"])
        #expect(alerts.map(\.lens) == [0.7, 0.9, 0.9])
        #expect(alerts[0] == Alert(rule: "burst", kind: .lensBurst, severity: .warning, runID: Script.runID, step: 1000, time: 1, index: 1,
                                   atomID: 101, atomIndex: 0, macro: 0, micro: 10, macroName: "terrace", lens: 0.7, novelty: 0.5))
    }

    @Test func noveltyIgnoresNaNAndCarriesThePosition() throws {
        let rule = try AlertRule(name: "novel", severity: .info, condition: .novelty(threshold: 0.9), persistence: 2)
        var engine = try Script.engine([rule], atoms: 3)
        let nan = Double.nan
        let sequences: [[Double]] = [
            [0.95, nan, 0.95, 0.95, 0.99],  // NaN ends the first streak: fires at 3
            [nan, nan, nan, nan, nan],      // never
            [0.95, 0.97, nan, 0.5, 0.2],    // fires at 1
        ]
        var frames = Script.frames(atoms: 3, novelty: sequences)
        for f in frames.indices {
            frames[f].positions = (0..<3).flatMap { i in [Double(i), Double(f), 0.5] }
        }
        let alerts = try Script.run(&engine, frames)
        #expect(Script.brief(alerts) == ["novel@1#2", "novel@3#0"])
        #expect(alerts.map(\.position) == [SIMD3(2, 1, 0.5), SIMD3(0, 3, 0.5)])
        #expect(alerts.map(\.novelty) == [0.97, 0.95])
        #expect(alerts[1] == Alert(rule: "novel", kind: .novelty, severity: .info, runID: Script.runID, step: 3000, time: 3, index: 3,
                                   atomID: 101, atomIndex: 0, position: SIMD3(0, 3, 0.5), macro: 0, micro: 10, macroName: "terrace",
                                   lens: 0.1, novelty: 0.95))
    }

    @Test func unknownNoveltyIsNilInOtherAlerts() throws {
        let rule = try AlertRule(name: "burst", severity: .warning, condition: .lensBurst(threshold: 0.5))
        var engine = try Script.engine([rule], atoms: 1)
        let alerts = try engine.process(Script.frame(0, macro: [0], lens: [0.8], novelty: [.nan]))
        #expect(alerts.count == 1)
        #expect(alerts[0].novelty == nil && alerts[0].position == nil)
    }
}
