import MDAlerts
import Testing

/// Bad frames, rules, models and settings: typed errors naming the frame's step and the array.
@Suite struct InputErrorTests {
    static func engine() throws -> AlertEngine {
        try Script.engine([try AlertRule(name: "burst", severity: .warning, condition: .lensBurst(threshold: 0.5), persistence: 2)], atoms: 3)
    }

    @Test func labelsOutsideTheModel() throws {
        var engine = try Self.engine()
        #expect(throws: AlertError.labelOutsideModel(array: "macro", label: 3, atomIndex: 1, classCount: 3, step: 2000)) {
            try engine.process(Script.frame(2, macro: [0, 3, 0]))
        }
        #expect(throws: AlertError.labelOutsideModel(array: "macro", label: -1, atomIndex: 2, classCount: 3, step: 2000)) {
            try engine.process(Script.frame(2, macro: [0, 0, -1]))
        }
        #expect(throws: AlertError.labelOutsideModel(array: "micro", label: 20, atomIndex: 0, classCount: 20, step: 2000)) {
            try engine.process(Script.frame(2, macro: [0, 0, 0], micro: [20, 1, 1]))
        }
        let message = AlertError.labelOutsideModel(array: "macro", label: 3, atomIndex: 1, classCount: 3, step: 2000).description
        #expect(message == "frame at step 2000: macro[1] = 3 is outside the model's 0..<3")
    }

    @Test func arraysOfTheWrongLength() throws {
        var engine = try Self.engine()
        let good = Script.frame(4, macro: [0, 0, 0])
        var f = good
        f.lens = [0.1, 0.1]
        #expect(throws: AlertError.wrongLength(array: "lens", expected: 3, got: 2, step: 4000)) { try engine.process(f) }
        f = good
        f.novelty = [0.1, 0.1, 0.1, 0.1]
        #expect(throws: AlertError.wrongLength(array: "novelty", expected: 3, got: 4, step: 4000)) { try engine.process(f) }
        f = good
        f.micro = []
        #expect(throws: AlertError.wrongLength(array: "micro", expected: 3, got: 0, step: 4000)) { try engine.process(f) }
        f = good
        f.centreIDs = [1]
        #expect(throws: AlertError.wrongLength(array: "centreIDs", expected: 3, got: 1, step: 4000)) { try engine.process(f) }
        f = good
        f.positions = [0, 0, 0, 1, 1, 1]
        #expect(throws: AlertError.wrongLength(array: "positions", expected: 9, got: 6, step: 4000)) { try engine.process(f) }
        #expect(AlertError.wrongLength(array: "lens", expected: 3, got: 2, step: 4000).description
                    == "frame at step 4000: lens has 2 values, expected 3")
        f = Script.frame(4, macro: [0, 0])
        #expect(throws: AlertError.wrongLength(array: "centreIDs", expected: 3, got: 2, step: 4000)) { try engine.process(f) }
    }

    @Test func outOfOrderAndForeignFrames() throws {
        var engine = try Self.engine()
        _ = try engine.process(Script.frame(5, macro: [0, 0, 0]))
        #expect(throws: AlertError.indexNotIncreasing(previous: 5, got: 5, step: 5000)) { try engine.process(Script.frame(5, macro: [0, 0, 0])) }
        #expect(throws: AlertError.indexNotIncreasing(previous: 5, got: 3, step: 3000)) { try engine.process(Script.frame(3, macro: [0, 0, 0])) }
        var other = Script.frame(6, macro: [0, 0, 0])
        other.runID = "another"
        #expect(throws: AlertError.otherRun(expected: Script.runID, got: "another", step: 6000)) { try engine.process(other) }
    }

    @Test func aRefusedFrameChangesNothing() throws {
        // A burst streak 0, 1 (K = 2) fires at 1 even with refused frames in between; no break is counted.
        var engine = try Self.engine()
        #expect(try engine.process(Script.frame(0, macro: [0, 0, 0], lens: [0.9, 0.1, 0.1])).isEmpty)
        #expect(throws: AlertError.self) { try engine.process(Script.frame(1, macro: [0, 9, 0], lens: [0.1, 0.1, 0.1])) }
        #expect(throws: AlertError.self) { try engine.process(Script.frame(7, macro: [0, 0, 0], micro: [0, 0, 99], lens: [0.1, 0.1, 0.1])) }
        #expect(engine.lastIndex == 0 && engine.breaks == 0)
        #expect(Script.brief(try engine.process(Script.frame(1, macro: [0, 0, 0], lens: [0.9, 0.1, 0.1]))) == ["burst@1#0"])
    }

    @Test func badRules() {
        let named = AlertCondition.namedTransition(from: [1], to: [2])
        #expect(throws: AlertError.invalidRule(name: "r", reason: "persistence 0 must be ≥ 1 frame")) {
            try AlertRule(name: "r", severity: .info, condition: named, persistence: 0)
        }
        #expect(throws: AlertError.invalidRule(name: "r", reason: "cooldown -1 must be ≥ 0 frames")) {
            try AlertRule(name: "r", severity: .info, condition: named, cooldown: -1)
        }
        #expect(throws: AlertError.self) { try AlertRule(name: "", severity: .info, condition: named) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .namedTransition(from: [], to: [2])) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .namedTransition(from: [-1], to: [2])) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .rareTransition(threshold: 0)) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .rareTransition(threshold: 1.5)) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .lensBurst(threshold: .nan)) }
        #expect(throws: AlertError.self) { try AlertRule(name: "r", severity: .info, condition: .novelty(threshold: .infinity)) }
    }

    @Test func badEngineSettingsAndModels() throws {
        let rule = try AlertRule(name: "r", severity: .info, condition: .namedTransition(from: [1], to: [3]))
        #expect(throws: AlertError.invalidRule(name: "r", reason: "macro id 3 is outside the model's 0..<3")) {
            try Script.engine([rule], atoms: 2)
        }
        let burst = try AlertRule(name: "burst", severity: .info, condition: .lensBurst(threshold: 0.5))
        #expect(throws: AlertError.invalidRule(name: "burst", reason: "two rules have this name")) { try Script.engine([burst, burst], atoms: 2) }
        let storm = try AlertRule(name: "storm", severity: .info, condition: .lensBurst(threshold: 0.5))
        #expect(throws: AlertError.self) { try Script.engine([storm], atoms: 2) }
        #expect(throws: AlertError.self) { try Script.engine([burst], atoms: 0) }
        #expect(throws: AlertError.self) { try Script.engine([burst], atoms: 2, maxAlertsPerFrame: 0) }
        #expect(throws: AlertError.self) { try AlertModel(microClassCount: 4, macroProbabilities: [0.5, 0.5, 1]) }
        #expect(throws: AlertError.self) { try AlertModel(microClassCount: 4, macroProbabilities: []) }
        #expect(throws: AlertError.self) { try AlertModel(microClassCount: 4, macroProbabilities: [1, 0, 0, .nan]) }
        #expect(throws: AlertError.self) { try AlertModel(microClassCount: 0, macroProbabilities: [1]) }
        #expect(throws: AlertError.self) { try AlertModel(microClassCount: 4, macroProbabilities: [1, 0, 0, 1], macroNames: ["one"]) }
        let model = try AlertModel(microClassCount: 4, macroProbabilities: [1, 0, 0.25, 0.75], macroNames: ["a", "b"])
        #expect(model.macroClassCount == 2 && model.probability(from: 1, to: 0) == 0.25 && model.name(ofMacro: 1) == "b")
    }
}
